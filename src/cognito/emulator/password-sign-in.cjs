'use strict';
// Two answers of InitiateAuth made as Cognito makes them. cognito-local
// signs disabled users in (AdminDisableUser changes nothing at
// InitiateAuth); Cognito refuses them with NotAuthorizedException "User is
// disabled.", once the password is right, before any challenge: so the API
// needs no check of its own here (it keeps one for an emulator run
// elsewhere: see the README). And it answers an admin-created user's
// login with NEW_PASSWORD_REQUIRED whatever the password.
const { local } = require('./cognito-local-lib.cjs');

const { Targets } = local('./lib/targets/targets.js');
const { NotAuthorizedError } = local('./lib/errors.js');

function checkPasswordSignIn() {
  const initiateAuth = Targets.InitiateAuth;
  Targets.InitiateAuth = (services) => {
    const run = initiateAuth(services);
    return async (ctx, req) => {
      const params = req.AuthParameters;
      if (req.AuthFlow === 'USER_PASSWORD_AUTH' && params && params.USERNAME) {
        const pool = await services.cognito.getUserPoolForClientId(
          ctx,
          req.ClientId,
        );
        const user = await pool.getUserByUsername(ctx, params.USERNAME);
        const passwordRight =
          Boolean(user) && user.Password === params.PASSWORD;
        if (passwordRight && user.Enabled === false) {
          throw new NotAuthorizedError('User is disabled.');
        }
        // cognito-local asks a user an admin created for a new password
        // whatever password came, and takes any new one; Cognito checks the
        // temporary password first.
        if (
          user &&
          !passwordRight &&
          user.UserStatus === 'FORCE_CHANGE_PASSWORD'
        ) {
          throw new NotAuthorizedError('Incorrect username or password.');
        }
      }
      return run(ctx, req);
    };
  };
}

module.exports = { checkPasswordSignIn };
