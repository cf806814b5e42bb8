import { ConfigValidationError, loadConfig } from './env.validation.js';

const POOL = 'us-east-1_AbCdEf123';
const CLIENT = '1h2j3k4l5m6n7o8p9q0r1s2t3u';
const HTTPS_AUTHORITY = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;

const AWS = {
  AWS_COGNITO_USER_POOL_ID: POOL,
  AWS_COGNITO_CLIENT_ID: CLIENT,
};

const FULL_AWS = {
  NODE_ENV: 'production',
  PORT: '8080',
  AWS_COGNITO_USER_POOL_ID: POOL,
  AWS_COGNITO_CLIENT_ID: CLIENT,
  AWS_COGNITO_CLIENT_SECRET: 's3cr3t-value-from-the-console',
  AWS_COGNITO_AUTHORITY: HTTPS_AUTHORITY,
  AWS_COGNITO_ENDPOINT: 'https://cognito-idp.us-east-1.amazonaws.com',
  AWS_COGNITO_AUTH_FLOW: 'USER_SRP_AUTH',
  JWT_CLOCK_SKEW_SECONDS: '30',
};

/** The message loadConfig throws, or undefined when it accepts. */
function refusal(raw: Record<string, unknown>): string | undefined {
  try {
    loadConfig(raw);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as Error).message;
  }
}

/** Where a sentence of the message starts with a variable's name. */
const SENTENCE_START = /(?:^|\.\s)([A-Z][A-Z0-9_]{2,})\s/g;

/** The variables the message's sentences are about, in order. */
function sentenceSubjects(message: string): string[] {
  const body = message.replace(/^Invalid configuration: /, '');
  return [...body.matchAll(SENTENCE_START)].map((m) => m[1]);
}

/** What an empty environment gives: every default, the embedded emulator. */
const DEFAULTS = {
  app: { port: 3000, host: undefined, production: false, loopbackOnly: true },
  cognito: {
    userPoolId: undefined,
    clientId: undefined,
    clientSecret: undefined,
    authority: undefined,
    endpoint: undefined,
    authFlow: 'USER_PASSWORD_AUTH',
    refreshRotation: false,
    passwordless: true,
    timeoutMs: 5000,
    localDir: '.cognito-local',
    emulatorPath: undefined,
    additionalRegions: [],
    jwksUri: undefined,
  },
  auth: {
    clockSkewSeconds: 5,
    jwksTimeoutMs: 3000,
    jwksRefetchCooldownMs: 10_000,
    failureMinMs: 250,
    refreshTokenValidityDays: 30,
    recentSignInSeconds: 300,
    maxSessionsPerUser: 50,
    cookies: { enabled: true, secure: false },
  },
  http: {
    bodyLimitBytes: 65_536,
    maxHeaderBytes: 16_384,
    corsOrigins: [],
    trustProxy: false,
    healthCacheMs: 2000,
    shutdownTimeoutMs: 10_000,
    logLevel: 'info',
    logFormat: 'pretty',
  },
  rateLimit: {
    perIpPerMinute: 300,
    failedPasswordsPerEmailAndIp: 10,
    failedPasswordsPerEmail: 20,
    slowdownStepMs: 500,
    slowdownMaxMs: 5000,
    requestsPerEmail: 30,
    wrongCodesPerUser: 10,
    windowSeconds: 900,
  },
  store: { redis: undefined, redisTimeoutMs: 500 },
};

describe('loadConfig', () => {
  it('accepts an empty environment with every default (the embedded emulator starts)', () => {
    expect(loadConfig({})).toEqual(DEFAULTS);
  });

  it('maps a full AWS configuration to typed values', () => {
    expect(loadConfig({ ...FULL_AWS })).toEqual({
      ...DEFAULTS,
      app: {
        port: 8080,
        host: undefined,
        production: true,
        loopbackOnly: false,
      },
      cognito: {
        ...DEFAULTS.cognito,
        userPoolId: POOL,
        clientId: CLIENT,
        clientSecret: 's3cr3t-value-from-the-console',
        authority: HTTPS_AUTHORITY,
        endpoint: 'https://cognito-idp.us-east-1.amazonaws.com',
        authFlow: 'USER_SRP_AUTH',
        passwordless: false,
      },
      auth: {
        ...DEFAULTS.auth,
        clockSkewSeconds: 30,
        cookies: { enabled: false, secure: true },
      },
      http: { ...DEFAULTS.http, logFormat: 'json' },
    });
  });

  it('maps every other variable to its typed field', () => {
    const config = loadConfig({
      // Embedded mode: HOST must be a loopback address.
      HOST: '::1',
      COGNITO_TIMEOUT_MS: '1500',
      COGNITO_LOCAL_DIR: '/var/lib/cognito',
      PATH: '/usr/local/bin:/usr/bin',
      JWKS_TIMEOUT_MS: '700',
      JWKS_REFETCH_COOLDOWN_MS: '0',
      AUTH_FAILURE_MIN_MS: '0',
      AWS_COGNITO_REFRESH_ROTATION: 'true',
      AUTH_PASSWORDLESS: 'false',
      REFRESH_TOKEN_VALIDITY_DAYS: '7',
      AUTH_RECENT_SIGN_IN_SECONDS: '60',
      AUTH_MAX_SESSIONS_PER_USER: '7',
      AUTH_COOKIES: 'false',
      BODY_LIMIT_BYTES: '2048',
      MAX_HEADER_BYTES: ' 4096 ',
      CORS_ORIGINS: 'https://app.example.com , http://localhost:5173',
      TRUST_PROXY: '2',
      HEALTH_CACHE_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '0',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      RATE_LIMIT_IP_PER_MINUTE: '5',
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL_AND_IP: '2',
      RATE_LIMIT_FAILED_PASSWORDS_PER_EMAIL: '3',
      RATE_LIMIT_SLOWDOWN_STEP_MS: '100',
      RATE_LIMIT_SLOWDOWN_MAX_MS: '900',
      RATE_LIMIT_REQUESTS_PER_EMAIL: '7',
      RATE_LIMIT_WRONG_CODES_PER_USER: '4',
      RATE_LIMIT_EMAIL_WINDOW_SECONDS: '60',
      REDIS_URL: 'redis://10.0.0.5:6380/2',
      REDIS_TIMEOUT_MS: '250',
    });
    expect(config).toEqual({
      app: { port: 3000, host: '::1', production: false, loopbackOnly: true },
      cognito: {
        ...DEFAULTS.cognito,
        refreshRotation: true,
        passwordless: false,
        timeoutMs: 1500,
        localDir: '/var/lib/cognito',
        emulatorPath: '/usr/local/bin:/usr/bin',
      },
      auth: {
        clockSkewSeconds: 5,
        jwksTimeoutMs: 700,
        jwksRefetchCooldownMs: 0,
        failureMinMs: 0,
        refreshTokenValidityDays: 7,
        recentSignInSeconds: 60,
        maxSessionsPerUser: 7,
        cookies: { enabled: false, secure: false },
      },
      http: {
        bodyLimitBytes: 2048,
        maxHeaderBytes: 4096,
        corsOrigins: ['https://app.example.com', 'http://localhost:5173'],
        trustProxy: 2,
        healthCacheMs: 0,
        shutdownTimeoutMs: 0,
        logLevel: 'debug',
        logFormat: 'json',
      },
      rateLimit: {
        perIpPerMinute: 5,
        failedPasswordsPerEmailAndIp: 2,
        failedPasswordsPerEmail: 3,
        slowdownStepMs: 100,
        slowdownMaxMs: 900,
        requestsPerEmail: 7,
        wrongCodesPerUser: 4,
        windowSeconds: 60,
      },
      store: {
        redis: { url: 'redis://10.0.0.5:6380/2', tls: false, tlsFiles: {} },
        redisTimeoutMs: 250,
      },
    });
  });

  describe('AUTH_PASSWORDLESS', () => {
    it('is on by default in embedded mode, off with AWS settings, and can be turned on or off', () => {
      expect(loadConfig({}).cognito.passwordless).toBe(true);
      expect(loadConfig({ ...AWS }).cognito.passwordless).toBe(false);
      expect(
        loadConfig({ ...AWS, AUTH_PASSWORDLESS: 'true' }).cognito.passwordless,
      ).toBe(true);
      expect(
        loadConfig({ AUTH_PASSWORDLESS: 'false' }).cognito.passwordless,
      ).toBe(false);
    });
  });

  describe('AUTH_COOKIES', () => {
    it('is on by default in embedded mode, with cookies that are not Secure (plain http on loopback)', () => {
      expect(loadConfig({}).auth.cookies).toEqual({
        enabled: true,
        secure: false,
      });
    });

    it('is off by default with AWS settings, and its cookies are Secure once turned on', () => {
      expect(loadConfig({ ...AWS }).auth.cookies).toEqual({
        enabled: false,
        secure: true,
      });
      expect(loadConfig({ ...AWS, AUTH_COOKIES: 'true' }).auth.cookies).toEqual(
        { enabled: true, secure: true },
      );
    });
  });

  it('logs nothing by default under test', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).http.logLevel).toBe('silent');
    expect(
      loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn' }).http.logLevel,
    ).toBe('warn');
  });

  it('keeps readable logs in production when LOG_FORMAT says so', () => {
    expect(
      loadConfig({ ...AWS, NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).http
        .logFormat,
    ).toBe('pretty');
  });

  it('accepts the variables of an ordinary shell it does not know about', () => {
    expect(
      refusal({ ...AWS, HOME: '/root', PATH: '/usr/bin', TERM: 'xterm' }),
    ).toBeUndefined();
  });

  it.each([['USER_PASSWORD_AUTH'], ['USER_SRP_AUTH']])(
    'accepts AWS_COGNITO_AUTH_FLOW %s',
    (flow) => {
      expect(refusal({ ...AWS, AWS_COGNITO_AUTH_FLOW: flow })).toBeUndefined();
    },
  );

  it.each([['0'], ['3000'], ['65535']])('accepts PORT %s', (port) => {
    expect(refusal({ PORT: port })).toBeUndefined();
  });

  it('accepts an emulator run elsewhere over http outside production', () => {
    expect(
      refusal({
        ...AWS,
        AWS_COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
        AWS_COGNITO_AUTHORITY: `http://localhost:9229/${POOL}`,
      }),
    ).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a pool id without region',
      { ...AWS, AWS_COGNITO_USER_POOL_ID: 'AbCdEf123' },
      'AWS_COGNITO_USER_POOL_ID',
    ],
    [
      'a pool id with a slash',
      { ...AWS, AWS_COGNITO_USER_POOL_ID: 'us-east-1_Ab/Cd' },
      'AWS_COGNITO_USER_POOL_ID',
    ],
    [
      'a client id with a space',
      { ...AWS, AWS_COGNITO_CLIENT_ID: 'abc def' },
      'AWS_COGNITO_CLIENT_ID',
    ],
    [
      'a pool id without a client id',
      { AWS_COGNITO_USER_POOL_ID: POOL },
      'AWS_COGNITO_CLIENT_ID',
    ],
    [
      'a client id without a pool id',
      { AWS_COGNITO_CLIENT_ID: CLIENT },
      'AWS_COGNITO_USER_POOL_ID',
    ],
    [
      'an AUTHORITY that is not a URL',
      { ...AWS, AWS_COGNITO_AUTHORITY: 'cognito-idp.us-east-1.amazonaws.com' },
      'AWS_COGNITO_AUTHORITY',
    ],
    [
      'an AUTHORITY with another scheme',
      { ...AWS, AWS_COGNITO_AUTHORITY: `ftp://example.com/${POOL}` },
      'AWS_COGNITO_AUTHORITY',
    ],
    [
      'an ENDPOINT that is not a URL',
      { ...AWS, AWS_COGNITO_ENDPOINT: 'localhost 9229' },
      'AWS_COGNITO_ENDPOINT',
    ],
    [
      'an AUTH_FLOW not in the list',
      { ...AWS, AWS_COGNITO_AUTH_FLOW: 'ADMIN_NO_SRP_AUTH' },
      'AWS_COGNITO_AUTH_FLOW',
    ],
    [
      'an AUTH_FLOW in lower case',
      { ...AWS, AWS_COGNITO_AUTH_FLOW: 'user_password_auth' },
      'AWS_COGNITO_AUTH_FLOW',
    ],
    [
      'a REFRESH_ROTATION that is not true or false',
      { ...AWS, AWS_COGNITO_REFRESH_ROTATION: 'yes' },
      'AWS_COGNITO_REFRESH_ROTATION',
    ],
    ['AUTH_COOKIES yes', { AUTH_COOKIES: 'yes' }, 'AUTH_COOKIES'],
    ['AUTH_PASSWORDLESS 1', { AUTH_PASSWORDLESS: '1' }, 'AUTH_PASSWORDLESS'],
    [
      'REFRESH_TOKEN_VALIDITY_DAYS 0',
      { REFRESH_TOKEN_VALIDITY_DAYS: '0' },
      'REFRESH_TOKEN_VALIDITY_DAYS',
    ],
    [
      'AUTH_RECENT_SIGN_IN_SECONDS 0',
      { AUTH_RECENT_SIGN_IN_SECONDS: '0' },
      'AUTH_RECENT_SIGN_IN_SECONDS',
    ],
    [
      'AUTH_MAX_SESSIONS_PER_USER 0',
      { AUTH_MAX_SESSIONS_PER_USER: '0' },
      'AUTH_MAX_SESSIONS_PER_USER',
    ],
    ['PORT abc', { PORT: 'abc' }, 'PORT'],
    ['PORT 70000', { PORT: '70000' }, 'PORT'],
    ['PORT -1', { PORT: '-1' }, 'PORT'],
    ['PORT 80.5', { PORT: '80.5' }, 'PORT'],
    [
      'JWT_CLOCK_SKEW_SECONDS 301',
      { JWT_CLOCK_SKEW_SECONDS: '301' },
      'JWT_CLOCK_SKEW_SECONDS',
    ],
    [
      'JWT_CLOCK_SKEW_SECONDS -1',
      { JWT_CLOCK_SKEW_SECONDS: '-1' },
      'JWT_CLOCK_SKEW_SECONDS',
    ],
    [
      'JWT_CLOCK_SKEW_SECONDS five',
      { JWT_CLOCK_SKEW_SECONDS: 'five' },
      'JWT_CLOCK_SKEW_SECONDS',
    ],
  ])(
    'refuses %s with one sentence naming the variable',
    (_label, raw, variable) => {
      const message = refusal(raw);
      expect(message).toMatch(/^Invalid configuration: .+\.$/);
      expect(sentenceSubjects(message!)).toEqual([variable]);
    },
  );

  it('names every bad variable, one sentence each', () => {
    const message = refusal({ PORT: 'abc', JWT_CLOCK_SKEW_SECONDS: '301' });
    expect(sentenceSubjects(message!)).toEqual([
      'PORT',
      'JWT_CLOCK_SKEW_SECONDS',
    ]);
  });

  describe('in production', () => {
    it('refuses to run without a pool id, saying the emulator signs with a public key', () => {
      const message = refusal({ NODE_ENV: 'production' })!;
      expect(sentenceSubjects(message)).toEqual(['AWS_COGNITO_USER_POOL_ID']);
      expect(message).toMatch(/NODE_ENV=production/);
      expect(message).toMatch(/emulator/);
      expect(message).toMatch(/publi(c|shed) key/);
    });

    it('refuses an empty pool id as if it were unset', () => {
      const message = refusal({
        NODE_ENV: 'production',
        AWS_COGNITO_USER_POOL_ID: '',
        AWS_COGNITO_CLIENT_ID: '',
      })!;
      expect(sentenceSubjects(message)).toEqual(['AWS_COGNITO_USER_POOL_ID']);
      expect(message).toMatch(/publi(c|shed) key/);
    });

    it('refuses an http AUTHORITY', () => {
      const message = refusal({
        ...AWS,
        NODE_ENV: 'production',
        AWS_COGNITO_AUTHORITY: `http://cognito.internal/${POOL}`,
      })!;
      expect(sentenceSubjects(message)).toEqual(['AWS_COGNITO_AUTHORITY']);
      expect(message).toMatch(/https/);
    });

    it('refuses an http ENDPOINT (the issuer would be http)', () => {
      const message = refusal({
        ...AWS,
        NODE_ENV: 'production',
        AWS_COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
      })!;
      expect(sentenceSubjects(message)).toEqual(['AWS_COGNITO_ENDPOINT']);
      expect(message).toMatch(/https/);
    });

    it('accepts an https AUTHORITY', () => {
      expect(
        refusal({
          ...AWS,
          NODE_ENV: 'production',
          AWS_COGNITO_AUTHORITY: HTTPS_AUTHORITY,
        }),
      ).toBeUndefined();
    });

    it('accepts a pool and client with the default issuer', () => {
      expect(refusal({ ...AWS, NODE_ENV: 'production' })).toBeUndefined();
    });
  });

  describe('empty strings count as unset', () => {
    it('accepts every variable set to the empty string, with the defaults (embedded mode)', () => {
      expect(
        loadConfig({
          PORT: '',
          AWS_COGNITO_USER_POOL_ID: '',
          AWS_COGNITO_CLIENT_ID: '',
          AWS_COGNITO_CLIENT_SECRET: '',
          AWS_COGNITO_AUTHORITY: '',
          AWS_COGNITO_ENDPOINT: '',
          AWS_COGNITO_AUTH_FLOW: '',
          AWS_COGNITO_REFRESH_ROTATION: '',
          REFRESH_TOKEN_VALIDITY_DAYS: '',
          AUTH_COOKIES: '',
          AUTH_PASSWORDLESS: '',
          JWT_CLOCK_SKEW_SECONDS: '',
          COGNITO_TIMEOUT_MS: '',
          CORS_ORIGINS: '',
          TRUST_PROXY: '',
          LOG_LEVEL: '',
          LOG_FORMAT: '',
        }),
      ).toEqual(DEFAULTS);
    });

    it.each([
      ['HOST'],
      ['NODE_ENV'],
      ['COGNITO_LOCAL_DIR'],
      ['JWKS_TIMEOUT_MS'],
    ])('accepts %s set to the empty string', (variable) => {
      expect(refusal({ [variable]: '' })).toBeUndefined();
    });

    it('treats an empty client id as missing when the pool id is set', () => {
      const message = refusal({ ...AWS, AWS_COGNITO_CLIENT_ID: '' })!;
      expect(sentenceSubjects(message)).toEqual(['AWS_COGNITO_CLIENT_ID']);
      expect(message).toMatch(/required/);
    });

    it('treats an empty AUTHORITY as unset in production (the default https issuer applies)', () => {
      expect(
        refusal({ ...AWS, NODE_ENV: 'production', AWS_COGNITO_AUTHORITY: '' }),
      ).toBeUndefined();
    });
  });
});
