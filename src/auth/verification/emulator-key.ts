import { createHash, type KeyObject } from 'node:crypto';

/**
 * SHA-256 (hex) of the RSA modulus of cognito-local's signing key, whose
 * private half is published in its package: the big-endian bytes of `n` in
 * node_modules/cognito-local/lib/keys/cognitoLocal.public.json (cognito-local
 * 5.3.0, kid `CognitoLocal`). Hard-coded so that a production install, which
 * has no cognito-local, still knows the key. Anyone can sign with it.
 */
export const EMULATOR_KEY_MODULUS_SHA256 =
  'c7136d7ffb62dffefcea2a9334ba1c0dec551884515aa204361e1953606fe3c6';

/** SHA-256 (hex) of an RSA public key's modulus; undefined for other keys. */
export function modulusFingerprint(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType !== 'rsa') return undefined;
  const { n } = key.export({ format: 'jwk' });
  if (typeof n !== 'string') return undefined;
  return createHash('sha256').update(Buffer.from(n, 'base64url')).digest('hex');
}

/** Whether this is cognito-local's published key, under whatever kid. */
export function isEmulatorKey(key: KeyObject): boolean {
  return modulusFingerprint(key) === EMULATOR_KEY_MODULUS_SHA256;
}
