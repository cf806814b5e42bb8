import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Token forging for the e2e specs. cognito-local signs every token with a
 * key PUBLISHED in its package (lib/keys/cognitoLocal.private.json, a JSON
 * file holding the key both as a JWK and as a PKCS#1 PEM), kid
 * `CognitoLocal`: with it a test can mint any token the embedded emulator
 * could have issued, and variants of it.
 */

export const EMULATOR_KID = 'CognitoLocal';

const require = createRequire(import.meta.url);

interface KeyFile {
  jwk: Record<string, string>;
  pem: string;
}

function keyFile(name: 'private' | 'public'): KeyFile {
  const path = require.resolve(
    `cognito-local/lib/keys/cognitoLocal.${name}.json`,
  );
  return JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
}

const privateFile = keyFile('private');
const publicFile = keyFile('public');

/** The emulator's signing key. */
export const emulatorPrivateKey: KeyObject = createPrivateKey({
  key: privateFile.jwk,
  format: 'jwk',
});

/** The public half, in the forms an attacker would pick up from the JWKS. */
export const emulatorPublicKey = {
  /** SPKI PEM ("BEGIN PUBLIC KEY"), what jwks-rsa hands out. */
  pem: createPublicKey(emulatorPrivateKey)
    .export({ type: 'spki', format: 'pem' })
    .toString(),
  /** PKCS#1 PEM, as published in the package. */
  pkcs1Pem: publicFile.pem,
  /** The JWK as served by the JWKS endpoint, serialised. */
  jwkJson: JSON.stringify(publicFile.jwk),
};

/** A fresh RSA key nobody trusts. */
export function strangerKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

export function b64url(value: string | Buffer | object): string {
  const bytes =
    typeof value === 'string' || Buffer.isBuffer(value)
      ? Buffer.from(value)
      : Buffer.from(JSON.stringify(value));
  return bytes.toString('base64url');
}

export function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** The header and payload of a compact JWT (no verification). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token.split('.');
  return { header: decodePart(header), payload: decodePart(payload) };
}

export type Signer =
  | { alg: 'RS256' | 'RS384' | 'RS512'; key?: KeyObject }
  | { alg: 'HS256'; secret: string | Buffer }
  | { alg: 'none' };

/**
 * Signs `header` + `payload` as a compact JWT. The header is used as given
 * (its `alg` is NOT derived from the signer, so the two can disagree on
 * purpose). RS* default to the emulator's published key.
 */
export function forge(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  signer: Signer = { alg: 'RS256' },
): string {
  const input = `${b64url(header)}.${typeof payload === 'string' ? b64url(payload) : b64url(payload)}`;
  return `${input}.${signature(input, signer)}`;
}

function signature(input: string, signer: Signer): string {
  const data = Buffer.from(input);
  switch (signer.alg) {
    case 'none':
      return '';
    case 'HS256':
      return createHmac('sha256', signer.secret)
        .update(data)
        .digest('base64url');
    case 'RS256':
    case 'RS384':
    case 'RS512': {
      const hash = `sha${signer.alg.slice(2)}`;
      return sign(hash, data, signer.key ?? emulatorPrivateKey).toString(
        'base64url',
      );
    }
  }
}

/** The header cognito-local puts on access and ID tokens. */
export function rs256Header(
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { alg: 'RS256', typ: 'JWT', kid: EMULATOR_KID, ...extra };
}
