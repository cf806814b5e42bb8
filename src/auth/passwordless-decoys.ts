import { createHmac, randomBytes } from 'node:crypto';
import type { WebAuthnJson } from '../cognito/passwordless.gateway.js';

/** A first step of a passwordless sign-in, as the API answers it. */
export type PasswordlessStart =
  | { challenge: 'WEB_AUTHN'; session: string; options: WebAuthnJson }
  | {
      challenge: 'EMAIL_OTP';
      session: string;
      codeDeliveryDestination: string;
    };

/**
 * What a real answer looked like when none has been seen yet: the embedded
 * emulator's (its relying party is `localhost`, its ceremonies last 3
 * minutes, its sessions are `ua.` and 48 random bytes).
 */
const EMBEDDED_OPTIONS: WebAuthnJson = {
  rpId: 'localhost',
  challenge: 'A'.repeat(43),
  allowCredentials: [
    { id: 'A'.repeat(22), type: 'public-key', transports: ['internal'] },
  ],
  timeout: 180_000,
  userVerification: 'required',
};
const EMBEDDED_SESSION = `ua.${'A'.repeat(64)}`;

/**
 * Decoy first steps for an email that cannot take the asked factor (no
 * account, no passkey, not confirmed): the answer has the status, keys and
 * `challenge` of a real one, so it does not tell which accounts exist. The
 * decoy options copy the last real options this instance saw (relying
 * party, timeout, user verification, key order) with a random challenge
 * and one credential id derived from the email (the same id each time, as
 * a real user's); the decoy session has the shape of the last real one.
 * Cognito issued no such session, so any answer to it is refused like a
 * wrong code (401 INVALID_CREDENTIALS).
 */
export class PasswordlessDecoys {
  /** Per process: a decoy credential id cannot be recomputed elsewhere. */
  private readonly key = randomBytes(32);
  private options: WebAuthnJson;
  private session: string;

  constructor(embedded: boolean) {
    this.options = EMBEDDED_OPTIONS;
    this.session = embedded
      ? EMBEDDED_SESSION
      : randomBytes(48).toString('base64url');
  }

  /** Keeps the shape of a real answer, for the decoys to follow. */
  learn(start: PasswordlessStart): void {
    this.session = lookAlike(start.session);
    if (start.challenge === 'WEB_AUTHN') this.options = start.options;
  }

  decoy(
    email: string,
    method: PasswordlessStart['challenge'],
  ): PasswordlessStart {
    const session = lookAlike(this.session);
    return method === 'WEB_AUTHN'
      ? { challenge: method, session, options: this.decoyOptions(email) }
      : {
          challenge: method,
          session,
          codeDeliveryDestination: maskEmail(email),
        };
  }

  private decoyOptions(email: string): WebAuthnJson {
    const decoy: WebAuthnJson = {};
    for (const [key, value] of Object.entries(this.options)) {
      if (key === 'challenge') {
        decoy[key] = randomLike(String(value));
      } else if (key === 'allowCredentials' && Array.isArray(value)) {
        decoy[key] =
          value.length === 0 ? [] : [this.decoyCredential(email, value[0])];
      } else {
        decoy[key] = value;
      }
    }
    return decoy;
  }

  /** One credential descriptor shaped as `real`, with an id stable per email. */
  private decoyCredential(email: string, real: unknown): WebAuthnJson {
    const descriptor: WebAuthnJson =
      typeof real === 'object' && real !== null
        ? { ...(real as WebAuthnJson) }
        : { type: 'public-key' };
    const realId = typeof descriptor.id === 'string' ? descriptor.id : '';
    const length = Buffer.from(realId, 'base64url').length;
    descriptor.id = createHmac('sha256', this.key)
      .update(email)
      .digest()
      .subarray(0, Math.min(Math.max(length, 16), 32))
      .toString('base64url');
    return descriptor;
  }
}

/** The emulator's and Cognito's masking of an address: a***@e***. */
export function maskEmail(email: string): string {
  const [name = '', domain = ''] = email.split('@');
  return `${name.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

/** Random base64url text as long as `text`. */
function randomLike(text: string): string {
  return randomBytes(Math.ceil((text.length * 3) / 4) + 1)
    .toString('base64url')
    .slice(0, text.length);
}

/** A session of the same shape: its short prefix kept (e.g. `ua.`), the rest random. */
function lookAlike(session: string): string {
  const dot = session.indexOf('.');
  const prefix = dot >= 0 && dot < 8 ? session.slice(0, dot + 1) : '';
  return prefix + randomLike(session.slice(prefix.length));
}
