import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  EMULATOR_KEY_MODULUS_SHA256,
  isEmulatorKey,
  modulusFingerprint,
} from './emulator-key.js';

/** A key file of the cognito-local package (a development dependency). */
function keyFile(name: 'private' | 'public'): {
  jwk: Record<string, string>;
  pem: string;
} {
  const path = createRequire(import.meta.url).resolve(
    `cognito-local/lib/keys/cognitoLocal.${name}.json`,
  );
  return JSON.parse(readFileSync(path, 'utf8')) as {
    jwk: Record<string, string>;
    pem: string;
  };
}

describe("cognito-local's published key", () => {
  it('is the key the hard-coded fingerprint names, derived from the private key of the package', () => {
    const publicHalf = createPublicKey(
      createPrivateKey(keyFile('private').pem),
    );
    expect(modulusFingerprint(publicHalf)).toBe(EMULATOR_KEY_MODULUS_SHA256);
  });

  it('is recognised in each published form of the public key', () => {
    const file = keyFile('public');
    expect(
      isEmulatorKey(createPublicKey({ key: file.jwk, format: 'jwk' })),
    ).toBe(true);
    expect(isEmulatorKey(createPublicKey(file.pem))).toBe(true);
  });

  it('is not confused with another RSA key, nor with a key of another type', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(isEmulatorKey(rsa)).toBe(false);
    expect(modulusFingerprint(rsa)).toMatch(/^[0-9a-f]{64}$/);
    expect(isEmulatorKey(ec)).toBe(false);
    expect(modulusFingerprint(ec)).toBeUndefined();
  });
});
