'use strict';
// An email is one account's in a pool where it signs in (email as username
// or alias): Cognito refuses UpdateUserAttributes and
// AdminUpdateUserAttributes that would give a user an email another user
// has, with AliasExistsException, and changes nothing. cognito-local takes
// it: two users then share the email and the login goes to the last one.
const { local } = require('./cognito-local-lib.cjs');

const { Targets } = local('./lib/targets/targets.js');
const { CognitoError } = local('./lib/errors.js');
const jwt = local('jsonwebtoken');

const TAKEN = 'An account with the given email already exists.';

/** The email `attributes` would set, if any. */
function emailIn(attributes) {
  const email = (attributes || []).find((a) => a && a.Name === 'email');
  return email && typeof email.Value === 'string' ? email.Value : undefined;
}

/** Throws AliasExistsException when a user other than `username` has `email`. */
async function refuseTaken(ctx, pool, username, email) {
  // Compared without case, as Cognito compares a pool's aliases.
  const wanted = email.toLowerCase();
  const users = await pool.listUsers(ctx);
  const other = users.find(
    (user) =>
      user.Username !== username &&
      (user.Attributes || []).some(
        (a) =>
          a.Name === 'email' &&
          typeof a.Value === 'string' &&
          a.Value.toLowerCase() === wanted,
      ),
  );
  if (other) throw new CognitoError('AliasExistsException', TAKEN);
}

function emailsUniqueInPool() {
  const update = Targets.UpdateUserAttributes;
  Targets.UpdateUserAttributes = (services) => {
    const run = update(services);
    return async (ctx, req) => {
      const email = emailIn(req.UserAttributes);
      const token = email ? jwt.decode(String(req.AccessToken)) : undefined;
      if (token && typeof token === 'object' && token.client_id) {
        const pool = await services.cognito.getUserPoolForClientId(
          ctx,
          token.client_id,
        );
        const user = await pool.getUserByUsername(ctx, token.sub);
        if (user) await refuseTaken(ctx, pool, user.Username, email);
      }
      return run(ctx, req);
    };
  };

  const adminUpdate = Targets.AdminUpdateUserAttributes;
  Targets.AdminUpdateUserAttributes = (services) => {
    const run = adminUpdate(services);
    return async (ctx, req) => {
      const email = emailIn(req.UserAttributes);
      if (email) {
        const pool = await services.cognito.getUserPool(ctx, req.UserPoolId);
        const user = await pool.getUserByUsername(ctx, req.Username);
        if (user) await refuseTaken(ctx, pool, user.Username, email);
      }
      return run(ctx, req);
    };
  };
}

module.exports = { emailsUniqueInPool };
