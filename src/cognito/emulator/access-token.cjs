'use strict';
// The access token check Cognito makes before an operation authorised by
// the user's access token (cognito-local's own GetUser checks nothing):
// signature, expiry, token_use access, the self-service scope, a client
// and pool it knows, and a user that still exists and is enabled.
const { createRequire } = require('node:module');

const local = createRequire(require.resolve('cognito-local/package.json'));
const jwt = local('jsonwebtoken');
const { pem } = local('./lib/keys/cognitoLocal.public.json');
const { NotAuthorizedError, UserNotFoundError } = local('./lib/errors.js');

const SELF_SERVICE_SCOPE = 'aws.cognito.signin.user.admin';

/**
 * The user, pool and app client behind an access token, or Cognito's
 * refusal: NotAuthorizedException "Invalid Access Token" / "Access Token
 * has expired" / "User is disabled.", UserNotFoundException.
 */
async function userOfAccessToken(services, ctx, accessToken) {
  let claims;
  try {
    claims = jwt.verify(String(accessToken ?? ''), pem, {
      algorithms: ['RS256'],
    });
  } catch (error) {
    if (error && error.name === 'TokenExpiredError') {
      throw new NotAuthorizedError('Access Token has expired');
    }
    throw new NotAuthorizedError('Invalid Access Token');
  }
  const scopes = String(claims.scope ?? '').split(' ');
  if (
    claims.token_use !== 'access' ||
    typeof claims.client_id !== 'string' ||
    !scopes.includes(SELF_SERVICE_SCOPE)
  ) {
    throw new NotAuthorizedError('Invalid Access Token');
  }
  const client = await services.cognito.getAppClient(ctx, claims.client_id);
  if (!client) throw new NotAuthorizedError('Invalid Access Token');
  const userPool = await services.cognito.getUserPoolForClientId(
    ctx,
    claims.client_id,
  );
  if (
    typeof claims.iss !== 'string' ||
    !claims.iss.endsWith(`/${userPool.options.Id}`)
  ) {
    throw new NotAuthorizedError('Invalid Access Token');
  }
  const user = await userPool.getUserByUsername(
    ctx,
    claims.username ?? claims.sub,
  );
  if (!user) throw new UserNotFoundError('User does not exist.');
  if (user.Enabled === false) throw new NotAuthorizedError('User is disabled.');
  return { user, userPool, client, claims };
}

module.exports = { userOfAccessToken };
