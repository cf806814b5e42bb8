import { loadConfig } from '../config/env.validation.js';
import { HttpStatus } from '@nestjs/common';
import {
  fakeCognitoGateway,
  gatewayFailure,
  type FakeCognitoGateway,
} from '../../test/support/fake-cognito-gateway.js';
import type { AuthUser } from './auth-user.js';
import {
  USER,
  serviceOf,
  verifierOf,
} from '../../test/support/auth-service.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';
import { MemorySharedStore } from '../store/memory.store.js';
import { JwksUnavailableError } from './verification/jwks-key-store.js';
import type { TokenVerifier } from './verification/token-verifier.js';
import { rejectionOf } from '../../test/support/rejection.js';

/** The app's session settings (REFRESH_TOKEN_VALIDITY_DAYS 30, skew 5 s). */
const SESSION_CONFIG = loadConfig({}).auth;

/*
 * AuthService's session lifecycle: refresh (the username for SECRET_HASH,
 * rotation, the sign-out cutoff) and logout (revoke first, denylist after).
 */

const EMAIL = 'ash@example.com';
const NOW = Math.floor(Date.now() / 1000);

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
const ACCESS = `${part({ alg: 'RS256' })}.${part({ iat: NOW, exp: NOW + 900 })}.c2ln`;

function accessUser(overrides: Partial<AuthUser> = {}): AuthUser {
  return {
    sub: 'uuid-user',
    username: 'uuid-user',
    groups: [],
    tokenUse: 'access',
    clientId: 'client123',
    jti: 'jti-access-1',
    originJti: 'origin-1',
    exp: NOW + 900,
    authTime: NOW - 60,
    ...overrides,
  };
}

/** The gateway refreshing with tokens of USER (a session begun at USER.sessionStartedAt). */
function refreshingGateway(refreshToken?: string): FakeCognitoGateway {
  const gateway = fakeCognitoGateway();
  gateway.refresh.mockResolvedValue({
    kind: 'tokens',
    tokens: { accessToken: ACCESS, idToken: ACCESS, refreshToken },
    user: USER,
  });
  return gateway;
}

describe('AuthService.refresh', () => {
  it('passes the body username on, for SECRET_HASH, and answers no refresh token when Cognito kept it', async () => {
    const gateway = refreshingGateway();
    const verifier = verifierOf();
    const answer = await serviceOf(gateway, { verifier }).refresh(
      { refreshToken: 'refresh-1', username: 'uuid-user' },
      'some-bearer',
    );
    expect(gateway.refresh).toHaveBeenCalledWith({
      refreshToken: 'refresh-1',
      username: 'uuid-user',
    });
    // The body's username wins: the bearer token is not even read.
    expect(verifier.calls).toEqual([]);
    expect(answer).toEqual({
      accessToken: ACCESS,
      idToken: ACCESS,
      expiresIn: 900,
      tokenType: 'Bearer',
    });
  });

  it("never uses the body's email for the hash (accepted for old clients)", async () => {
    const gateway = refreshingGateway();
    await serviceOf(gateway).refresh({
      refreshToken: 'refresh-1',
      email: EMAIL,
    });
    expect(gateway.refresh).toHaveBeenCalledWith({
      refreshToken: 'refresh-1',
      username: undefined,
    });
  });

  it('takes the username of the bearer token when the body has none, accepting an expired one', async () => {
    const gateway = refreshingGateway();
    const verifier = verifierOf({
      'bearer-1': { username: 'uuid-from-bearer' },
    });
    await serviceOf(gateway, { verifier }).refresh(
      { refreshToken: 'refresh-1' },
      'bearer-1',
    );
    expect(verifier.calls).toEqual([['bearer-1', { ignoreExpiration: true }]]);
    expect(gateway.refresh).toHaveBeenCalledWith({
      refreshToken: 'refresh-1',
      username: 'uuid-from-bearer',
    });
  });

  it('ignores a bearer token that is not one of this pool (the gateway then asks for username)', async () => {
    const gateway = refreshingGateway();
    await serviceOf(gateway, { verifier: verifierOf() }).refresh(
      { refreshToken: 'refresh-1' },
      'forged',
    );
    expect(gateway.refresh).toHaveBeenCalledWith({
      refreshToken: 'refresh-1',
      username: undefined,
    });
  });

  it('answers 503 IDP_UNAVAILABLE when the bearer token cannot be checked (no keys)', async () => {
    const gateway = refreshingGateway();
    const verifier = {
      verify: () => Promise.reject(new JwksUnavailableError('down')),
    } as unknown as TokenVerifier;
    const error = await rejectionOf(
      serviceOf(gateway, { verifier }).refresh(
        { refreshToken: 'refresh-1' },
        'bearer-1',
      ),
    );
    expect(error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(error.code).toBe('IDP_UNAVAILABLE');
    expect(gateway.refresh).not.toHaveBeenCalled();
  });

  it('answers the new refresh token when Cognito rotated it', async () => {
    const gateway = refreshingGateway('refresh-2');
    const answer = await serviceOf(gateway).refresh({
      refreshToken: 'refresh-1',
    });
    expect(answer).toEqual({
      accessToken: ACCESS,
      idToken: ACCESS,
      expiresIn: 900,
      tokenType: 'Bearer',
      refreshToken: 'refresh-2',
    });
  });

  it('answers 401 UNAUTHORIZED for a session that began at or before the user cutoff', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.cutOff(USER.sub, USER.sessionStartedAt);
    const error = await rejectionOf(
      serviceOf(refreshingGateway(), { revoked }).refresh({
        refreshToken: 'refresh-1',
      }),
    );
    expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.messages).toBe(
      'This session has ended (password changed or signed out everywhere); log in again.',
    );
  });

  it('refreshes a session that began after the cutoff', async () => {
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await revoked.cutOff(USER.sub, USER.sessionStartedAt - 1);
    await expect(
      serviceOf(refreshingGateway(), { revoked }).refresh({
        refreshToken: 'refresh-1',
      }),
    ).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('answers 401 UNAUTHORIZED when Cognito asks for a challenge on refresh', async () => {
    const gateway = fakeCognitoGateway();
    gateway.refresh.mockResolvedValue({
      kind: 'challenge',
      challenge: 'SOFTWARE_TOKEN_MFA',
      session: 's',
    });
    const error = await rejectionOf(
      serviceOf(gateway).refresh({ refreshToken: 'refresh-1' }),
    );
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.messages).toBe(
      'Cognito asks for a challenge on refresh; log in again.',
    );
  });
});

describe('AuthService.logout', () => {
  it('revokes the refresh token at Cognito, then refuses the session', async () => {
    const gateway = fakeCognitoGateway();
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    const user = accessUser();
    gateway.revokeRefreshToken.mockImplementation(async () => {
      // Revocation comes first: the session is not refused yet.
      expect(await revoked.isRevoked(user)).toBe(false);
    });
    await serviceOf(gateway, { revoked }).logout(user, 'refresh-1');
    expect(gateway.revokeRefreshToken).toHaveBeenCalledWith('refresh-1');
    expect(await revoked.isRevoked(user)).toBe(true);
  });

  it.each(['UnsupportedTokenTypeException', 'NotAuthorizedException'])(
    'answers success and refuses the session when Cognito refuses the refresh token with %s (logging out twice is fine)',
    async (name) => {
      const gateway = fakeCognitoGateway();
      gateway.revokeRefreshToken.mockRejectedValue(
        gatewayFailure('revokeRefreshToken', name),
      );
      const revoked = new RevokedSessions(
        new MemorySharedStore(),
        SESSION_CONFIG,
      );
      await expect(
        serviceOf(gateway, { revoked }).logout(
          accessUser(),
          'not-a-refresh-token',
        ),
      ).resolves.toBeUndefined();
      expect(await revoked.isRevoked(accessUser())).toBe(true);
    },
  );

  it.each<[string, HttpStatus]>([
    ['InternalErrorException', HttpStatus.SERVICE_UNAVAILABLE],
    ['TimeoutError', HttpStatus.SERVICE_UNAVAILABLE],
    ['TooManyRequestsException', HttpStatus.TOO_MANY_REQUESTS],
    ['ThrottlingException', HttpStatus.TOO_MANY_REQUESTS],
  ])(
    'answers %s with %i and does NOT refuse the session yet, so the same request can be retried, and the retry revokes',
    async (name, status) => {
      const gateway = fakeCognitoGateway();
      gateway.revokeRefreshToken.mockRejectedValueOnce(
        gatewayFailure('revokeRefreshToken', name),
      );
      const revoked = new RevokedSessions(
        new MemorySharedStore(),
        SESSION_CONFIG,
      );
      const service = serviceOf(gateway, { revoked });
      const user = accessUser();
      const error = await rejectionOf(service.logout(user, 'refresh-1'));
      expect(error.getStatus()).toBe(status);
      expect(await revoked.isRevoked(user)).toBe(false);

      gateway.revokeRefreshToken.mockResolvedValueOnce(undefined);
      await service.logout(user, 'refresh-1');
      expect(gateway.revokeRefreshToken).toHaveBeenCalledTimes(2);
      expect(await revoked.isRevoked(user)).toBe(true);
    },
  );

  it('revokes nothing at Cognito without a refresh token, and still refuses the session (both tokens)', async () => {
    const gateway = fakeCognitoGateway();
    const revoked = new RevokedSessions(
      new MemorySharedStore(),
      SESSION_CONFIG,
    );
    await serviceOf(gateway, { revoked }).logout(accessUser());
    expect(gateway.revokeRefreshToken).not.toHaveBeenCalled();
    expect(await revoked.isRevoked(accessUser())).toBe(true);
    expect(
      await revoked.isRevoked(accessUser({ tokenUse: 'id', jti: 'jti-id-1' })),
    ).toBe(true);
  });
});

describe('AuthService.confirmRegistration', () => {
  it("answers Cognito's per-account LimitExceededException as the API's per-email limit does (429, same sentence form, Retry-After)", async () => {
    const gateway = fakeCognitoGateway();
    gateway.confirmSignUp.mockRejectedValue(
      gatewayFailure('confirmSignUp', 'LimitExceededException'),
    );
    const error = await rejectionOf(
      serviceOf(gateway).confirmRegistration({ email: EMAIL, code: '123456' }),
    );
    expect(error.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
    expect(error.code).toBe('TOO_MANY_REQUESTS');
    expect(error.messages).toMatch(
      /^Too many requests for this email; try again in \d+ seconds\.$/,
    );
    expect(error.retryAfterSeconds).toBe(
      Number(/in (\d+) seconds/.exec(String(error.messages))![1]),
    );
  });

  it('leaves the pool-wide TooManyRequestsException as it was', async () => {
    const gateway = fakeCognitoGateway();
    const pooled = gatewayFailure('confirmSignUp', 'TooManyRequestsException');
    gateway.confirmSignUp.mockRejectedValue(pooled);
    const error = await rejectionOf(
      serviceOf(gateway).confirmRegistration({ email: EMAIL, code: '123456' }),
    );
    expect(error).toBe(pooled);
  });
});
