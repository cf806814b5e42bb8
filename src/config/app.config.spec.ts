import { ConfigValidationError, loadConfig } from './env.validation.js';

const AWS = {
  AWS_COGNITO_USER_POOL_ID: 'us-east-1_AbCdEf123',
  AWS_COGNITO_CLIENT_ID: 'client1',
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

const HOST_SENTENCE =
  'Invalid configuration: HOST must be a loopback address (127.0.0.1, ::1 or localhost) with the embedded Cognito emulator, whose tokens anyone can forge: set AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID to serve other machines.';

describe('HOST with the embedded emulator', () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    'localhost',
    'LOCALHOST',
    '::ffff:127.0.0.1',
  ])('accepts the loopback address %s', (host) => {
    expect(loadConfig({ HOST: host }).app.host).toBe(host);
  });

  it.each([
    '0.0.0.0',
    '::',
    '10.0.0.5',
    '192.168.1.20',
    '128.0.0.1',
    '127.0.0.256',
    'localhost.example.com',
    'api.example.com',
    '::ffff:10.0.0.5',
  ])('refuses %s with one sentence naming HOST', (host) => {
    expect(refusal({ HOST: host })).toBe(HOST_SENTENCE);
  });

  it('accepts any address with a real pool', () => {
    const { app } = loadConfig({ ...AWS, HOST: '0.0.0.0' });
    expect(app).toMatchObject({ host: '0.0.0.0', loopbackOnly: false });
  });

  it('listens on loopback only in embedded mode (HOST unset)', () => {
    expect(loadConfig({}).app).toMatchObject({
      host: undefined,
      loopbackOnly: true,
    });
  });
});

describe('HOST with an emulator run elsewhere (an http endpoint or authority)', () => {
  it.each([
    ['AWS_COGNITO_ENDPOINT', { AWS_COGNITO_ENDPOINT: 'http://127.0.0.1:9229' }],
    [
      'AWS_COGNITO_AUTHORITY',
      {
        AWS_COGNITO_AUTHORITY: 'http://127.0.0.1:9229/us-east-1_AbCdEf123',
      },
    ],
  ])(
    'refuses 0.0.0.0 with an http %s, in one sentence naming HOST',
    (name, settings) => {
      expect(refusal({ ...AWS, ...settings, HOST: '0.0.0.0' })).toBe(
        `Invalid configuration: HOST must be a loopback address (127.0.0.1, ::1 or localhost) while ${name} is an http URL (an emulator, whose published key anyone can sign with): use https endpoints of real Cognito to serve other machines.`,
      );
      const { app } = loadConfig({ ...AWS, ...settings, HOST: '127.0.0.1' });
      expect(app.loopbackOnly).toBe(true);
    },
  );

  it('has no loopback rule with an https endpoint (real Cognito behind a FIPS or VPC endpoint)', () => {
    const { app, cognito } = loadConfig({
      ...AWS,
      AWS_COGNITO_ENDPOINT:
        'https://vpce-0a1b2c.cognito-idp.us-east-1.vpce.amazonaws.com',
      AWS_COGNITO_ADDITIONAL_REGIONS: 'eu-west-1',
      HOST: '0.0.0.0',
    });
    expect(app).toMatchObject({ host: '0.0.0.0', loopbackOnly: false });
    expect(cognito.additionalRegions).toEqual(['eu-west-1']);
  });
});

describe('NODE_ENV', () => {
  it.each(['production', 'Production', 'PRODUCTION', ' production '])(
    'counts %j as production',
    (nodeEnv) => {
      const config = loadConfig({ ...AWS, NODE_ENV: nodeEnv });
      expect(config.app.production).toBe(true);
      expect(config.http.logFormat).toBe('json');
      expect(refusal({ NODE_ENV: nodeEnv })).toMatch(
        /^Invalid configuration: AWS_COGNITO_USER_POOL_ID is required when NODE_ENV=production: /,
      );
      expect(
        refusal({
          ...AWS,
          NODE_ENV: nodeEnv,
          AWS_COGNITO_AUTHORITY: 'http://127.0.0.1:9229/us-east-1_AbCdEf123',
        }),
      ).toBe(
        'Invalid configuration: AWS_COGNITO_AUTHORITY must be an https URL when NODE_ENV=production.',
      );
    },
  );

  it.each(['development', 'productionish', 'prod'])(
    'does not count %j as production',
    (nodeEnv) => {
      expect(loadConfig({ NODE_ENV: nodeEnv }).app.production).toBe(false);
    },
  );

  it('counts TEST as test (silent logs)', () => {
    expect(loadConfig({ NODE_ENV: 'TEST' }).http.logLevel).toBe('silent');
  });
});
