import { HttpStatus } from '@nestjs/common';
import { ApiException } from '../common/errors/api-exception.js';
import type { CognitoPool } from './cognito-pool.js';
import { cognitoError, connectionOf } from '../../test/support/cognito-stub.js';
import type { CognitoGateway, GatewayMethod } from './cognito.gateway.js';
import type { UserPoolClient } from './user-pool.client.js';
import { UserPoolGateway } from './user-pool.gateway.js';
import type { UserPoolOperation } from './user-pool.wire.js';
import {
  AWS_COMMON,
  DOCUMENTED,
} from '../../test/support/cognito-reference.js';
import {
  ACCOUNT_ADMIN_500,
  ACCOUNT_ADMIN_METHODS,
  ACCOUNT_ADMIN_ROWS,
  OWN_ANSWER_ROWS,
} from '../../test/support/cognito-errors.account-admin.js';

/*
 * What each gateway method answers for each Cognito error name: the real
 * gateway over a low-level client that fails every call with that error.
 */

type Row = [GatewayMethod, string, HttpStatus, string];

/**
 * Which operations each method sends, and one call of it. Written out here
 * (see cognito.gateway.ts and user-pool.gateway.ts) so that a new method
 * must say what it sends before its errors are checked.
 */
const METHODS: Record<
  GatewayMethod,
  {
    operations: UserPoolOperation[];
    call: (gateway: CognitoGateway) => Promise<unknown>;
  }
> = {
  signUp: {
    operations: ['SignUp'],
    call: (g) => g.signUp({ email: 'a@b.c', password: 'P-1', name: 'A' }),
  },
  confirmSignUp: {
    operations: ['ConfirmSignUp'],
    call: (g) => g.confirmSignUp('a@b.c', '123456'),
  },
  resendConfirmationCode: {
    operations: ['ResendConfirmationCode'],
    call: (g) => g.resendConfirmationCode('a@b.c'),
  },
  // USER_PASSWORD_AUTH, or USER_SRP_AUTH: InitiateAuth, then the library's
  // RespondToAuthChallenge with PASSWORD_VERIFIER.
  passwordAuth: {
    operations: ['InitiateAuth', 'RespondToAuthChallenge'],
    call: (g) => g.passwordAuth('a@b.c', 'P-1'),
  },
  respondToChallenge: {
    operations: ['RespondToAuthChallenge'],
    call: (g) =>
      g.respondToChallenge({
        email: 'a@b.c',
        session: 's',
        answer: { challenge: 'SOFTWARE_TOKEN_MFA', code: '123456' },
      }),
  },
  // REFRESH_TOKEN_AUTH; with rotation, GetTokensFromRefreshToken (the
  // failing client below rotates in the `rotating` connection).
  refresh: {
    operations: ['InitiateAuth', 'GetTokensFromRefreshToken'],
    call: (g) => g.refresh({ refreshToken: 'r' }),
  },
  revokeRefreshToken: {
    operations: ['RevokeToken'],
    call: (g) => g.revokeRefreshToken('r'),
  },
  globalSignOut: {
    operations: ['GlobalSignOut'],
    call: (g) => g.globalSignOut('t'),
  },
  // Never rejects: its outcomes are checked in user-pool.gateway.sessions.spec.ts.
  probeAppClient: {
    operations: ['InitiateAuth'],
    call: (g) => g.probeAppClient(),
  },
  getUser: { operations: ['GetUser'], call: (g) => g.getUser('t') },
  changePassword: {
    operations: ['ChangePassword'],
    call: (g) =>
      g.changePassword({
        accessToken: 't',
        previousPassword: 'P-1',
        proposedPassword: 'P-2',
      }),
  },
  forgotPassword: {
    operations: ['ForgotPassword'],
    call: (g) => g.forgotPassword('a@b.c'),
  },
  confirmForgotPassword: {
    operations: ['ConfirmForgotPassword'],
    call: (g) =>
      g.confirmForgotPassword({
        email: 'a@b.c',
        code: '123456',
        newPassword: 'P-2',
      }),
  },
  associateSoftwareToken: {
    operations: ['AssociateSoftwareToken'],
    call: (g) => g.associateSoftwareToken('t'),
  },
  verifySoftwareToken: {
    operations: ['VerifySoftwareToken'],
    call: (g) =>
      g.verifySoftwareToken({ accessToken: 't', code: '1', deviceName: 'd' }),
  },
  setTotpPreference: {
    operations: ['SetUserMFAPreference'],
    call: (g) => g.setTotpPreference('t', { enabled: true, preferred: true }),
  },
  ...ACCOUNT_ADMIN_METHODS,
};

/** The methods that answer Cognito's errors (probeAppClient reports them instead). */
const ALL = (Object.keys(METHODS) as GatewayMethod[]).filter(
  (method) => method !== 'probeAppClient',
);
const MFA_METHODS: GatewayMethod[] = [
  'associateSoftwareToken',
  'verifySoftwareToken',
  'setTotpPreference',
];

/** A low-level client whose every call fails with `error`. */
function failingClient(error: unknown): UserPoolClient {
  return {
    clientId: 'client123',
    hasSecret: false,
    secretHash: () => undefined,
    send: () => Promise.reject(error),
    authenticateSrp: () => Promise.reject(error),
  } as unknown as UserPoolClient;
}

/** What `method` gives when Cognito fails with `name`: 'resolved', or its answer. */
async function outcomeOf(
  method: GatewayMethod,
  name: string,
  connection: CognitoPool = connectionOf(),
): Promise<'resolved' | ApiException> {
  const gateway = new UserPoolGateway(
    failingClient(cognitoError(name)),
    connection,
    null,
    failingClient(cognitoError(name)) as never,
  );
  try {
    await METHODS[method].call(gateway);
    return 'resolved';
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    return error as ApiException;
  }
}

async function answerOf(
  method: GatewayMethod,
  name: string,
): Promise<ApiException> {
  const outcome = await outcomeOf(method, name);
  expect(outcome).toBeInstanceOf(ApiException);
  return outcome as ApiException;
}

/** Every name of the per-method tables, with the answer the contract gives. */
const PER_METHOD: Row[] = [
  ['signUp', 'UsernameExistsException', 409, 'USER_EXISTS'],
  ['signUp', 'AliasExistsException', 409, 'USER_EXISTS'],
  ['signUp', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  ['signUp', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],
  ['signUp', 'CodeDeliveryFailureException', 503, 'IDP_UNAVAILABLE'],
  ['signUp', 'LimitExceededException', 429, 'TOO_MANY_REQUESTS'],

  ['confirmSignUp', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['confirmSignUp', 'ExpiredCodeException', 400, 'CODE_EXPIRED'],
  ['confirmSignUp', 'UserNotFoundException', 400, 'CODE_MISMATCH'],
  ['confirmSignUp', 'NotAuthorizedException', 400, 'CODE_MISMATCH'],
  ['confirmSignUp', 'AliasExistsException', 409, 'USER_EXISTS'],
  ['confirmSignUp', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],

  [
    'resendConfirmationCode',
    'CodeDeliveryFailureException',
    503,
    'IDP_UNAVAILABLE',
  ],

  // wrong password: emulator InvalidPasswordException, real Cognito NotAuthorizedException
  ['passwordAuth', 'InvalidPasswordException', 401, 'INVALID_CREDENTIALS'],
  ['passwordAuth', 'NotAuthorizedException', 401, 'INVALID_CREDENTIALS'],
  // unknown user: emulator NotAuthorizedException, real Cognito UserNotFoundException
  ['passwordAuth', 'UserNotFoundException', 401, 'INVALID_CREDENTIALS'],
  ['passwordAuth', 'InvalidParameterException', 401, 'INVALID_CREDENTIALS'],
  ['passwordAuth', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  [
    'passwordAuth',
    'PasswordResetRequiredException',
    403,
    'PASSWORD_RESET_REQUIRED',
  ],

  ['respondToChallenge', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['respondToChallenge', 'ExpiredCodeException', 400, 'CODE_EXPIRED'],
  [
    'respondToChallenge',
    'EnableSoftwareTokenMFAException',
    400,
    'CODE_MISMATCH',
  ],
  ['respondToChallenge', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  [
    'respondToChallenge',
    'PasswordHistoryPolicyViolationException',
    400,
    'PASSWORD_POLICY',
  ],
  ['respondToChallenge', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['respondToChallenge', 'UserNotFoundException', 401, 'INVALID_CREDENTIALS'],
  [
    'respondToChallenge',
    'UserNotConfirmedException',
    403,
    'USER_NOT_CONFIRMED',
  ],
  [
    'respondToChallenge',
    'PasswordResetRequiredException',
    403,
    'PASSWORD_RESET_REQUIRED',
  ],
  ['respondToChallenge', 'AliasExistsException', 409, 'USER_EXISTS'],
  [
    'respondToChallenge',
    'MFAMethodNotFoundException',
    400,
    'VALIDATION_FAILED',
  ],
  [
    'respondToChallenge',
    'SoftwareTokenMFANotFoundException',
    400,
    'VALIDATION_FAILED',
  ],
  ['respondToChallenge', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],

  ['refresh', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['refresh', 'UserNotFoundException', 401, 'UNAUTHORIZED'],
  ['refresh', 'InvalidParameterException', 401, 'UNAUTHORIZED'],
  ['refresh', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  ['refresh', 'PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],
  ['refresh', 'RefreshTokenReuseException', 401, 'UNAUTHORIZED'],

  ['globalSignOut', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['globalSignOut', 'InvalidParameterException', 401, 'UNAUTHORIZED'],
  ['globalSignOut', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  [
    'globalSignOut',
    'PasswordResetRequiredException',
    403,
    'PASSWORD_RESET_REQUIRED',
  ],

  [
    'revokeRefreshToken',
    'UnsupportedTokenTypeException',
    400,
    'VALIDATION_FAILED',
  ],
  ['revokeRefreshToken', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],
  ['revokeRefreshToken', 'UnauthorizedException', 401, 'UNAUTHORIZED'],
  ['revokeRefreshToken', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],

  ['getUser', 'NotAuthorizedException', 401, 'UNAUTHORIZED'],
  ['getUser', 'UserNotFoundException', 401, 'UNAUTHORIZED'],
  ['getUser', 'InvalidParameterException', 401, 'UNAUTHORIZED'],
  ['getUser', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  ['getUser', 'PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],

  ['changePassword', 'NotAuthorizedException', 401, 'INVALID_CREDENTIALS'],
  ['changePassword', 'UserNotFoundException', 401, 'INVALID_CREDENTIALS'],
  ['changePassword', 'UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
  [
    'changePassword',
    'PasswordResetRequiredException',
    403,
    'PASSWORD_RESET_REQUIRED',
  ],
  ['changePassword', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  [
    'changePassword',
    'PasswordHistoryPolicyViolationException',
    400,
    'PASSWORD_POLICY',
  ],
  ['changePassword', 'InvalidParameterException', 400, 'VALIDATION_FAILED'],

  ['forgotPassword', 'CodeDeliveryFailureException', 503, 'IDP_UNAVAILABLE'],

  ['confirmForgotPassword', 'CodeMismatchException', 400, 'CODE_MISMATCH'],
  ['confirmForgotPassword', 'ExpiredCodeException', 400, 'CODE_EXPIRED'],
  ['confirmForgotPassword', 'UserNotFoundException', 400, 'CODE_MISMATCH'],
  ['confirmForgotPassword', 'UserNotConfirmedException', 400, 'CODE_MISMATCH'],
  ['confirmForgotPassword', 'NotAuthorizedException', 400, 'CODE_MISMATCH'],
  ['confirmForgotPassword', 'InvalidPasswordException', 400, 'PASSWORD_POLICY'],
  [
    'confirmForgotPassword',
    'PasswordHistoryPolicyViolationException',
    400,
    'PASSWORD_POLICY',
  ],
  [
    'confirmForgotPassword',
    'InvalidParameterException',
    400,
    'VALIDATION_FAILED',
  ],
  ...MFA_METHODS.flatMap((method) =>
    (
      [
        ['NotAuthorizedException', 401, 'UNAUTHORIZED'],
        ['UserNotFoundException', 401, 'UNAUTHORIZED'],
        ['UserNotConfirmedException', 403, 'USER_NOT_CONFIRMED'],
        ['PasswordResetRequiredException', 403, 'PASSWORD_RESET_REQUIRED'],
        ['CodeMismatchException', 400, 'CODE_MISMATCH'],
        ['EnableSoftwareTokenMFAException', 400, 'CODE_MISMATCH'],
        ['SoftwareTokenMFANotFoundException', 400, 'VALIDATION_FAILED'],
        ['ConcurrentModificationException', 429, 'TOO_MANY_REQUESTS'],
        ['InvalidParameterException', 400, 'VALIDATION_FAILED'],
      ] as const
    ).map(([name, status, code]): Row => [method, name, status, code]),
  ),
  ...ACCOUNT_ADMIN_ROWS,
];

/** Names that answer the same for every method (unless its table has its own entry). */
const COMMON: [string, HttpStatus, string][] = [
  ['TooManyRequestsException', 429, 'TOO_MANY_REQUESTS'],
  ['LimitExceededException', 429, 'TOO_MANY_REQUESTS'],
  ['TooManyFailedAttemptsException', 429, 'TOO_MANY_REQUESTS'],
  ['ThrottlingException', 429, 'TOO_MANY_REQUESTS'],
  ['UserLambdaValidationException', 400, 'VALIDATION_FAILED'],
  ['NetworkError', 503, 'IDP_UNAVAILABLE'],
  ['TimeoutError', 503, 'IDP_UNAVAILABLE'],
  ['InternalErrorException', 503, 'IDP_UNAVAILABLE'],
  ['ServiceUnavailableException', 503, 'IDP_UNAVAILABLE'],
  ['ServiceUnavailable', 503, 'IDP_UNAVAILABLE'],
  ['InternalFailure', 503, 'IDP_UNAVAILABLE'],
];

/**
 * Names ForgotPassword and ResendConfirmationCode resolve for, as for a
 * success, so that the answer never tells whether an account exists.
 * Written out here, not taken from account-enumeration.ts.
 */
const ACCOUNT_REVEALING = [
  'UserNotFoundException',
  'InvalidParameterException',
  'NotAuthorizedException',
  'UserNotConfirmedException',
  'LimitExceededException',
  'CodeDeliveryFailureException',
  'UserLambdaValidationException',
];
const HIDDEN: Partial<Record<GatewayMethod, string[]>> = {
  forgotPassword: ACCOUNT_REVEALING,
  resendConfirmationCode: ACCOUNT_REVEALING,
};

function hidden(method: GatewayMethod, name: string): boolean {
  return HIDDEN[method]?.includes(name) ?? false;
}

const COMMON_ROWS: Row[] = ALL.flatMap((method) =>
  COMMON.filter(([name]) => !hidden(method, name)).map(
    ([name, status, code]): Row => [method, name, status, code],
  ),
);

/** Errors a method's table lacks: 500 INTERNAL. */
const UNMAPPED: [GatewayMethod, string][] = [
  ['passwordAuth', 'CodeMismatchException'],
  ['signUp', 'UserNotConfirmedException'],
  ['forgotPassword', 'CodeMismatchException'],
  ['confirmSignUp', 'InvalidPasswordException'],
  // The emulator lacks the call; with no emulator embedded to work around it.
  // (globalSignOut resolves for it: the API's own cutoff does the job.)
  ...ALL.filter(
    (method) => method !== 'globalSignOut' && method !== 'adminGlobalSignOut',
  ).map((method): [GatewayMethod, string] => [method, 'Unsupported']),
  ...ALL.map((method): [GatewayMethod, string] => [
    method,
    'SomethingNewException',
  ]),
];

/**
 * Documented names deliberately left to the generic 500 for every method: the
 * pool's or the app's configuration is wrong, no client can fix it, and the
 * logged cause is what an operator needs.
 */
const ALWAYS_500: Record<string, string> = {
  ResourceNotFoundException:
    'the configured user pool or app client does not exist',
  InvalidUserPoolConfigurationException:
    'the pool lacks a setting the call needs (e.g. TOTP MFA turned off)',
  InvalidLambdaResponseException:
    'a Lambda trigger of the pool answered something Cognito cannot use',
  UnexpectedLambdaException: 'a Lambda trigger of the pool failed',
  InvalidSmsRoleAccessPolicyException:
    'the pool may not publish SMS with its role',
  InvalidSmsRoleTrustRelationshipException:
    'the pool SMS role does not trust Cognito',
  InvalidEmailRoleAccessPolicyException:
    'the pool may not send from its SES identity',
  ForbiddenException:
    'the pool WAF web ACL blocked the call, and it sees this server, not the user',
  UnsupportedOperationException:
    'token revocation is not turned on for the app client',
};

/** Documented names deliberately left to 500 for one method, with the reason. */
const METHOD_500: [GatewayMethod, string, string][] = [
  [
    'signUp',
    'NotAuthorizedException',
    'SignUp refuses only the app: a wrong SECRET_HASH, or a pool where only admins create users',
  ],
  ...[
    'CodeMismatchException',
    'ExpiredCodeException',
    'PasswordHistoryPolicyViolationException',
    'MFAMethodNotFoundException',
    'SoftwareTokenMFANotFoundException',
    'AliasExistsException',
  ].map((name): [GatewayMethod, string, string] => [
    'passwordAuth',
    name,
    'the SRP step (PASSWORD_VERIFIER) sends no code, new password, attribute or MFA choice: a bug',
  ]),
  ...ACCOUNT_ADMIN_500,
];

function deliberate500(
  method: GatewayMethod,
  name: string,
): string | undefined {
  if (OWN_ANSWER_ROWS.some(([m, n]) => m === method && n === name)) {
    return undefined;
  }
  return (
    ALWAYS_500[name] ??
    METHOD_500.find(([m, n]) => m === method && n === name)?.[2]
  );
}

function documentedFor(method: GatewayMethod): string[] {
  return METHODS[method].operations.flatMap(
    (operation) => DOCUMENTED[operation],
  );
}

type Expected =
  'accepted' | 'an answer of its own' | `500 on purpose (${string})`;

/** method x every name documented for its operations, with what it should give. */
const DOCUMENTED_ROWS: [GatewayMethod, string, Expected][] = ALL.flatMap(
  (method) =>
    [...new Set([...documentedFor(method), ...AWS_COMMON])].map(
      (name): [GatewayMethod, string, Expected] => {
        const reason = deliberate500(method, name);
        return [
          method,
          name,
          hidden(method, name)
            ? 'accepted'
            : reason
              ? `500 on purpose (${reason})`
              : 'an answer of its own',
        ];
      },
    ),
);

/** Rows answered otherwise on an emulator's pool (the stub's connection is one). */
const EMULATOR_QUIRKS = new Set(['confirmSignUp ExpiredCodeException']);

describe('the answers of each gateway method', () => {
  it.each(
    PER_METHOD.filter(
      ([method, name]) =>
        !hidden(method, name) && !EMULATOR_QUIRKS.has(`${method} ${name}`),
    ),
  )('answers %s + %s with %i %s', async (method, name, status, code) => {
    const mapped = await answerOf(method, name);
    expect(mapped.getStatus()).toBe(status);
    expect(mapped.code).toBe(code);
    const body = JSON.stringify(mapped.getResponse());
    expect(body).not.toContain('upstream detail');
    expect(body).not.toContain(name);
  });

  it('answers confirmSignUp + ExpiredCodeException with 400 CODE_EXPIRED on real Cognito, and as a wrong code (400 CODE_MISMATCH) on an emulator, where it means the account is already confirmed', async () => {
    const aws: CognitoPool = Object.assign(connectionOf(), {
      endpoint: undefined,
    });
    const real = await outcomeOf('confirmSignUp', 'ExpiredCodeException', aws);
    expect(real).toBeInstanceOf(ApiException);
    expect((real as ApiException).getStatus()).toBe(400);
    expect((real as ApiException).code).toBe('CODE_EXPIRED');
    const emulated = await answerOf('confirmSignUp', 'ExpiredCodeException');
    const wrong = await answerOf('confirmSignUp', 'CodeMismatchException');
    expect(emulated.getResponse()).toEqual(wrong.getResponse());
    expect(emulated.getStatus()).toBe(400);
  });

  it.each(COMMON_ROWS)(
    'answers %s + %s (common to all) with %i %s',
    async (method, name, status, code) => {
      const mapped = await answerOf(method, name);
      expect(mapped.getStatus()).toBe(status);
      expect(mapped.code).toBe(code);
    },
  );

  it.each(UNMAPPED)(
    'answers %s + %s with 500 INTERNAL (not in its table, or the emulator cannot do it)',
    async (method, name) => {
      const mapped = await answerOf(method, name);
      expect(mapped.getStatus()).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
      expect(mapped.code).toBe('INTERNAL');
      expect(mapped.messages).toBe(
        'Something went wrong; the error was logged.',
      );
    },
  );

  it('answers passwordAuth the same whether the pool wants SRP or USER_PASSWORD_AUTH', async () => {
    const names = [
      ...new Set([...documentedFor('passwordAuth'), ...AWS_COMMON]),
    ];
    for (const name of names) {
      const plain = await outcomeOf('passwordAuth', name);
      const srp = await outcomeOf(
        'passwordAuth',
        name,
        connectionOf(undefined, 'USER_SRP_AUTH'),
      );
      expect(srp === 'resolved' ? srp : srp.getResponse()).toEqual(
        plain === 'resolved' ? plain : plain.getResponse(),
      );
    }
  });
});

describe('the answers against the API reference', () => {
  it.each(DOCUMENTED_ROWS)(
    'answers %s + %s (documented) with %s',
    async (method, name, expected) => {
      const outcome = await outcomeOf(method, name);
      if (expected === 'accepted') {
        expect(outcome).toBe('resolved');
        return;
      }
      expect(outcome).toBeInstanceOf(ApiException);
      const mapped = outcome as ApiException;
      if (expected.startsWith('500')) {
        expect(mapped.getStatus()).toBe(HttpStatus.INTERNAL_SERVER_ERROR);
        expect(mapped.code).toBe('INTERNAL');
        expect(mapped.messages).toBe(
          'Something went wrong; the error was logged.',
        );
      } else {
        expect(mapped.code).not.toBe('INTERNAL');
        expect(mapped.getStatus()).not.toBe(HttpStatus.INTERNAL_SERVER_ERROR);
      }
    },
  );

  it.each(METHOD_500)(
    'lists %s + %s as deliberately 500 only where the reference documents it',
    (method, name) => {
      expect(documentedFor(method)).toContain(name);
    },
  );

  it.each(Object.keys(ALWAYS_500))(
    'lists %s as deliberately 500 only if some operation documents it',
    (name) => {
      expect(Object.values(DOCUMENTED).flat()).toContain(name);
    },
  );

  it('has a row in the tables above for every documented answer that is neither 500 nor hidden', () => {
    const tabled = new Set([
      ...PER_METHOD.map(([method, name]) => `${method} ${name}`),
      ...COMMON_ROWS.map(([method, name]) => `${method} ${name}`),
    ]);
    const missing = DOCUMENTED_ROWS.filter(
      ([method, name, expected]) =>
        expected === 'an answer of its own' && !tabled.has(`${method} ${name}`),
    );
    expect(missing).toEqual([]);
  });
});
