import { HttpStatus } from '@nestjs/common';
import type {
  CognitoClient,
  CognitoOperation,
} from '../cognito/cognito.client.js';
import type { CognitoFlow } from '../cognito/cognito-errors.js';
import { ApiException } from '../common/errors/api-exception.js';
import { MfaService } from './mfa.service.js';

const ACCESS = 'access-token-1';
const SECRET_CODE = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

type Params = Record<string, any>;

function fakeCognito(answers: Partial<Record<CognitoOperation, unknown>>) {
  return {
    clientId: 'client123',
    send: vi.fn(
      (_flow: CognitoFlow, operation: CognitoOperation, _params: Params) =>
        Promise.resolve(answers[operation] ?? {}),
    ),
  };
}

function serviceWith(cognito: ReturnType<typeof fakeCognito>): MfaService {
  return new MfaService(cognito as unknown as CognitoClient);
}

function getUserOf(email: string | undefined): unknown {
  return {
    Username: 'uuid-user',
    UserAttributes: [
      { Name: 'sub', Value: 'uuid-user' },
      ...(email ? [{ Name: 'email', Value: email }] : []),
    ],
  };
}

describe('MfaService', () => {
  describe('setupTotp', () => {
    it('returns the secret and an otpauth URI labelled with the email', async () => {
      const cognito = fakeCognito({
        AssociateSoftwareToken: { SecretCode: SECRET_CODE },
        GetUser: getUserOf('ash@example.com'),
      });

      const { secretCode, otpauthUri } =
        await serviceWith(cognito).setupTotp(ACCESS);

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

    it('sends AssociateSoftwareToken and GetUser with the access token', async () => {
      const cognito = fakeCognito({
        AssociateSoftwareToken: { SecretCode: SECRET_CODE },
        GetUser: getUserOf('ash@example.com'),
      });
      await serviceWith(cognito).setupTotp(ACCESS);
      expect(cognito.send).toHaveBeenCalledWith(
        'mfa',
        'AssociateSoftwareToken',
        { AccessToken: ACCESS },
      );
      expect(cognito.send).toHaveBeenCalledWith('mfa', 'GetUser', {
        AccessToken: ACCESS,
      });
    });

    it('keeps an email with + and & inside the label, not in the query', async () => {
      const cognito = fakeCognito({
        AssociateSoftwareToken: { SecretCode: SECRET_CODE },
        GetUser: getUserOf('ash+a&b@example.com'),
      });
      const { otpauthUri } = await serviceWith(cognito).setupTotp(ACCESS);
      const uri = new URL(otpauthUri);
      expect(decodeURIComponent(uri.pathname)).toBe(
        '/nest-cognito-auth:ash+a&b@example.com',
      );
      expect([...uri.searchParams.keys()]).toEqual(['secret', 'issuer']);
    });

    it('labels with the username when GetUser has no email', async () => {
      const cognito = fakeCognito({
        AssociateSoftwareToken: { SecretCode: SECRET_CODE },
        GetUser: getUserOf(undefined),
      });
      const { otpauthUri } = await serviceWith(cognito).setupTotp(ACCESS);
      expect(decodeURIComponent(new URL(otpauthUri).pathname)).toBe(
        '/nest-cognito-auth:uuid-user',
      );
    });
  });

  describe('verifyTotp', () => {
    it('with Status SUCCESS makes TOTP the preferred MFA', async () => {
      const cognito = fakeCognito({
        VerifySoftwareToken: { Status: 'SUCCESS' },
      });
      await expect(
        serviceWith(cognito).verifyTotp(ACCESS, '123456'),
      ).resolves.toEqual({ status: 'success' });
      expect(cognito.send.mock.calls.map((call) => call[1])).toEqual([
        'VerifySoftwareToken',
        'SetUserMFAPreference',
      ]);
      expect(cognito.send.mock.calls[0][2]).toMatchObject({
        AccessToken: ACCESS,
        UserCode: '123456',
      });
      expect(cognito.send).toHaveBeenCalledWith('mfa', 'SetUserMFAPreference', {
        AccessToken: ACCESS,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      });
    });

    it('with Status ERROR answers 400 CODE_MISMATCH and sets no preference', async () => {
      const cognito = fakeCognito({ VerifySoftwareToken: { Status: 'ERROR' } });
      let thrown: unknown;
      try {
        await serviceWith(cognito).verifyTotp(ACCESS, '000000');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiException);
      expect((thrown as ApiException).getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect((thrown as ApiException).code).toBe('CODE_MISMATCH');
      expect(cognito.send.mock.calls.map((call) => call[1])).toEqual([
        'VerifySoftwareToken',
      ]);
    });
  });
});
