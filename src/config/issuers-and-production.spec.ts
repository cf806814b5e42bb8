import { emulatorInstalled } from '../cognito/emulator/emulator-package.js';
import { ConfigValidationError, loadConfig } from './env.validation.js';

vi.mock('../cognito/emulator/emulator-package.js', async (original) => ({
  ...(await original<object>()),
  emulatorInstalled: vi.fn(() => true),
}));

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

describe('AWS_COGNITO_ADDITIONAL_REGIONS', () => {
  it.each([
    ['eu-west-1', ['eu-west-1']],
    ['eu-west-1,ap-southeast-2', ['eu-west-1', 'ap-southeast-2']],
    [' us-gov-west-1 , eu-central-2 ', ['us-gov-west-1', 'eu-central-2']],
  ])('reads %j as regions', (value, regions) => {
    expect(
      loadConfig({ ...AWS, AWS_COGNITO_ADDITIONAL_REGIONS: value }).cognito
        .additionalRegions,
    ).toEqual(regions);
  });

  it.each([
    'eu-west',
    'EU-WEST-1',
    'eu-west-1,',
    'eu-west-1;us-east-2',
    'eu-west-1/../evil',
    'eu-west-1.evil.com',
    'https://cognito-idp.eu-west-1.amazonaws.com',
  ])('refuses %j with one sentence', (value) => {
    expect(refusal({ ...AWS, AWS_COGNITO_ADDITIONAL_REGIONS: value })).toBe(
      'Invalid configuration: AWS_COGNITO_ADDITIONAL_REGIONS must be a comma-separated list of AWS regions, e.g. eu-west-1,ap-southeast-2.',
    );
  });

  it.each(['AWS_COGNITO_AUTHORITY', 'AWS_COGNITO_ENDPOINT'])(
    'cannot be combined with %s, which pins one issuer',
    (name) => {
      expect(
        refusal({
          ...AWS,
          AWS_COGNITO_ADDITIONAL_REGIONS: 'eu-west-1',
          [name]: 'http://127.0.0.1:9229',
        }),
      ).toBe(
        'Invalid configuration: AWS_COGNITO_ADDITIONAL_REGIONS applies to AWS issuers only: unset it, or unset AWS_COGNITO_AUTHORITY and AWS_COGNITO_ENDPOINT (each pins one issuer).',
      );
    },
  );
});

describe('AWS_COGNITO_JWKS_URI', () => {
  it('is read as given', () => {
    expect(
      loadConfig({
        ...AWS,
        AWS_COGNITO_JWKS_URI: 'http://127.0.0.1:8080/jwks.json',
      }).cognito.jwksUri,
    ).toBe('http://127.0.0.1:8080/jwks.json');
  });

  it('must be a URL', () => {
    expect(refusal({ ...AWS, AWS_COGNITO_JWKS_URI: 'keys.json' })).toMatch(
      /^Invalid configuration: AWS_COGNITO_JWKS_URI must be a URL, e\.g\. https:/,
    );
  });

  it('must be https in production', () => {
    expect(
      refusal({
        ...AWS,
        NODE_ENV: 'production',
        AWS_COGNITO_JWKS_URI: 'http://keys.example.com/jwks.json',
      }),
    ).toBe(
      'Invalid configuration: AWS_COGNITO_JWKS_URI must be an https URL when NODE_ENV=production.',
    );
    expect(
      loadConfig({
        ...AWS,
        NODE_ENV: 'production',
        AWS_COGNITO_JWKS_URI: 'https://keys.example.com/jwks.json',
      }).cognito.jwksUri,
    ).toBe('https://keys.example.com/jwks.json');
  });
});

describe('without cognito-local installed (a production install)', () => {
  beforeEach(() => {
    vi.mocked(emulatorInstalled).mockReturnValue(false);
  });
  afterEach(() => {
    vi.mocked(emulatorInstalled).mockReturnValue(true);
  });

  it('stops the embedded mode with one sentence saying what to set', () => {
    expect(refusal({})).toBe(
      'Invalid configuration: AWS_COGNITO_USER_POOL_ID and AWS_COGNITO_CLIENT_ID must be set: the embedded Cognito emulator (cognito-local, a development dependency) is not installed.',
    );
  });

  it('runs with a real pool', () => {
    expect(loadConfig(AWS).cognito.userPoolId).toBe(
      AWS.AWS_COGNITO_USER_POOL_ID,
    );
  });

  it('keeps the production sentence alone in production', () => {
    expect(refusal({ NODE_ENV: 'production' })).toBe(
      'Invalid configuration: AWS_COGNITO_USER_POOL_ID is required when NODE_ENV=production: the embedded Cognito emulator signs tokens with a published key and must never run in production.',
    );
  });
});
