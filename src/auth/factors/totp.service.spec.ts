import { HttpStatus } from '@nestjs/common';
import type { UserProfile } from '../../cognito/cognito.types.js';
import {
  fakeCognitoGateway,
  gatewayFailure,
  type FakeCognitoGateway,
} from '../../../test/support/fake-cognito-gateway.js';
import { MemorySharedStore } from '../../store/memory.store.js';
import { CONFIG } from '../../../test/support/auth-service.js';
import { TotpService } from './totp.service.js';
import { EmailRateLimiter } from '../rate-limit/email-rate-limiter.js';
import { rejectionOf } from '../../../test/support/rejection.js';

const ACCESS = 'access-token-1';
const SECRET_CODE = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const SUB = 'uuid-user';

function mfaOf(gateway: FakeCognitoGateway): TotpService {
  return new TotpService(
    gateway,
    new EmailRateLimiter(CONFIG.rateLimit, new MemorySharedStore()),
  );
}

function profileOf(email: string | undefined): UserProfile {
  return {
    username: 'uuid-user',
    sub: 'uuid-user',
    email,
    emailVerified: true,
    attributes: {},
    mfaMethods: [],
  };
}

/** A gateway ready for setupTotp: a new secret, and the user's profile. */
function setupGateway(email: string | undefined): FakeCognitoGateway {
  const gateway = fakeCognitoGateway();
  gateway.associateSoftwareToken.mockResolvedValue(SECRET_CODE);
  gateway.getUser.mockResolvedValue(profileOf(email));
  return gateway;
}

describe('TotpService', () => {
  describe('setupTotp', () => {
    it('returns the secret and an otpauth URI labelled with the email', async () => {
      const gateway = setupGateway('ash@example.com');

      const { secretCode, otpauthUri } = await mfaOf(gateway).setupTotp(ACCESS);

      expect(secretCode).toBe(SECRET_CODE);
      expect(otpauthUri).toBe(
        `otpauth://totp/nest-cognito-auth%3Aash%40example.com?secret=${SECRET_CODE}&issuer=nest-cognito-auth`,
      );
      const uri = new URL(otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(
        '/nest-cognito-auth:ash@example.com',
      );
      expect(uri.searchParams.get('secret')).toBe(SECRET_CODE);
      expect(uri.searchParams.get('issuer')).toBe('nest-cognito-auth');
    });

    it('asks for the secret and the profile with the access token', async () => {
      const gateway = setupGateway('ash@example.com');
      await mfaOf(gateway).setupTotp(ACCESS);
      expect(gateway.associateSoftwareToken).toHaveBeenCalledWith(ACCESS);
      expect(gateway.getUser).toHaveBeenCalledWith(ACCESS);
    });

    it('keeps an email with + and & inside the label, not in the query', async () => {
      const gateway = setupGateway('ash+a&b@example.com');
      const { otpauthUri } = await mfaOf(gateway).setupTotp(ACCESS);
      const uri = new URL(otpauthUri);
      expect(decodeURIComponent(uri.pathname)).toBe(
        '/nest-cognito-auth:ash+a&b@example.com',
      );
      expect([...uri.searchParams.keys()]).toEqual(['secret', 'issuer']);
    });

    it('labels with the username when the profile has no email', async () => {
      const gateway = setupGateway(undefined);
      const { otpauthUri } = await mfaOf(gateway).setupTotp(ACCESS);
      expect(decodeURIComponent(new URL(otpauthUri).pathname)).toBe(
        '/nest-cognito-auth:uuid-user',
      );
    });
  });

  describe('verifyTotp', () => {
    it('with a good code makes TOTP the enabled, preferred MFA', async () => {
      const gateway = fakeCognitoGateway();
      gateway.verifySoftwareToken.mockResolvedValue(true);
      gateway.setTotpPreference.mockResolvedValue(undefined);
      await expect(
        mfaOf(gateway).verifyTotp(SUB, ACCESS, '123456'),
      ).resolves.toEqual({ status: 'success' });
      expect(gateway.verifySoftwareToken).toHaveBeenCalledWith({
        accessToken: ACCESS,
        code: '123456',
        deviceName: 'nest-cognito-auth',
      });
      expect(gateway.setTotpPreference).toHaveBeenCalledWith(ACCESS, {
        enabled: true,
        preferred: true,
      });
      expect(
        gateway.verifySoftwareToken.mock.invocationCallOrder[0],
      ).toBeLessThan(gateway.setTotpPreference.mock.invocationCallOrder[0]);
    });

    it('with a code the pool does not accept answers 400 CODE_MISMATCH and sets no preference', async () => {
      const gateway = fakeCognitoGateway();
      gateway.verifySoftwareToken.mockResolvedValue(false);
      const error = await rejectionOf(
        mfaOf(gateway).verifyTotp(SUB, ACCESS, '000000'),
      );
      expect(error.getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect(error.code).toBe('CODE_MISMATCH');
      expect(gateway.setTotpPreference).not.toHaveBeenCalled();
    });

    it('rethrows what the gateway answers when setup was skipped, and sets no preference', async () => {
      const gateway = fakeCognitoGateway();
      gateway.verifySoftwareToken.mockRejectedValue(
        gatewayFailure(
          'verifySoftwareToken',
          'SoftwareTokenMFANotFoundException',
        ),
      );
      const error = await rejectionOf(
        mfaOf(gateway).verifyTotp(SUB, ACCESS, '123456'),
      );
      expect(error.getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect(error.messages).toBe(
        'Start with POST /auth/mfa/totp/setup, then verify a code.',
      );
      expect(gateway.setTotpPreference).not.toHaveBeenCalled();
    });
  });

  describe('verifyTotp, wrong codes limited per user', () => {
    const LIMIT = CONFIG.rateLimit.wrongCodesPerUser;

    it(`answers 429 TOO_MANY_REQUESTS with Retry-After after ${LIMIT} wrong codes, without asking Cognito again`, async () => {
      const gateway = fakeCognitoGateway();
      gateway.verifySoftwareToken.mockResolvedValue(false);
      gateway.setTotpPreference.mockResolvedValue(undefined);
      const mfa = mfaOf(gateway);
      for (let i = 0; i < LIMIT; i++) {
        expect(
          (await rejectionOf(mfa.verifyTotp(SUB, ACCESS, '000000'))).code,
        ).toBe('CODE_MISMATCH');
      }
      const refused = await rejectionOf(mfa.verifyTotp(SUB, ACCESS, '000000'));
      expect(refused.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
      expect(refused.code).toBe('TOO_MANY_REQUESTS');
      expect(refused.retryAfterSeconds).toBeGreaterThan(0);
      expect(gateway.verifySoftwareToken).toHaveBeenCalledTimes(LIMIT);
      // Another user of the same app is not limited by it.
      gateway.verifySoftwareToken.mockResolvedValue(true);
      await expect(
        mfa.verifyTotp('another-user', ACCESS, '123456'),
      ).resolves.toEqual({ status: 'success' });
    });

    it('counts only refused codes: good codes and faults give their attempt back', async () => {
      const gateway = fakeCognitoGateway();
      gateway.setTotpPreference.mockResolvedValue(undefined);
      const mfa = mfaOf(gateway);
      gateway.verifySoftwareToken.mockRejectedValue(
        gatewayFailure('verifySoftwareToken', 'InternalErrorException'),
      );
      for (let i = 0; i < LIMIT + 2; i++) {
        await rejectionOf(mfa.verifyTotp(SUB, ACCESS, '123456'));
      }
      gateway.verifySoftwareToken.mockResolvedValue(true);
      for (let i = 0; i < LIMIT + 2; i++) {
        await mfa.verifyTotp(SUB, ACCESS, '123456');
      }
      gateway.verifySoftwareToken.mockResolvedValue(false);
      expect(
        (await rejectionOf(mfa.verifyTotp(SUB, ACCESS, '000000'))).code,
      ).toBe('CODE_MISMATCH');
    });
  });
});
