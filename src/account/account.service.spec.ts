import { loadConfig } from '../config/env.validation.js';
import {
  fakeCognitoGateway,
  type FakeCognitoGateway,
} from '../../test/support/fake-cognito-gateway.js';
import {
  ACCESS_TOKEN as ACCESS,
  ID_TOKEN as ID,
  serviceOf,
} from '../../test/support/auth-service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { EmailRateLimiter } from '../auth/rate-limit/email-rate-limiter.js';
import { MemorySharedStore } from '../store/memory.store.js';
import { AccountService } from './account.service.js';

const CLIENT_ID = 'client123';
const EMAIL = 'ash@example.com';

function serviceWith(gateway: FakeCognitoGateway): AccountService {
  return new AccountService(
    gateway,
    serviceOf(gateway),
    new EmailRateLimiter(loadConfig({}).rateLimit, new MemorySharedStore()),
    // AUTH_PASSWORDLESS off: GET /me lists no factors.
    { factorsOf: () => Promise.resolve(undefined) },
  );
}

function accessUser(overrides: Partial<AuthUser> = {}): AuthUser {
  return {
    sub: 'uuid-user',
    username: 'uuid-user',
    groups: ['trainers'],
    tokenUse: 'access',
    clientId: CLIENT_ID,
    jti: 'jti-access-1',
    originJti: 'origin-1',
    exp: 1_900_000_900,
    authTime: 1_900_000_000,
    ...overrides,
  };
}

function idUser(overrides: Partial<AuthUser> = {}): AuthUser {
  return accessUser({
    tokenUse: 'id',
    jti: 'jti-id-1',
    email: EMAIL,
    name: 'Ash Ketchum',
    emailVerified: true,
    ...overrides,
  });
}

describe('AccountService', () => {
  describe('me', () => {
    it('answers an ID-token user from its claims without calling Cognito', async () => {
      const gateway = fakeCognitoGateway();
      const answer = await serviceWith(gateway).me(idUser(), ID);
      expect(gateway.getUser).not.toHaveBeenCalled();
      expect(answer).toEqual({
        sub: 'uuid-user',
        email: EMAIL,
        name: 'Ash Ketchum',
        emailVerified: true,
        groups: ['trainers'],
        username: 'uuid-user',
        mfa: { totp: null },
      });
    });

    it('answers null / false for claims an ID token lacks', async () => {
      const answer = await serviceWith(fakeCognitoGateway()).me(
        idUser({ name: undefined, email: undefined, emailVerified: undefined }),
        ID,
      );
      expect(answer).toMatchObject({
        email: null,
        name: null,
        emailVerified: false,
      });
    });

    it('asks Cognito (GetUser) with an access token and answers its profile', async () => {
      const gateway = fakeCognitoGateway();
      gateway.getUser.mockResolvedValue({
        username: 'uuid-user',
        sub: 'uuid-user',
        email: EMAIL,
        name: 'Ash Ketchum',
        emailVerified: true,
        attributes: {},
        mfaMethods: [],
      });
      const answer = await serviceWith(gateway).me(accessUser(), ACCESS);
      expect(gateway.getUser).toHaveBeenCalledWith(ACCESS);
      expect(answer).toEqual({
        sub: 'uuid-user',
        email: EMAIL,
        name: 'Ash Ketchum',
        emailVerified: true,
        groups: ['trainers'],
        username: 'uuid-user',
        mfa: { totp: false },
      });
    });

    it('answers false for an unverified email, null for a missing name, and the token sub when the pool sends none', async () => {
      const gateway = fakeCognitoGateway();
      gateway.getUser.mockResolvedValue({
        username: 'uuid-user',
        email: EMAIL,
        emailVerified: false,
        attributes: {},
        mfaMethods: ['SOFTWARE_TOKEN_MFA'],
      });
      const answer = await serviceWith(gateway).me(accessUser(), ACCESS);
      expect(answer).toEqual({
        sub: 'uuid-user',
        email: EMAIL,
        name: null,
        emailVerified: false,
        groups: ['trainers'],
        username: 'uuid-user',
        mfa: { totp: true },
      });
    });
  });
});
