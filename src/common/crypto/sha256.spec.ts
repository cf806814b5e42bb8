import { createHash } from 'node:crypto';
import { sha256 } from './sha256.js';

describe('sha256', () => {
  it.each([['a'], ['é, 😀 and \u0000'], ['x'.repeat(5000)]])(
    'is the base64url SHA-256 of the UTF-8 bytes of %#',
    (text) => {
      expect(sha256(text)).toBe(
        createHash('sha256')
          .update(Buffer.from(text, 'utf8'))
          .digest('base64url'),
      );
      expect(sha256(text)).toHaveLength(43);
    },
  );

  it('answers the published digest of "abc"', () => {
    // FIPS 180-2, appendix B.1: ba7816bf 8f01cfea 414140de 5dae2223 ...
    expect(Buffer.from(sha256('abc'), 'base64url').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
