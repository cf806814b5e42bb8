import { sha256 } from '../common/crypto/sha256.js';

/**
 * The stored form of a caller's key: SHA-256, base64url (43 characters), so
 * that every entry has the same size and no key can carry a separator, a
 * glob or an email in clear into Redis or a log.
 */
export function storedKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError('A store key must be a non-empty string');
  }
  return sha256(key);
}

/** Length of every stored key. */
export const STORED_KEY_LENGTH = 43;
