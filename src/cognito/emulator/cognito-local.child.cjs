'use strict';
// Runs cognito-local in its own process (its pino 7 and aws-sdk v2 stay out
// of the API process). Started by embedded-cognito.ts with cwd = the data
// folder and PORT/HOST in the environment.
//
// This file only composes: each way the embedded emulator is made to act
// as Cognito does is a module of its own beside it, patching cognito-local's
// Targets or services before the server is made (CONTRIBUTING.md, "How
// the embedded emulator is patched").
const { local } = require('./cognito-local-lib.cjs');
const { deliverToParent } = require('./outbox-delivery.cjs');
const { checkPasswordSignIn } = require('./password-sign-in.cjs');
const { bindChallengeSessions } = require('./challenge-answers.cjs');
const { keepSignInAcrossRefresh } = require('./token-claims.cjs');
const { emailsUniqueInPool } = require('./email-uniqueness.cjs');

const { createDefaultServer } = local('./lib/server/defaults.js');
const { Targets } = local('./lib/targets/targets.js');
const { installEssentials } = require('./essentials.cjs');
const pino = local('pino');

// Codes go to the API's dev outbox over IPC instead of being printed.
deliverToParent();
// Disabled users and wrong temporary passwords refused at InitiateAuth.
checkPasswordSignIn();
// A session per challenge, bound to the user and the challenge, used once,
// within the app client's AuthSessionValidity: one store per client, which
// USER_AUTH's challenges (installEssentials, below) use too.
const { sessionsFor } = bindChallengeSessions();
// jti/origin_jti in access and ID tokens; origin_jti and auth_time kept by
// a refresh.
keepSignInAcrossRefresh();
// UpdateUserAttributes / AdminUpdateUserAttributes: an email is one user's.
emailsUniqueInPool();

// Cognito's Essentials plan: USER_AUTH, email codes and passkeys. Installed
// after every other patch of Targets: it wraps them.
installEssentials(Targets, { sessionsFor });

const UNSUPPORTED = 'Cognito Local unsupported feature: ';

// Errors only: its info lines would carry request bodies (passwords). A call
// the emulator lacks (GlobalSignOut, ResendConfirmationCode, ...) is no
// error of the app's, which works around it: it goes to the API as a notice
// (logged there at debug level, in words), not as a level-50 line.
const logger = pino({
  level: 'error',
  hooks: {
    logMethod(args, method) {
      const [first] = args;
      if (typeof first === 'string' && first.startsWith(UNSUPPORTED)) {
        if (process.send) {
          // `Unsupported x-amz-target header "GlobalSignOut"`: the name.
          const feature = first.slice(UNSUPPORTED.length);
          const target = /^Unsupported x-amz-target header "(.*)"$/.exec(
            feature,
          );
          process.send({
            type: 'unsupported',
            feature: target ? target[1] : feature,
          });
        }
        return;
      }
      method.apply(this, args);
    },
  },
});

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
