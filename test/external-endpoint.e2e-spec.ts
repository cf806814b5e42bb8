import { useApp } from './support/app.js';
import { useExternalEmulator } from './support/external-emulator.js';
import { expectError } from './support/http.js';
import { PASSWORD, confirmedUser, login, newEmail } from './support/users.js';

/**
 * The app configured with AWS_COGNITO_* settings (not embedded), pointed at a
 * Cognito-compatible endpoint run elsewhere: here a cognito-local this test
 * starts itself.
 */
describe('with AWS_COGNITO_* settings (a Cognito endpoint run elsewhere)', () => {
  const external = useExternalEmulator();
  const app = useApp(() => external.awsEnv());

  it('runs in aws mode with the configured pool, and derives the issuer from the endpoint', () => {
    const { pool } = external;
    expect(app.server.connection).toMatchObject({
      mode: 'aws',
      userPoolId: pool.userPoolId,
      clientId: pool.clientId,
      issuer: `${pool.endpoint}/${pool.userPoolId}`,
      jwksUri: `${pool.endpoint}/${pool.userPoolId}/.well-known/jwks.json`,
    });
  });

  it('hides the dev outbox: 404 NOT_FOUND', async () => {
    expectError(await app.http.get('/api/v1/dev/outbox'), 404, 'NOT_FOUND');
  });

  it('registers, confirms, logs in and serves the guarded route through the configured endpoint', async () => {
    const email = await confirmedUser(app.http, newEmail('ext'), PASSWORD, {
      name: 'Misty',
      codeOf: (address) => external.codeFor(address),
    });
    const tokens = await login(app.http, email);
    expect(
      (await app.http.get('/api/v1/pokemons/1', tokens.accessToken)).status,
    ).toBe(200);
  });

  it('answers /health 200 while the JWKS answers', async () => {
    const answer = await app.http.get('/health');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'ok',
      info: { jwks: { status: 'up' } },
    });
  });
});
