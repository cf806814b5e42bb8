'use strict';
// Tokens as Cognito issues them with token revocation on (the default of
// new app clients): access AND ID tokens carry `jti` and `origin_jti`, and
// the tokens REFRESH_TOKEN_AUTH mints keep the `origin_jti` and the
// `auth_time` of the sign-in the refresh token came from. cognito-local
// gives no origin_jti and a fresh auth_time at every refresh, so a logout
// (which the API keys by origin_jti) would not reach tokens refreshed
// before it, and a refresh would pass for a new sign-in.
//
// Its refresh token is a readable JWT (real Cognito's is opaque): the
// sign-in's origin_jti and auth_time travel in it, and InitiateAuth
// REFRESH_TOKEN_AUTH hands them to the token generator through its `ctx`.
const { randomUUID } = require('node:crypto');
const { local } = require('./cognito-local-lib.cjs');

const { Targets } = local('./lib/targets/targets.js');
const { JwtTokenGenerator } = local('./lib/services/tokenGenerator.js');
const jwt = local('jsonwebtoken');
const { pem } = local('./lib/keys/cognitoLocal.private.json');

const KEY_ID = 'CognitoLocal';

/** The sign-in a refresh token carries, or undefined (not ours, or older). */
function signInOf(refreshToken) {
  const claims = jwt.decode(String(refreshToken));
  if (!claims || typeof claims !== 'object') return undefined;
  const { origin_jti: originJti, auth_time: authTime } = claims;
  return typeof originJti === 'string' && Number.isInteger(authTime)
    ? { originJti, authTime }
    : undefined;
}

/** The token signed again, with `claims` set (header as cognito-local had it). */
function resign(token, claims, keyid) {
  const payload = { ...jwt.decode(token), ...claims };
  return jwt.sign(payload, pem, {
    algorithm: 'RS256',
    ...(keyid ? { keyid } : {}),
  });
}

function keepSignInAcrossRefresh() {
  const generate = JwtTokenGenerator.prototype.generate;
  JwtTokenGenerator.prototype.generate = async function generateAsCognito(
    ctx,
    ...rest
  ) {
    const tokens = await generate.call(this, ctx, ...rest);
    const signIn = (ctx && ctx.signIn) || {
      originJti: randomUUID(),
      authTime: jwt.decode(tokens.AccessToken).auth_time,
    };
    const claims = { origin_jti: signIn.originJti, auth_time: signIn.authTime };
    return {
      ...tokens,
      AccessToken: resign(tokens.AccessToken, claims, KEY_ID),
      IdToken: resign(tokens.IdToken, claims, KEY_ID),
      // No kid, as cognito-local signs it. Unused by a refresh (the
      // refresh token stays the one given).
      RefreshToken: resign(tokens.RefreshToken, claims, undefined),
    };
  };

  const initiateAuth = Targets.InitiateAuth;
  Targets.InitiateAuth = (services) => {
    const run = initiateAuth(services);
    return (ctx, req) => {
      const refresh =
        req.AuthFlow === 'REFRESH_TOKEN_AUTH' ||
        req.AuthFlow === 'REFRESH_TOKEN';
      const signIn =
        refresh && req.AuthParameters
          ? signInOf(req.AuthParameters.REFRESH_TOKEN)
          : undefined;
      return run(signIn ? { ...ctx, signIn } : ctx, req);
    };
  };
}

module.exports = { keepSignInAcrossRefresh, signInOf };
