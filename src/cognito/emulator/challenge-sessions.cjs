'use strict';
// Challenge sessions as Cognito keeps them: an opaque string per challenge
// it asks, bound to the user and the challenge name, good for one answer,
// within the app client's AuthSessionValidity. cognito-local hands out a
// random uuid and never reads it back; the child answers every
// RespondToAuthChallenge through this store (see challenge-answers.cjs),
// USER_AUTH's challenges included (essentials.cjs), which keep with a
// session what its answer is checked against (the code sent, the WebAuthn
// challenge).
const { randomBytes } = require('node:crypto');
const { local } = require('./cognito-local-lib.cjs');

const { NotAuthorizedError } = local('./lib/errors.js');

const INVALID = 'Invalid session for the user.';
const EXPIRED = 'Invalid session for the user, session is expired.';
// Live sessions kept at most: past it the oldest go first (each is dropped
// at its expiry anyway). A login that is never answered costs one entry.
const DEFAULT_CAP = 10_000;

/**
 * @param {{ validityMs: number, now?: () => number, cap?: number }} options
 */
function createChallengeSessions({
  validityMs,
  now = Date.now,
  cap = DEFAULT_CAP,
}) {
  /** session -> { username, challengeName, value, expiresAt }, oldest first. */
  const sessions = new Map();

  const dropExpired = () => {
    const at = now();
    for (const [session, entry] of sessions) {
      if (entry.expiresAt <= at) sessions.delete(session);
    }
  };

  /** The entry `session` names for this user and challenge, or a throw. */
  const entryOf = (session, username, challengeName) => {
    const entry =
      typeof session === 'string' ? sessions.get(session) : undefined;
    if (
      !entry ||
      entry.username !== username ||
      entry.challengeName !== challengeName
    ) {
      throw new NotAuthorizedError(INVALID);
    }
    if (entry.expiresAt <= now()) {
      sessions.delete(session);
      throw new NotAuthorizedError(EXPIRED);
    }
    return entry;
  };

  return {
    /**
     * A fresh session for `username`'s answer to `challengeName`, keeping
     * `value` (what that answer is checked against) for consume to give.
     */
    issue(username, challengeName, value) {
      dropExpired();
      while (sessions.size >= cap) {
        sessions.delete(sessions.keys().next().value);
      }
      const session = randomBytes(48).toString('base64url');
      sessions.set(session, {
        username,
        challengeName,
        value,
        expiresAt: now() + validityMs,
      });
      return session;
    },

    /**
     * Uses the session up: it must be one issued for this user and this
     * challenge, not used yet and not expired; otherwise Cognito's
     * NotAuthorizedException. Gives the value it was issued with.
     */
    consume(session, username, challengeName) {
      const entry = entryOf(session, username, challengeName);
      sessions.delete(session);
      return entry.value;
    },

    /**
     * Uses the session up as consume does, and answers a function that
     * puts it back (same lifetime) for an answer Cognito then refuses for
     * itself (a wrong code), which may be given again in the same session.
     */
    hold(session, username, challengeName) {
      const entry = entryOf(session, username, challengeName);
      sessions.delete(session);
      let given = false;
      return () => {
        if (given || entry.expiresAt <= now()) return;
        given = true;
        sessions.set(session, entry);
      };
    },

    /** Live sessions held (for tests of the bound). */
    get size() {
      return sessions.size;
    },
  };
}

module.exports = { createChallengeSessions };
