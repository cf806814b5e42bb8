'use strict';
// Every code the emulator "sends" goes to the parent over IPC (the API's dev
// outbox) instead of being printed.
const { local } = require('./cognito-local-lib.cjs');

const { MessagesService } = local('./lib/services/messages.js');

function deliverToParent() {
  MessagesService.prototype.deliver = async function deliver(
    ctx,
    source,
    clientId,
    poolId,
    user,
    code,
  ) {
    const email = (user.Attributes || []).find((a) => a.Name === 'email');
    if (process.send) {
      process.send({
        type: 'code',
        kind: source,
        email: email ? email.Value : user.Username,
        code,
        at: new Date().toISOString(),
      });
    }
  };
}

module.exports = { deliverToParent };
