import { createRequire } from 'node:module';

interface Request {
  ClientId: string;
  AuthFlow?: string;
  AuthParameters?: Record<string, string>;
  ChallengeName?: string;
  Session?: string;
  ChallengeResponses?: Record<string, string>;
}
interface Reply {
  ChallengeName?: string;
  AvailableChallenges?: string[];
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  AuthenticationResult?: { AccessToken: string };
}
type Handler = (ctx: unknown, req: Request) => Promise<Reply>;
type Target = (services: Services) => Handler;
type Targets = Record<string, Target>;
type StoreFor = (
  services: unknown,
  ctx: unknown,
  clientId: string,
) => Promise<unknown>;

const load = createRequire(import.meta.url);
const { installEssentials } = load('./essentials.cjs') as {
  installEssentials: (
    targets: Targets,
    options: { sessionsFor: StoreFor; now?: () => number },
  ) => void;
};
const { sessionStores } = load('./challenge-answers.cjs') as {
  sessionStores: (now?: () => number) => StoreFor;
};

const MINUTE = 60_000;
const INVALID = 'Invalid session for the user.';
const EXPIRED = 'Invalid session for the user, session is expired.';
const CODE = '043810';

/** A confirmed user with a password and an email: both first factors. */
const userNamed = (name: string) => ({
  Username: name,
  UserStatus: 'CONFIRMED',
  Enabled: true,
  Password: 'Passw0rd!',
  Attributes: [{ Name: 'email', Value: `${name}@example.com` }],
});
const USERS: Record<string, object> = {
  alice: userNamed('alice'),
  bob: userNamed('bob'),
  // TOTP on: a passwordless first factor is followed by SOFTWARE_TOKEN_MFA.
  carol: { ...userNamed('carol'), UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] },
};

/** What essentials.cjs reads of cognito-local's services, for one pool. */
function servicesWith(clients: Record<string, object>) {
  const userPool = {
    options: {
      Id: 'pool',
      MfaConfiguration: 'OPTIONAL',
      SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] },
    },
    getUserByUsername: (_ctx: unknown, username: string) =>
      Promise.resolve(USERS[username] ?? null),
    listUserGroupMembership: () => Promise.resolve([]),
    storeRefreshToken: () => Promise.resolve(),
  };
  return {
    cognito: {
      getAppClient: (_ctx: unknown, clientId: string) =>
        Promise.resolve(clients[clientId] ?? null),
      getUserPoolForClientId: () => Promise.resolve(userPool),
    },
    otp: () => CODE,
    messages: { deliver: () => Promise.resolve() },
    tokenGenerator: {
      generate: () =>
        Promise.resolve({ AccessToken: 'access', RefreshToken: 'refresh' }),
    },
  };
}
type Services = ReturnType<typeof servicesWith>;

/** An app client with USER_AUTH on, and `AuthSessionValidity` minutes if given. */
const clientOf = (ClientId: string, AuthSessionValidity?: number) => ({
  ClientId,
  ExplicitAuthFlows: ['ALLOW_USER_AUTH'],
  ...(AuthSessionValidity ? { AuthSessionValidity } : {}),
});

/** What `work` rejected with: Cognito's error code and message. */
async function refusal(
  work: Promise<unknown>,
): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error('the answer was accepted');
}

describe("USER_AUTH's challenge sessions (the app client's store)", () => {
  let clock: number;
  let targets: Targets;
  let services: Services;
  let sessionsFor: StoreFor;

  beforeEach(() => {
    clock = 7_000_000;
    targets = {
      InitiateAuth: () => () => Promise.reject(new Error('not USER_AUTH')),
      RespondToAuthChallenge: () => () =>
        Promise.reject(new Error('answered by cognito-local')),
    };
    sessionsFor = sessionStores(() => clock);
    installEssentials(targets, { sessionsFor });
    services = servicesWith({
      plain: clientOf('plain'),
      slow: clientOf('slow', 15),
      other: clientOf('other', 15),
    });
  });

  const start = (clientId: string, preferred?: string) =>
    targets.InitiateAuth(services)(
      {},
      {
        ClientId: clientId,
        AuthFlow: 'USER_AUTH',
        AuthParameters: {
          USERNAME: 'alice',
          ...(preferred ? { PREFERRED_CHALLENGE: preferred } : {}),
        },
      },
    );

  const answer = (
    clientId: string,
    challenge: string,
    session: string | undefined,
    responses: Record<string, string>,
    username = 'alice',
  ) =>
    targets.RespondToAuthChallenge(services)(
      {},
      {
        ClientId: clientId,
        ChallengeName: challenge,
        Session: session,
        ChallengeResponses: { USERNAME: username, ...responses },
      },
    );

  const emailCode = (clientId: string, session?: string, username?: string) =>
    answer(clientId, 'EMAIL_OTP', session, { EMAIL_OTP_CODE: CODE }, username);
  const choose = (clientId: string, session?: string, username?: string) =>
    answer(
      clientId,
      'SELECT_CHALLENGE',
      session,
      { ANSWER: 'EMAIL_OTP' },
      username,
    );

  it("issues sessions of the embedded shape (`ua.` and 64 characters), the passwordless decoys' model", async () => {
    const { ChallengeName, Session } = await start('plain');
    expect(ChallengeName).toBe('SELECT_CHALLENGE');
    expect(Session).toMatch(/^ua\.[A-Za-z0-9_-]{64}$/);
  });

  it.each([
    ['names none: 3 minutes, as Cognito', 'plain', 3],
    ['says 15 minutes', 'slow', 15],
  ])(
    "keeps an EMAIL_OTP session for the client's AuthSessionValidity when it %s",
    async (_, clientId, minutes) => {
      const kept = await start(clientId, 'EMAIL_OTP');
      const late = await start(clientId, 'EMAIL_OTP');
      expect(kept.ChallengeName).toBe('EMAIL_OTP');
      clock += minutes * MINUTE - 1;
      expect(
        (await emailCode(clientId, kept.Session)).AuthenticationResult,
      ).toEqual(expect.objectContaining({ AccessToken: 'access' }));
      clock += 1;
      expect(await refusal(emailCode(clientId, late.Session))).toEqual({
        code: 'NotAuthorizedException',
        message: EXPIRED,
      });
    },
  );

  it("keeps a SELECT_CHALLENGE session for the client's AuthSessionValidity, past Cognito's default 3 minutes", async () => {
    const kept = await start('slow');
    const late = await start('slow');
    expect(kept.ChallengeName).toBe('SELECT_CHALLENGE');
    clock += 15 * MINUTE - 1;
    const next = await choose('slow', kept.Session);
    expect(next.ChallengeName).toBe('EMAIL_OTP');
    // The next challenge's session starts its own validity.
    clock += 15 * MINUTE - 1;
    expect(
      (await emailCode('slow', next.Session)).AuthenticationResult,
    ).toEqual(expect.objectContaining({ AccessToken: 'access' }));
    expect(await refusal(choose('slow', late.Session))).toEqual({
      code: 'NotAuthorizedException',
      message: EXPIRED,
    });
  });

  it('refuses a session issued for one challenge as the answer to another, and it still serves its own', async () => {
    const selecting = (await start('plain')).Session;
    const emailing = (await start('plain', 'EMAIL_OTP')).Session;
    const invalid = { code: 'NotAuthorizedException', message: INVALID };
    expect(await refusal(emailCode('plain', selecting))).toEqual(invalid);
    expect(await refusal(choose('plain', emailing))).toEqual(invalid);
    expect(
      await refusal(
        answer('plain', 'SOFTWARE_TOKEN_MFA', emailing, {
          SOFTWARE_TOKEN_MFA_CODE: '000000',
        }),
      ),
    ).toEqual(invalid);
    expect((await choose('plain', selecting)).ChallengeName).toBe('EMAIL_OTP');
    expect(
      (await emailCode('plain', emailing)).AuthenticationResult,
    ).toBeDefined();
  });

  it("refuses another user's session, another client's, one without its prefix, and a spent one", async () => {
    const { Session } = await start('slow', 'EMAIL_OTP');
    const invalid = { code: 'NotAuthorizedException', message: INVALID };
    expect(await refusal(emailCode('slow', Session, 'bob'))).toEqual(invalid);
    expect(await refusal(emailCode('other', Session))).toEqual(invalid);
    expect(await refusal(emailCode('slow', Session!.slice(3)))).toEqual(
      invalid,
    );
    expect((await emailCode('slow', Session)).AuthenticationResult).toEqual(
      expect.objectContaining({ AccessToken: 'access' }),
    );
    expect(await refusal(emailCode('slow', Session))).toEqual(invalid);
  });

  it('spends the session on a wrong code: the right one is refused after it', async () => {
    const { Session } = await start('plain', 'EMAIL_OTP');
    expect(
      await refusal(
        answer('plain', 'EMAIL_OTP', Session, { EMAIL_OTP_CODE: '000000' }),
      ),
    ).toEqual({
      code: 'CodeMismatchException',
      message: 'Invalid code or auth state for the user.',
    });
    expect(await refusal(emailCode('plain', Session))).toEqual({
      code: 'NotAuthorizedException',
      message: INVALID,
    });
  });

  it("issues sessions the password flow's handler never takes, so a second factor after a passwordless first one is answered once", async () => {
    const emailing = await targets.InitiateAuth(services)(
      {},
      {
        ClientId: 'plain',
        AuthFlow: 'USER_AUTH',
        AuthParameters: { USERNAME: 'carol', PREFERRED_CHALLENGE: 'EMAIL_OTP' },
      },
    );
    const second = await emailCode('plain', emailing.Session, 'carol');
    expect(second.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(second.Session).toMatch(/^ua\./);
    // What challenge-answers.cjs does with a SOFTWARE_TOKEN_MFA answer (and
    // gives back after a wrong code): the session without its prefix is
    // not one it holds.
    const store = (await sessionsFor(services, {}, 'plain')) as {
      hold(session: string, username: string, challenge: string): unknown;
    };
    expect(() =>
      store.hold(second.Session!.slice(3), 'carol', 'SOFTWARE_TOKEN_MFA'),
    ).toThrow(INVALID);
  });

  it("is installed with the client's stores only", () => {
    expect(() =>
      installEssentials(
        targets,
        {} as { sessionsFor: StoreFor; now?: () => number },
      ),
    ).toThrow(TypeError);
  });
});
