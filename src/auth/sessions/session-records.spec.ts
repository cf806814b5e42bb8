import { HttpStatus } from '@nestjs/common';
import {
  fakeCognitoGateway,
  type FakeCognitoGateway,
} from '../../../test/support/fake-cognito-gateway.js';
import { serviceOf } from '../../../test/support/auth-service.js';
import { rejectionOf } from '../../../test/support/rejection.js';
import { loadConfig } from '../../config/env.validation.js';
import { ApiException } from '../../common/errors/api-exception.js';
import { MemorySharedStore } from '../../store/memory.store.js';
import { StoreUnavailableError } from '../../store/shared-store.js';
import type { AuthUser } from '../auth-user.js';
import { RevokedSessions } from './revoked-sessions.js';
import { NEEDS_TOKEN_REVOCATION, SessionRecords } from './session-records.js';

/*
 * SessionRecords where the tokens carry no origin_jti (token revocation off
 * on the app client), and a sign-in whose record the store cannot take.
 */

const CONFIG = loadConfig({}).auth;
const NOW = Math.floor(Date.now() / 1000);

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
function token(claims: Record<string, unknown>): string {
  return `${part({ alg: 'RS256' })}.${part({ iat: NOW, exp: NOW + 900, ...claims })}.c2ln`;
}

const USER_WITHOUT_ORIGIN: AuthUser = {
  sub: 'uuid-user',
  username: 'uuid-user',
  groups: [],
  tokenUse: 'access',
  clientId: 'client123',
  jti: 'jti-1',
  exp: NOW + 900,
  authTime: NOW - 60,
};

describe('SessionRecords', () => {
  const records = (store = new MemorySharedStore()): SessionRecords =>
    new SessionRecords(store, CONFIG, new RevokedSessions(store, CONFIG));

  it.each([
    ['lists', (s: SessionRecords) => s.list(USER_WITHOUT_ORIGIN)],
    ['ends one', (s: SessionRecords) => s.end(USER_WITHOUT_ORIGIN, 'x')],
    [
      'ends the others',
      (s: SessionRecords) => s.endOthers(USER_WITHOUT_ORIGIN),
    ],
  ])(
    '%s: 501 NOT_IMPLEMENTED naming token revocation when the tokens carry no origin_jti',
    async (_what, act) => {
      const error = await rejectionOf(act(records()));
      expect(error).toBeInstanceOf(ApiException);
      expect(error.getStatus()).toBe(HttpStatus.NOT_IMPLEMENTED);
      expect(error.code).toBe('NOT_IMPLEMENTED');
      expect(error.messages).toBe(NEEDS_TOKEN_REVOCATION);
      expect(NEEDS_TOKEN_REVOCATION).toMatch(/enable token revocation/);
    },
  );

  it('records nothing for a sign-in whose tokens carry no origin_jti', async () => {
    const store = new MemorySharedStore();
    await records(store).begin(
      { accessToken: token({ sub: 'uuid-user' }), idToken: '' },
      { userAgent: 'UA', ipAddress: '127.0.0.1' },
    );
    expect(await store.sessionsOf('session-cutoff:uuid-user')).toEqual([]);
  });
});

describe('AuthService.login and the session record', () => {
  let gateway: FakeCognitoGateway;
  beforeEach(() => {
    gateway = fakeCognitoGateway();
    gateway.passwordAuth.mockResolvedValue({
      kind: 'tokens',
      tokens: {
        accessToken: token({ sub: 'uuid-user', origin_jti: 'o-1' }),
        idToken: 'id',
        refreshToken: 'refresh-1',
      },
      user: { sub: 'uuid-user', username: 'uuid-user' },
    });
    gateway.revokeRefreshToken.mockResolvedValue(undefined);
  });

  it('still answers the tokens with the store down, and lists the session at its next refresh', async () => {
    const store = new MemorySharedStore();
    const record = vi
      .spyOn(store, 'recordSession')
      .mockRejectedValueOnce(new StoreUnavailableError('unreachable'));
    const auth = serviceOf(gateway, { store });
    const answer = await auth.login({
      email: 'ash@example.com',
      password: 'Passw0rd!',
    });
    expect(answer).toMatchObject({ refreshToken: 'refresh-1' });
    expect(await store.sessionsOf('session-cutoff:uuid-user')).toEqual([]);
    record.mockRestore();
    gateway.refresh.mockResolvedValue({
      kind: 'tokens',
      tokens: {
        accessToken: token({ sub: 'uuid-user', origin_jti: 'o-1' }),
        idToken: 'id',
      },
      user: { sub: 'uuid-user', username: 'uuid-user', sessionStartedAt: NOW },
    });
    await auth.refresh({ refreshToken: 'refresh-1' }, undefined, {
      userAgent: 'Later',
      ipAddress: '10.0.0.2',
    });
    expect(await store.sessionsOf('session-cutoff:uuid-user')).toEqual([
      expect.objectContaining({ createdAt: NOW * 1000, userAgent: 'Later' }),
    ]);
  });

  it('records the session of a login it answers', async () => {
    const store = new MemorySharedStore();
    const auth = serviceOf(gateway, { store });
    await auth.login(
      { email: 'ash@example.com', password: 'Passw0rd!' },
      { userAgent: 'UA', ipAddress: '10.0.0.1' },
    );
    const [record] = await store.sessionsOf('session-cutoff:uuid-user');
    expect(record).toMatchObject({ userAgent: 'UA', ipAddress: '10.0.0.1' });
    expect(gateway.revokeRefreshToken).not.toHaveBeenCalled();
  });

  it('records the session a challenge answer begins', async () => {
    const store = new MemorySharedStore();
    gateway.respondToChallenge.mockResolvedValue({
      kind: 'tokens',
      tokens: {
        accessToken: token({ sub: 'uuid-user', origin_jti: 'o-2' }),
        idToken: 'id',
        refreshToken: 'refresh-2',
      },
      user: { sub: 'uuid-user', username: 'uuid-user' },
    });
    const auth = serviceOf(gateway, { store });
    await auth.respondToChallenge(
      {
        email: 'ash@example.com',
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'cognito-session',
        code: '123456',
      },
      { userAgent: 'Phone', ipAddress: '10.0.0.3' },
    );
    expect(await store.sessionsOf('session-cutoff:uuid-user')).toEqual([
      expect.objectContaining({ userAgent: 'Phone', ipAddress: '10.0.0.3' }),
    ]);
  });
});
