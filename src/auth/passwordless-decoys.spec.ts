import { PasswordlessDecoys, maskEmail } from './passwordless-decoys.js';

const REAL_OPTIONS = {
  rpId: 'app.example.com',
  challenge: 'c'.repeat(43),
  allowCredentials: [
    {
      id: 'i'.repeat(43),
      type: 'public-key',
      transports: ['internal', 'hybrid'],
    },
  ],
  timeout: 300_000,
  userVerification: 'required',
};
const REAL_SESSION = `AYABe${'s'.repeat(900)}`;

describe('PasswordlessDecoys', () => {
  it('copies the last real options it saw: keys in order, relying party, timeout and user verification; a fresh challenge', () => {
    const decoys = new PasswordlessDecoys(false);
    decoys.learn({
      challenge: 'WEB_AUTHN',
      session: REAL_SESSION,
      options: REAL_OPTIONS,
    });
    const decoy = decoys.decoy('nobody@example.com', 'WEB_AUTHN');
    if (decoy.challenge !== 'WEB_AUTHN') throw new Error(decoy.challenge);
    expect(Object.keys(decoy)).toEqual(['challenge', 'session', 'options']);
    expect(Object.keys(decoy.options)).toEqual(Object.keys(REAL_OPTIONS));
    expect(decoy.options).toMatchObject({
      rpId: 'app.example.com',
      timeout: 300_000,
      userVerification: 'required',
      allowCredentials: [
        {
          id: expect.stringMatching(/^[\w-]{43}$/),
          type: 'public-key',
          transports: ['internal', 'hybrid'],
        },
      ],
    });
    expect(decoy.options.challenge).toMatch(/^[\w-]{43}$/);
    expect(decoy.options.challenge).not.toBe(REAL_OPTIONS.challenge);
    expect(decoy.session).toHaveLength(REAL_SESSION.length);
    expect(decoy.session).not.toBe(REAL_SESSION);
  });

  it('gives an email the same credential id each time, another email another, and a new challenge and session each time', () => {
    const decoys = new PasswordlessDecoys(true);
    const first = decoys.decoy('a@example.com', 'WEB_AUTHN');
    const again = decoys.decoy('a@example.com', 'WEB_AUTHN');
    const other = decoys.decoy('b@example.com', 'WEB_AUTHN');
    if (
      first.challenge !== 'WEB_AUTHN' ||
      again.challenge !== 'WEB_AUTHN' ||
      other.challenge !== 'WEB_AUTHN'
    ) {
      throw new Error('not WEB_AUTHN');
    }
    expect(again.options.allowCredentials).toEqual(
      first.options.allowCredentials,
    );
    expect(other.options.allowCredentials).not.toEqual(
      first.options.allowCredentials,
    );
    expect(again.options.challenge).not.toBe(first.options.challenge);
    expect(again.session).not.toBe(first.session);
  });

  it("answers the embedded emulator's shape before any real answer: relying party localhost, sessions ua. and 64 characters", () => {
    const decoy = new PasswordlessDecoys(true).decoy(
      'nobody@example.com',
      'WEB_AUTHN',
    );
    if (decoy.challenge !== 'WEB_AUTHN') throw new Error(decoy.challenge);
    expect(decoy.session).toMatch(/^ua\.[\w-]{64}$/);
    expect(decoy.options).toMatchObject({
      rpId: 'localhost',
      timeout: 180_000,
      userVerification: 'required',
    });
  });

  it('answers EMAIL_OTP with the masked address, as Cognito masks it', () => {
    const decoy = new PasswordlessDecoys(true).decoy(
      'misty@example.com',
      'EMAIL_OTP',
    );
    expect(decoy).toEqual({
      challenge: 'EMAIL_OTP',
      session: expect.stringMatching(/^ua\./),
      codeDeliveryDestination: 'm***@e***',
    });
    expect(maskEmail('brock@pewter.example')).toBe('b***@p***');
  });
});
