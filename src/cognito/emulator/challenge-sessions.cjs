'use strict';
// Challenge sessions as Cognito enforces them: each one names the user and
// the challenge it was issued for, is valid for `validityMs`, and can be
// answered once. Anything else is NotAuthorizedException "Invalid session
// for the user.".
const { randomBytes } = require('node:crypto');
const { createRequire } = require('node:module');

const local = createRequire(require.resolve('cognito-local/package.json'));
const { NotAuthorizedError } = local('./lib/errors.js');

/** Sessions kept at most at once; the oldest go first past it. */
const MAX_SESSIONS = 10_000;

function createChallengeSessions({ validityMs, now = Date.now }) {
  const sessions = new Map();
  return {
    issue(username, challengeName) {
      const session = randomBytes(32).toString('base64url');
      sessions.set(session, {
        username,
        challengeName,
        expiresAt: now() + validityMs,
      });
      if (sessions.size > MAX_SESSIONS) {
        sessions.delete(sessions.keys().next().value);
      }
      return session;
    },
    consume(session, username, challengeName) {
      const entry =
        typeof session === 'string' ? sessions.get(session) : undefined;
      if (entry) sessions.delete(session);
      if (
        !entry ||
        entry.username !== username ||
        entry.challengeName !== challengeName ||
        now() >= entry.expiresAt
      ) {
        throw new NotAuthorizedError('Invalid session for the user.');
      }
    },
  };
}

module.exports = { createChallengeSessions };
