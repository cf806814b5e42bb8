import { HttpStatus } from '@nestjs/common';
import type { AuthFlow } from '../config/env.validation.js';
import type {
  AuthResult,
  CognitoClient,
  CognitoOperation,
} from '../cognito/cognito.client.js';
import {
  mapCognitoError,
  type CognitoFlow,
} from '../cognito/cognito-errors.js';
import type { EmbeddedCognito } from '../cognito/emulator/embedded-cognito.js';
import { ApiException } from '../common/errors/api-exception.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { RevokedSessions } from './sessions/revoked-sessions.js';

const CLIENT_ID = 'client123';
const EMAIL = 'ash@example.com';

type Params = Record<string, any>;
type Answer = (
  flow: CognitoFlow,
  operation: CognitoOperation,
  params: Params,
) => unknown;

/** A stand-in for CognitoClient: records what is sent, answers with `answer`. */
function fakeCognito(
  options: {
    clientSecret?: string;
    authFlow?: AuthFlow;
    answer?: Answer;
    srp?: () => Promise<AuthResult>;
  } = {},
) {
  const { clientSecret, authFlow = 'USER_PASSWORD_AUTH' } = options;
  const answer = options.answer ?? (() => ({}));
  return {
    clientId: CLIENT_ID,
    connection: { clientId: CLIENT_ID, clientSecret, authFlow },
    secretHash: vi.fn((username: string) =>
      clientSecret ? `hash-of:${username}` : undefined,
    ),
    send: vi.fn(
      (flow: CognitoFlow, operation: CognitoOperation, params: Params) =>
        Promise.resolve().then(() => answer(flow, operation, params)),
    ),
    authenticateSrp: vi.fn(
      options.srp ?? (() => Promise.resolve({} as AuthResult)),
    ),
  };
}

type FakeCognito = ReturnType<typeof fakeCognito>;

function serviceWith(
  cognito: FakeCognito,
  revoked = new RevokedSessions(),
  embedded: EmbeddedCognito | null = null,
): AuthService {
  return new AuthService(
    cognito as unknown as CognitoClient,
    revoked,
    embedded,
  );
}

/** An error as amazon-cognito-identity-js builds it. */
function cognitoError(code: string): Error {
  const error = new Error('upstream detail') as Error & { code: string };
  error.name = code;
  error.code = code;
  return error;
}

/** What CognitoClient.send throws for a Cognito error in a flow. */
function thrownBySend(flow: CognitoFlow, name: string): ApiException {
  return mapCognitoError(flow, cognitoError(name));
}

function part(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function jwt(payload: Record<string, unknown>): string {
  return `${part({ alg: 'RS256', kid: 'k1' })}.${part(payload)}.c2lnbmF0dXJl`;
}

const ACCESS = jwt({
  token_use: 'access',
  iat: 1_900_000_000,
  exp: 1_900_000_900,
});
const ID = jwt({ token_use: 'id', iat: 1_900_000_000, exp: 1_900_000_900 });

async function rejectionOf(promise: Promise<unknown>): Promise<ApiException> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    return error as ApiException;
  }
  throw new Error('expected the promise to reject');
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

const ACCEPTED_BODY = {
  status: 'accepted',
  message: 'If an account exists for this email, a code has been sent to it.',
};

describe('AuthService', () => {
  describe('respondToChallenge', () => {
    it('passes the session exactly as given, the challenge name, the email as USERNAME and the new password', async () => {
      const session = '  AYABeC+/=opaque-session with spaces\n';
      const cognito = fakeCognito({
        answer: () => ({
          AuthenticationResult: {
            AccessToken: ACCESS,
            IdToken: ID,
            RefreshToken: 'refresh-1',
            ExpiresIn: 3600,
          },
        }),
      });
      const answer = await serviceWith(cognito).respondToChallenge({
        email: EMAIL,
        challenge: 'NEW_PASSWORD_REQUIRED',
        session,
        newPassword: 'New-pass-1!',
      });
      expect(cognito.send).toHaveBeenCalledTimes(1);
      expect(cognito.send).toHaveBeenCalledWith(
        'challenge',
        'RespondToAuthChallenge',
        {
          ClientId: CLIENT_ID,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: session,
          ChallengeResponses: { USERNAME: EMAIL, NEW_PASSWORD: 'New-pass-1!' },
        },
      );
      expect(answer).toEqual({
        accessToken: ACCESS,
        idToken: ID,
        refreshToken: 'refresh-1',
        expiresIn: 3600,
        tokenType: 'Bearer',
      });
    });

    it('sends SOFTWARE_TOKEN_MFA_CODE (and no NEW_PASSWORD) for a TOTP challenge', async () => {
      const cognito = fakeCognito({
        answer: () => ({
          AuthenticationResult: { AccessToken: ACCESS, IdToken: ID },
        }),
      });
      await serviceWith(cognito).respondToChallenge({
        email: EMAIL,
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'mfa-session-1',
        code: '123456',
      });
      const params = cognito.send.mock.calls[0][2];
      expect(params.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
      expect(params.Session).toBe('mfa-session-1');
      expect(params.ChallengeResponses).toEqual({
        USERNAME: EMAIL,
        SOFTWARE_TOKEN_MFA_CODE: '123456',
      });
    });

    it('answers a further challenge with its name and the new session', async () => {
      const cognito = fakeCognito({
        answer: () => ({
          ChallengeName: 'SOFTWARE_TOKEN_MFA',
          Session: 'next-session',
        }),
      });
      const answer = await serviceWith(cognito).respondToChallenge({
        email: EMAIL,
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: 'first-session',
        newPassword: 'New-pass-1!',
      });
      expect(answer).toEqual({
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: 'next-session',
      });
    });
  });

  describe('login', () => {
    it('with USER_PASSWORD_AUTH sends InitiateAuth USER_PASSWORD_AUTH and never runs SRP', async () => {
      const cognito = fakeCognito({
        answer: () => ({
          AuthenticationResult: {
            AccessToken: ACCESS,
            IdToken: ID,
            RefreshToken: 'refresh-1',
            ExpiresIn: 3600,
          },
        }),
      });
      const answer = await serviceWith(cognito).login({
        email: EMAIL,
        password: 'Secret-123',
      });
      expect(cognito.send).toHaveBeenCalledWith('login', 'InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { USERNAME: EMAIL, PASSWORD: 'Secret-123' },
      });
      expect(cognito.authenticateSrp).not.toHaveBeenCalled();
      expect(answer).toEqual({
        accessToken: ACCESS,
        idToken: ID,
        refreshToken: 'refresh-1',
        expiresIn: 3600,
        tokenType: 'Bearer',
      });
    });

    it('with USER_SRP_AUTH runs SRP and never sends InitiateAuth itself', async () => {
      const cognito = fakeCognito({
        authFlow: 'USER_SRP_AUTH',
        srp: () =>
          Promise.resolve({
            AuthenticationResult: {
              AccessToken: ACCESS,
              IdToken: ID,
              RefreshToken: 'refresh-srp',
            },
          }),
      });
      const answer = await serviceWith(cognito).login({
        email: EMAIL,
        password: 'Secret-123',
      });
      expect(cognito.authenticateSrp).toHaveBeenCalledWith(EMAIL, 'Secret-123');
      expect(cognito.send).not.toHaveBeenCalled();
      expect(answer).toMatchObject({
        accessToken: ACCESS,
        refreshToken: 'refresh-srp',
      });
    });

    it("takes expiresIn from the access token's exp - iat when Cognito sends no ExpiresIn", async () => {
      const cognito = fakeCognito({
        answer: () => ({
          AuthenticationResult: {
            AccessToken: ACCESS,
            IdToken: ID,
            RefreshToken: 'refresh-1',
          },
        }),
      });
      const answer = await serviceWith(cognito).login({
        email: EMAIL,
        password: 'Secret-123',
      });
      expect(answer).toMatchObject({ expiresIn: 900, tokenType: 'Bearer' });
    });

    it('answers a challenge with its name and session', async () => {
      const cognito = fakeCognito({
        answer: () => ({
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: 'sess-from-login',
        }),
      });
      await expect(
        serviceWith(cognito).login({ email: EMAIL, password: 'Temp-1!aa' }),
      ).resolves.toEqual({
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: 'sess-from-login',
      });
    });
  });

  describe('refresh', () => {
    it('sends REFRESH_TOKEN_AUTH with the token and no SECRET_HASH when the client has no secret', async () => {
      const cognito = fakeCognito({
        answer: () => ({
          AuthenticationResult: { AccessToken: ACCESS, IdToken: ID },
        }),
      });
      const answer = await serviceWith(cognito).refresh({
        refreshToken: 'refresh-1',
      });
      expect(cognito.send).toHaveBeenCalledWith('refresh', 'InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: CLIENT_ID,
        AuthParameters: { REFRESH_TOKEN: 'refresh-1' },
      });
      expect(answer).toEqual({
        accessToken: ACCESS,
        idToken: ID,
        expiresIn: 900,
        tokenType: 'Bearer',
      });
      expect(answer).not.toHaveProperty('refreshToken');
    });

    it('with a client secret and an email sends the SECRET_HASH of the email', async () => {
      const cognito = fakeCognito({
        clientSecret: 'topsecret',
        answer: () => ({
          AuthenticationResult: { AccessToken: ACCESS, IdToken: ID },
        }),
      });
      await serviceWith(cognito).refresh({
        refreshToken: 'refresh-1',
        email: EMAIL,
      });
      expect(cognito.secretHash).toHaveBeenCalledWith(EMAIL);
      expect(cognito.send.mock.calls[0][2].AuthParameters).toEqual({
        REFRESH_TOKEN: 'refresh-1',
        SECRET_HASH: `hash-of:${EMAIL}`,
      });
    });

    it('with a client secret and no email answers 400 VALIDATION_FAILED without calling Cognito', async () => {
      const cognito = fakeCognito({ clientSecret: 'topsecret' });
      const error = await rejectionOf(
        serviceWith(cognito).refresh({ refreshToken: 'refresh-1' }),
      );
      expect(error.getStatus()).toBe(HttpStatus.BAD_REQUEST);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(cognito.send).not.toHaveBeenCalled();
    });

    it('answers 401 UNAUTHORIZED when Cognito asks for a challenge on refresh', async () => {
      const cognito = fakeCognito({
        answer: () => ({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's' }),
      });
      const error = await rejectionOf(
        serviceWith(cognito).refresh({ refreshToken: 'refresh-1' }),
      );
      expect(error.getStatus()).toBe(HttpStatus.UNAUTHORIZED);
      expect(error.code).toBe('UNAUTHORIZED');
    });
  });

  describe('resendConfirmation', () => {
    it('answers the 202 body when Cognito resends the code', async () => {
      const cognito = fakeCognito();
      await expect(
        serviceWith(cognito).resendConfirmation(EMAIL),
      ).resolves.toEqual(ACCEPTED_BODY);
      expect(cognito.send).toHaveBeenCalledWith(
        'resendConfirmation',
        'ResendConfirmationCode',
        { ClientId: CLIENT_ID, Username: EMAIL },
      );
    });

    it.each(['UserNotFoundException', 'InvalidParameterException'])(
      'answers the same 202 body when Cognito fails with %s (the account stays secret)',
      async (name) => {
        const cognito = fakeCognito({
          answer: () => {
            throw thrownBySend('resendConfirmation', name);
          },
        });
        await expect(
          serviceWith(cognito).resendConfirmation(EMAIL),
        ).resolves.toEqual(ACCEPTED_BODY);
      },
    );

    it('asks the embedded emulator to deliver the stored code again when Cognito says Unsupported', async () => {
      const embedded = { resendSignUpCode: vi.fn(() => Promise.resolve()) };
      const cognito = fakeCognito({
        answer: () => {
          throw thrownBySend('resendConfirmation', 'Unsupported');
        },
      });
      const service = serviceWith(
        cognito,
        new RevokedSessions(),
        embedded as unknown as EmbeddedCognito,
      );
      await expect(service.resendConfirmation(EMAIL)).resolves.toEqual(
        ACCEPTED_BODY,
      );
      expect(embedded.resendSignUpCode).toHaveBeenCalledWith(EMAIL);
    });

    it('rethrows Unsupported when no emulator is embedded', async () => {
      const cognito = fakeCognito({
        answer: () => {
          throw thrownBySend('resendConfirmation', 'Unsupported');
        },
      });
      const error = await rejectionOf(
        serviceWith(cognito).resendConfirmation(EMAIL),
      );
      expect(error.getStatus()).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
    });

    it('rethrows TooManyRequestsException as 429', async () => {
      const cognito = fakeCognito({
        answer: () => {
          throw thrownBySend('resendConfirmation', 'TooManyRequestsException');
        },
      });
      const error = await rejectionOf(
        serviceWith(cognito).resendConfirmation(EMAIL),
      );
      expect(error.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
      expect(error.code).toBe('TOO_MANY_REQUESTS');
    });
  });

  describe('logout', () => {
    it('revokes the refresh token at Cognito and refuses the session from then on', async () => {
      const cognito = fakeCognito();
      const revoked = new RevokedSessions();
      const user = accessUser();
      expect(revoked.isRevoked(user)).toBe(false);

      await serviceWith(cognito, revoked).logout(user, 'refresh-1');

      expect(cognito.send).toHaveBeenCalledWith('logout', 'RevokeToken', {
        ClientId: CLIENT_ID,
        Token: 'refresh-1',
      });
      expect(revoked.isRevoked(user)).toBe(true);
    });

    it.each(['UnsupportedTokenTypeException', 'NotAuthorizedException'])(
      'answers success and refuses the session when Cognito refuses the refresh token with %s (logging out twice is fine)',
      async (name) => {
        const cognito = fakeCognito({
          answer: () => {
            throw thrownBySend('logout', name);
          },
        });
        const revoked = new RevokedSessions();
        const user = accessUser();
        await expect(
          serviceWith(cognito, revoked).logout(user, 'not-a-refresh-token'),
        ).resolves.toBeUndefined();
        expect(revoked.isRevoked(user)).toBe(true);
      },
    );

    it('answers 503 when Cognito cannot be reached, so the client retries, and still refuses the session', async () => {
      const cognito = fakeCognito({
        answer: () => {
          throw thrownBySend('logout', 'InternalErrorException');
        },
      });
      const revoked = new RevokedSessions();
      const user = accessUser();
      const error = await rejectionOf(
        serviceWith(cognito, revoked).logout(user, 'refresh-1'),
      );
      expect(error.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(revoked.isRevoked(user)).toBe(true);
    });

    it.each(['TooManyRequestsException', 'ThrottlingException'])(
      'answers 429 when Cognito throttles RevokeToken (%s): the refresh token was not revoked, so the client must retry',
      async (name) => {
        const cognito = fakeCognito({
          answer: () => {
            throw thrownBySend('logout', name);
          },
        });
        const revoked = new RevokedSessions();
        const user = accessUser();
        const error = await rejectionOf(
          serviceWith(cognito, revoked).logout(user, 'refresh-1'),
        );
        expect(error.getStatus()).toBe(HttpStatus.TOO_MANY_REQUESTS);
        expect(error.code).toBe('TOO_MANY_REQUESTS');
        expect(revoked.isRevoked(user)).toBe(true);
      },
    );

    it('sends no RevokeToken without a refresh token, and still refuses the session', async () => {
      const cognito = fakeCognito();
      const revoked = new RevokedSessions();
      const user = accessUser();

      await serviceWith(cognito, revoked).logout(user);

      expect(cognito.send).not.toHaveBeenCalled();
      expect(revoked.isRevoked(user)).toBe(true);
      expect(revoked.isRevoked(idUser())).toBe(true);
    });
  });

  describe('me', () => {
    it('answers an ID-token user from its claims without calling Cognito', async () => {
      const cognito = fakeCognito();
      const answer = await serviceWith(cognito).me(idUser(), ID);
      expect(cognito.send).not.toHaveBeenCalled();
      expect(answer).toEqual({
        sub: 'uuid-user',
        email: EMAIL,
        name: 'Ash Ketchum',
        emailVerified: true,
        groups: ['trainers'],
      });
    });

    it('answers null / false for claims an ID token lacks', async () => {
      const answer = await serviceWith(fakeCognito()).me(
        idUser({ name: undefined, email: undefined, emailVerified: undefined }),
        ID,
      );
      expect(answer).toMatchObject({
        email: null,
        name: null,
        emailVerified: false,
      });
    });

    it('asks Cognito (GetUser) with an access token and maps the attributes', async () => {
      const cognito = fakeCognito({
        answer: () => ({
          Username: 'uuid-user',
          UserAttributes: [
            { Name: 'sub', Value: 'uuid-user' },
            { Name: 'email', Value: EMAIL },
            { Name: 'name', Value: 'Ash Ketchum' },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      });
      const answer = await serviceWith(cognito).me(accessUser(), ACCESS);
      expect(cognito.send).toHaveBeenCalledWith('profile', 'GetUser', {
        AccessToken: ACCESS,
      });
      expect(answer).toEqual({
        sub: 'uuid-user',
        email: EMAIL,
        name: 'Ash Ketchum',
        emailVerified: true,
        groups: ['trainers'],
      });
    });

    it("maps email_verified 'false' to false and a missing name to null", async () => {
      const cognito = fakeCognito({
        answer: () => ({
          UserAttributes: [
            { Name: 'sub', Value: 'uuid-user' },
            { Name: 'email', Value: EMAIL },
            { Name: 'email_verified', Value: 'false' },
          ],
        }),
      });
      const answer = await serviceWith(cognito).me(accessUser(), ACCESS);
      expect(answer).toMatchObject({ emailVerified: false, name: null });
    });
  });
});
