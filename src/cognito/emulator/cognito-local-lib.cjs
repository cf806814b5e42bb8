'use strict';
// Loads cognito-local's own modules (lib/...) from its own folder, so that
// its pino 7 and aws-sdk v2 are used even when other versions are hoisted
// for the API. Every patch of the embedded emulator reaches it through this.
const { createRequire } = require('node:module');

const local = createRequire(require.resolve('cognito-local/package.json'));

module.exports = { local };
