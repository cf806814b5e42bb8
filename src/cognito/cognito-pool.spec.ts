import { loadConfig } from '../config/env.validation.js';
import {
  isAcceptedIssuer,
  isLoopbackHttpIssuer,
  resolvePool,
  type CognitoPool,
} from './cognito-pool.js';

const POOL = 'us-east-1_AbCdEf123';
const REGIONAL = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const GLOBAL = `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const REPLICA = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;

/** The pool the app resolves from this environment (aws mode). */
function poolFrom(env: Record<string, string>): Promise<CognitoPool> {
  const { cognito } = loadConfig({
    AWS_COGNITO_USER_POOL_ID: POOL,
    AWS_COGNITO_CLIENT_ID: 'client1',
    ...env,
  });
  return resolvePool(cognito, null);
}

describe('the issuers of a pool', () => {
  it('are the regional then the global issuer of the pool region by default, keys from the regional one', async () => {
    const pool = await poolFrom({});
    expect(pool.issuers).toEqual([REGIONAL, GLOBAL]);
    expect(pool.issuer).toBe(REGIONAL);
    expect(pool.jwksUri).toBe(`${REGIONAL}/.well-known/jwks.json`);
  });

  it('add the regional issuer of each replica region, once each', async () => {
    const pool = await poolFrom({
      AWS_COGNITO_ADDITIONAL_REGIONS: 'eu-west-1, ap-southeast-2,eu-west-1',
    });
    expect(pool.issuers).toEqual([
      REGIONAL,
      GLOBAL,
      REPLICA,
      `https://cognito-idp.ap-southeast-2.amazonaws.com/${POOL}`,
    ]);
    expect(pool.jwksUri).toBe(`${REGIONAL}/.well-known/jwks.json`);
  });

  it('are the AUTHORITY alone when it is set, keys from it', async () => {
    const pool = await poolFrom({
      AWS_COGNITO_AUTHORITY: 'http://127.0.0.1:9229/local_x/',
    });
    expect(pool.issuers).toEqual(['http://127.0.0.1:9229/local_x']);
    expect(pool.jwksUri).toBe(
      'http://127.0.0.1:9229/local_x/.well-known/jwks.json',
    );
  });

  it('are <endpoint>/<poolId> alone with an endpoint (an emulator run elsewhere)', async () => {
    const pool = await poolFrom({
      AWS_COGNITO_ENDPOINT: 'http://127.0.0.1:9229/',
    });
    expect(pool.issuers).toEqual([`http://127.0.0.1:9229/${POOL}`]);
  });

  it('are the AWS issuers with an https endpoint (a FIPS or VPC endpoint of real Cognito, not an emulator)', async () => {
    const pool = await poolFrom({
      AWS_COGNITO_ENDPOINT: 'https://cognito-idp-fips.us-east-1.amazonaws.com',
    });
    expect(pool.issuers).toEqual([REGIONAL, GLOBAL]);
    expect(pool.jwksUri).toBe(`${REGIONAL}/.well-known/jwks.json`);
  });

  it('take their keys from AWS_COGNITO_JWKS_URI when it is set', async () => {
    const pool = await poolFrom({
      AWS_COGNITO_JWKS_URI: 'https://keys.example.com/jwks.json',
    });
    expect(pool.jwksUri).toBe('https://keys.example.com/jwks.json');
    expect(pool.issuers).toEqual([REGIONAL, GLOBAL]);
  });
});

describe('isAcceptedIssuer', () => {
  let pool: CognitoPool;

  beforeAll(async () => {
    pool = await poolFrom({ AWS_COGNITO_ADDITIONAL_REGIONS: 'eu-west-1' });
  });

  it.each([
    ['the regional issuer', REGIONAL],
    ['the global issuer', GLOBAL],
    ['the regional issuer of a replica region', REPLICA],
  ])('accepts %s', (_name, iss) => {
    expect(isAcceptedIssuer(pool, iss)).toBe(true);
  });

  it.each([
    ['http', REGIONAL.replace('https:', 'http:')],
    ['a trailing slash', `${REGIONAL}/`],
    ['a trailing dot on the host', REGIONAL.replace('.com/', '.com./')],
    ['another pool', REGIONAL.replace(POOL, 'us-east-1_Other999')],
    ['the pool id in lower case', REGIONAL.replace(POOL, POOL.toLowerCase())],
    ['the host in upper case', REGIONAL.replace('cognito-idp', 'COGNITO-IDP')],
    ['HTTPS in upper case', REGIONAL.replace('https', 'HTTPS')],
    ['a region not listed', REGIONAL.replace('us-east-1.', 'us-west-2.')],
    [
      'the global issuer of a replica region',
      GLOBAL.replace('us-east-1.', 'eu-west-1.'),
    ],
    [
      'a look-alike host (suffix)',
      `https://cognito-idp.us-east-1.amazonaws.com.evil.com/${POOL}`,
    ],
    [
      'a look-alike host (prefix)',
      `https://xcognito-idp.us-east-1.amazonaws.com/${POOL}`,
    ],
    [
      'user info before the host',
      `https://cognito-idp.us-east-1.amazonaws.com@evil.com/${POOL}`,
    ],
    ['a port', REGIONAL.replace('.com/', '.com:443/')],
    ['a path after the pool', `${REGIONAL}/extra`],
    ['a query', `${REGIONAL}?x=1`],
    ['surrounding spaces', ` ${REGIONAL} `],
    ['an empty string', ''],
    ['an array holding the issuer', [REGIONAL]],
    ['no iss', undefined],
  ])('refuses %s', (_name, iss) => {
    expect(isAcceptedIssuer(pool, iss)).toBe(false);
  });
});

describe('isLoopbackHttpIssuer (an emulator on this machine)', () => {
  it.each([
    'http://127.0.0.1:9229/local_x',
    'http://127.0.0.2/local_x',
    'http://localhost:9229/local_x',
    'http://[::1]:9229/local_x',
  ])('is true for %s', (issuer) => {
    expect(isLoopbackHttpIssuer(issuer)).toBe(true);
  });

  it.each([
    REGIONAL,
    'https://127.0.0.1:9229/local_x',
    'http://10.0.0.5:9229/local_x',
    'http://localhost.evil.com/local_x',
    'http://127.0.0.1.evil.com/local_x',
    'http://0.0.0.0:9229/local_x',
    'not a url',
  ])('is false for %s', (issuer) => {
    expect(isLoopbackHttpIssuer(issuer)).toBe(false);
  });
});
