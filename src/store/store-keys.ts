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

/**
 * A session's keys (see SharedStore.sessionStateNow) in stored form, made
 * once: the guard asks about the same session on every request of a token.
 */
export interface StoredSession {
  readonly keys: readonly string[];
  readonly userKey: string;
}

export function storedSession(
  keys: readonly string[],
  userKey: string,
): StoredSession {
  return { keys: keys.map(storedKey), userKey: storedKey(userKey) };
}

/** The id of a session record: the stored form of the session's key. */
export function sessionIdOf(key: string): string {
  return storedKey(key);
}

/** Whether a string has the form of a stored key (43 characters of base64url). */
export function isStoredKey(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
