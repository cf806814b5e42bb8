'use strict';
// Challenge answers as Cognito takes them. cognito-local answers every
// challenge with a random Session it never reads back: any string passed
// RespondToAuthChallenge, for any user (an admin's NEW_PASSWORD_REQUIRED
// included). Here every challenge it asks (from InitiateAuth or from an
// answer) carries a session of challenge-sessions.cjs, bound to the user
// and the challenge, and RespondToAuthChallenge runs only with one:
// anything else is NotAuthorizedException "Invalid session for the user.".
// A session ends with the answer it is used for; an answer refused for
// itself (a wrong code) gives it back for another try within its lifetime.
const { local } = require('./cognito-local-lib.cjs');
const { createChallengeSessions } = require('./challenge-sessions.cjs');

const { Targets } = local('./lib/targets/targets.js');

// AuthSessionValidity is in minutes; Cognito's default is 3.
const DEFAULT_VALIDITY_MINUTES = 3;

// The flow and the challenges cognito-local runs itself. A flow another
// patch adds (USER_AUTH, its SELECT_CHALLENGE, EMAIL_OTP, WEB_AUTHN) issues
// and checks its sessions there, with the same stores (`sessionsFor`).
const PASSWORD_FLOW = 'USER_PASSWORD_AUTH';
const OWN_CHALLENGES = new Set([
  'NEW_PASSWORD_REQUIRED',
  'SOFTWARE_TOKEN_MFA',
  'SMS_MFA',
  'SELECT_MFA_TYPE',
]);

/**
 * One session store per app client, with that client's AuthSessionValidity
 * (read from its record at each use: a changed validity starts a new store).
 */
function sessionStores(now = Date.now) {
  const stores = new Map();
  return async (services, ctx, clientId) => {
    const client = await services.cognito.getAppClient(ctx, clientId);
    const minutes =
      (client && Number(client.AuthSessionValidity)) ||
      DEFAULT_VALIDITY_MINUTES;
    const known = stores.get(clientId);
    if (known && known.minutes === minutes) return known.sessions;
    const sessions = createChallengeSessions({
      validityMs: minutes * 60_000,
      now,
    });
    stores.set(clientId, { minutes, sessions });
    return sessions;
  };
}

/** The reply with a session of ours, when it asks a challenge. */
function withSession(reply, sessions, username) {
  if (!reply || !reply.ChallengeName || !reply.Session) return reply;
  return { ...reply, Session: sessions.issue(username, reply.ChallengeName) };
}

/**
 * Patches InitiateAuth and RespondToAuthChallenge. Returns `sessionsFor`
 * (services, ctx, clientId) -> the client's store, for the other flows
 * that ask challenges.
 */
function bindChallengeSessions() {
  const sessionsFor = sessionStores();

  const initiateAuth = Targets.InitiateAuth;
  Targets.InitiateAuth = (services) => {
    const run = initiateAuth(services);
    return async (ctx, req) => {
      const reply = await run(ctx, req);
      if (req.AuthFlow !== PASSWORD_FLOW) return reply;
      if (!reply || !reply.ChallengeName) return reply;
      const username =
        reply.ChallengeParameters && reply.ChallengeParameters.USER_ID_FOR_SRP;
      const sessions = await sessionsFor(services, ctx, req.ClientId);
      return withSession(reply, sessions, username);
    };
  };

  const respond = Targets.RespondToAuthChallenge;
  Targets.RespondToAuthChallenge = (services) => {
    const run = respond(services);
    return async (ctx, req) => {
      const named = req.ChallengeResponses && req.ChallengeResponses.USERNAME;
      // Without a user named, cognito-local's own InvalidParameterException.
      if (!named || !OWN_CHALLENGES.has(req.ChallengeName)) {
        return run(ctx, req);
      }
      const pool = await services.cognito.getUserPoolForClientId(
        ctx,
        req.ClientId,
      );
      const user = await pool.getUserByUsername(ctx, named);
      const username = user ? user.Username : undefined;
      const sessions = await sessionsFor(services, ctx, req.ClientId);
      // Used up before the answer runs: a second answer racing this one
      // finds it gone, and changes nothing.
      const giveBack = sessions.hold(req.Session, username, req.ChallengeName);
      let reply;
      try {
        reply = await run(ctx, req);
      } catch (error) {
        giveBack();
        throw error;
      }
      return withSession(reply, sessions, username);
    };
  };

  return { sessionsFor };
}

module.exports = { bindChallengeSessions, sessionStores };
