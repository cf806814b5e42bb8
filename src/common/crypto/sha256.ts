import * as crypto from 'node:crypto';

type OneShot = (
  algorithm: string,
  data: string,
  encoding: 'base64url',
) => string;

/** crypto.hash, Node 20.12 and later (one call, about twice as fast for short input). */
const oneShot = (crypto as { hash?: OneShot }).hash;

/** SHA-256 of a string's UTF-8 bytes, base64url (43 characters). */
export const sha256 = oneShot
  ? (text: string): string => oneShot('sha256', text, 'base64url')
  : (text: string): string =>
      crypto.createHash('sha256').update(text).digest('base64url');
