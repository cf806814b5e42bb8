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

describe('the embedded mode in production', () => {
  it('keeps the production sentence alone', () => {
    expect(refusal({ NODE_ENV: 'production' })).toBe(
      'Invalid configuration: AWS_COGNITO_USER_POOL_ID is required when NODE_ENV=production: the embedded Cognito emulator signs tokens with a published key and must never run in production.',
    );
  });
});
