import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from './support/app.js';

describe('configuration at boot', () => {
  it('stops with one sentence naming the variable when a value is wrong', async () => {
    await expect(
      startApp({
        AWS_COGNITO_USER_POOL_ID: 'not a pool',
        AWS_COGNITO_CLIENT_ID: 'abc',
      }),
    ).rejects.toThrow(
      'Invalid configuration: AWS_COGNITO_USER_POOL_ID must look like <region>_<id>, e.g. us-east-1_AbCdEf123.',
    );
  });

  it('refuses the embedded emulator in production', async () => {
    await expect(startApp({ NODE_ENV: 'production' })).rejects.toThrow(
      /AWS_COGNITO_USER_POOL_ID is required when NODE_ENV=production: the embedded Cognito emulator signs tokens with a published key/,
    );
  });

  it('refuses an issuer that is not https in production', async () => {
    await expect(
      startApp({
        NODE_ENV: 'production',
        AWS_COGNITO_USER_POOL_ID: 'us-east-1_AbCdEf123',
        AWS_COGNITO_CLIENT_ID: 'abc123',
        AWS_COGNITO_AUTHORITY: 'http://cognito.example/us-east-1_AbCdEf123',
      }),
    ).rejects.toThrow(
      'AWS_COGNITO_AUTHORITY must be an https URL when NODE_ENV=production.',
    );
  });

  describe('outside tests', () => {
    const cwd = process.cwd();
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'dotenv-'));
      await writeFile(join(dir, '.env'), 'AWS_COGNITO_AUTH_FLOW=MAGIC_AUTH\n');
      process.chdir(dir);
    });

    afterAll(async () => {
      process.chdir(cwd);
      await rm(dir, { recursive: true, force: true });
    });

    it('reads the .env file of the working directory (and validates it)', async () => {
      await expect(startApp({ NODE_ENV: 'development' })).rejects.toThrow(
        'AWS_COGNITO_AUTH_FLOW must be one of USER_PASSWORD_AUTH, USER_SRP_AUTH.',
      );
    });
  });
});
