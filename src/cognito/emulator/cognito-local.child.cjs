'use strict';
// Runs cognito-local in its own process (its pino 7 and aws-sdk v2 stay out
// of the API process). Started by embedded-cognito.ts with cwd = the data
// folder and PORT/HOST in the environment; every code the emulator "sends"
// is reported to the parent over IPC instead of being printed.
const { createRequire } = require('node:module');

// Resolve everything from cognito-local's own folder, so that its pino 7 is
// used even when another pino version is hoisted for the API.
const local = createRequire(require.resolve('cognito-local/package.json'));
const { MessagesService } = local('./lib/services/messages.js');
const { createDefaultServer } = local('./lib/server/defaults.js');
const pino = local('pino');

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

// Two answers of InitiateAuth made as Cognito makes them. cognito-local
// signs disabled users in (AdminDisableUser changes nothing at
// InitiateAuth); Cognito refuses them with NotAuthorizedException "User is
// disabled.", once the password is right, before any challenge: so the API
// needs no check of its own here (it keeps one for an emulator run
// elsewhere: see the README). And it answers an admin-created user's
// login with NEW_PASSWORD_REQUIRED whatever the password.
const { Targets } = local('./lib/targets/targets.js');
const { NotAuthorizedError } = local('./lib/errors.js');
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
      const passwordRight = Boolean(user) && user.Password === params.PASSWORD;
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

// Errors only: its info lines would carry request bodies (passwords).
const logger = pino({ level: 'error' });

createDefaultServer(logger)
  .then((server) => server.start())
  .then((server) => {
    const address = server.address();
    if (process.send) process.send({ type: 'ready', port: address.port });
  })
  .catch((error) => {
    logger.error(error);
    process.exit(1);
  });

// The emulator lives exactly as long as the API that started it.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
