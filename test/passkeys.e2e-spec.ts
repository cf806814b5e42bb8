import { useApp } from './support/app.js';
import { setDate } from './support/clock.js';
import { decodeJwt } from './support/forge.js';
import { expectError, type Answer } from './support/http.js';
import { SoftwareAuthenticator } from './support/software-authenticator.js';
import {
  confirmedUser,
  login,
  newEmail,
  type Tokens,
} from './support/users.js';

/**
 * The passkey routes (README, "Passkeys and email codes") over HTTP against
 * the embedded emulator, whose relying party is `localhost`; a software
 * authenticator answers the options as a browser's `credential.toJSON()`
 * would.
 */
describe('passkeys: /auth/passkeys and sign-in with a passkey (embedded Cognito)', () => {
  const app = useApp();
  const LIMIT_SECONDS = 300;

  afterEach(() => {
    vi.useRealTimers();
  });

  function call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ): Promise<Answer> {
    return app.http.raw(
      method,
      `/api/v1/auth${path}`,
      body === undefined ? undefined : JSON.stringify(body),
      {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    );
  }

  async function signedIn(
    tag: string,
  ): Promise<{ email: string; tokens: Tokens }> {
    const email = await confirmedUser(app.http, newEmail(tag));
    return { email, tokens: await login(app.http, email) };
  }

  /** Adds a passkey through the routes; answers the 201's body. */
  async function addPasskey(
    accessToken: string,
    authenticator: SoftwareAuthenticator,
  ): Promise<Record<string, unknown>> {
    const options = await call('POST', '/passkeys/options', accessToken);
    expect(options.status).toBe(200);
    const added = await call('POST', '/passkeys', accessToken, {
      credential: authenticator.register(options.body.options),
    });
    expect(added.status).toBe(201);
    return added.body;
  }

  async function passkeyChallenge(
    email: string,
  ): Promise<{ session: string; options: Record<string, any> }> {
    const started = await app.http.post('/api/v1/auth/login/passwordless', {
      email,
      method: 'WEB_AUTHN',
    });
    expect(started.status).toBe(200);
    expect(started.body.challenge).toBe('WEB_AUTHN');
    return started.body;
  }

  function answerPasskey(
    email: string,
    session: string,
    credential: unknown,
  ): Promise<Answer> {
    return app.http.post('/api/v1/auth/challenge', {
      email,
      challenge: 'WEB_AUTHN',
      session,
      credential,
    });
  }

  const pastTheLimit = (token: string): void =>
    setDate(
      ((decodeJwt(token).payload.auth_time as number) + LIMIT_SECONDS + 1) *
        1000,
    );

  it('answers POST /passkeys/options with the creation options for parseCreationOptionsFromJSON', async () => {
    const { email, tokens } = await signedIn('pkopts');
    const answer = await call('POST', '/passkeys/options', tokens.accessToken);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body)).toEqual(['options']);
    expect(answer.body.options).toMatchObject({
      challenge: expect.stringMatching(/^[\w-]{20,}$/),
      rp: { id: 'localhost', name: expect.any(String) },
      user: { id: expect.any(String), name: email },
      pubKeyCredParams: expect.arrayContaining([
        { type: 'public-key', alg: -7 },
      ]),
      excludeCredentials: [],
      authenticatorSelection: {
        residentKey: 'required',
        userVerification: 'required',
      },
    });
  });

  it('registers a passkey (201 names it), lists it, signs in with it, shows it in /me factors, and deletes it', async () => {
    const { email, tokens } = await signedIn('pkflow');
    const authenticator = new SoftwareAuthenticator();
    const added = await addPasskey(tokens.accessToken, authenticator);
    expect(added).toEqual({
      id: authenticator.credentialId,
      name: expect.any(String),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      authenticatorAttachment: 'platform',
    });
    const listed = await call('GET', '/passkeys', tokens.accessToken);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ items: [added] });

    const me = await app.http.get('/api/v1/auth/me', tokens.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.factors).toEqual(expect.arrayContaining(['WEB_AUTHN']));

    const { session, options } = await passkeyChallenge(email);
    expect(options.allowCredentials).toEqual([
      expect.objectContaining({ id: authenticator.credentialId }),
    ]);
    const signedInWithPasskey = await answerPasskey(
      email,
      session,
      authenticator.authenticate(options),
    );
    expect(signedInWithPasskey.status).toBe(200);
    expect(Object.keys(signedInWithPasskey.body).sort()).toEqual([
      'accessToken',
      'expiresIn',
      'idToken',
      'refreshToken',
      'tokenType',
      'username',
    ]);
    const fresh = signedInWithPasskey.body.accessToken as string;
    expect((await app.http.get('/api/v1/auth/me', fresh)).body.email).toBe(
      email,
    );

    const removed = await call(
      'DELETE',
      `/passkeys/${authenticator.credentialId}`,
      fresh,
    );
    expect(removed.status).toBe(204);
    expect((await call('GET', '/passkeys', fresh)).body).toEqual({
      items: [],
    });
    // Gone: the sign-in still answers alike, and the assertion is refused.
    const after = await passkeyChallenge(email);
    expectError(
      await answerPasskey(
        email,
        after.session,
        authenticator.authenticate(after.options),
      ),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it('refuses a tampered assertion and a replayed one: 401 INVALID_CREDENTIALS', async () => {
    const { email, tokens } = await signedIn('pktamper');
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(tokens.accessToken, authenticator);

    const first = await passkeyChallenge(email);
    const assertion = authenticator.authenticate(first.options);
    const tampered = {
      ...assertion,
      response: {
        ...assertion.response,
        signature: Buffer.from('not the signature').toString('base64url'),
      },
    };
    expectError(
      await answerPasskey(email, first.session, tampered),
      401,
      'INVALID_CREDENTIALS',
    );

    const second = await passkeyChallenge(email);
    const good = authenticator.authenticate(second.options);
    expect((await answerPasskey(email, second.session, good)).status).toBe(200);
    // The same session and assertion again: the session is spent.
    expectError(
      await answerPasskey(email, second.session, good),
      401,
      'INVALID_CREDENTIALS',
    );
    // The same assertion on a new session: its challenge is another.
    const third = await passkeyChallenge(email);
    expectError(
      await answerPasskey(email, third.session, good),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  it("answers 404 NOT_FOUND for another user's passkey id, an unknown id and an id that is no credential id; the owner keeps it", async () => {
    const owner = await signedIn('pkowner');
    const authenticator = new SoftwareAuthenticator();
    await addPasskey(owner.tokens.accessToken, authenticator);
    const other = await signedIn('pkother');
    for (const id of [
      authenticator.credentialId,
      new SoftwareAuthenticator().credentialId,
      'not!an*id',
    ]) {
      expectError(
        await call(
          'DELETE',
          `/passkeys/${encodeURIComponent(id)}`,
          other.tokens.accessToken,
        ),
        404,
        'NOT_FOUND',
      );
    }
    const listed = await call('GET', '/passkeys', owner.tokens.accessToken);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: authenticator.credentialId }),
    ]);
  });

  it('refuses options, registration and deletion with a stale sign-in: 403 REAUTHENTICATION_REQUIRED, nothing changes', async () => {
    const { tokens } = await signedIn('pkstale');
    const kept = new SoftwareAuthenticator();
    await addPasskey(tokens.accessToken, kept);
    const options = await call('POST', '/passkeys/options', tokens.accessToken);
    expect(options.status).toBe(200);
    const credential = new SoftwareAuthenticator().register(
      options.body.options,
    );

    pastTheLimit(tokens.accessToken);
    expectError(
      await call('POST', '/passkeys/options', tokens.accessToken),
      403,
      'REAUTHENTICATION_REQUIRED',
    );
    expectError(
      await call('POST', '/passkeys', tokens.accessToken, { credential }),
      403,
      'REAUTHENTICATION_REQUIRED',
    );
    expectError(
      await call(
        'DELETE',
        `/passkeys/${kept.credentialId}`,
        tokens.accessToken,
      ),
      403,
      'REAUTHENTICATION_REQUIRED',
    );
    // Listing needs no recent sign-in; nothing was added or removed.
    const listed = await call('GET', '/passkeys', tokens.accessToken);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: kept.credentialId }),
    ]);
  });

  it('refuses a credential that is not a RegistrationResponseJSON: 400 VALIDATION_FAILED', async () => {
    const { tokens } = await signedIn('pkbad');
    const options = await call('POST', '/passkeys/options', tokens.accessToken);
    const credential = new SoftwareAuthenticator().register(
      options.body.options,
    );
    for (const bad of [
      'a string',
      [credential],
      { ...credential, type: 'password' },
      { ...credential, response: { clientDataJSON: 'abc' } },
      { ...credential, padding: 'x'.repeat(17_000) },
    ]) {
      const answer = await call('POST', '/passkeys', tokens.accessToken, {
        credential: bad,
      });
      expectError(answer, 400, 'VALIDATION_FAILED');
    }
    expectError(
      await call('POST', '/passkeys', tokens.accessToken, {}),
      400,
      'VALIDATION_FAILED',
    );
    expect(
      (await call('GET', '/passkeys', tokens.accessToken)).body.items,
    ).toEqual([]);
  });

  it('refuses the ID token on the passkey routes: 401', async () => {
    const { tokens } = await signedIn('pkid');
    expectError(
      await call('GET', '/passkeys', tokens.idToken),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await call('POST', '/passkeys/options', tokens.idToken),
      401,
      'UNAUTHORIZED',
    );
  });

  it('lists the factors of a user without a passkey in GET /me, and none with the ID token', async () => {
    const { tokens } = await signedIn('pkfactors');
    const me = await app.http.get('/api/v1/auth/me', tokens.accessToken);
    expect(me.status).toBe(200);
    expect(me.body.factors).toEqual(['PASSWORD', 'EMAIL_OTP']);
    const byId = await app.http.get('/api/v1/auth/me', tokens.idToken);
    expect(byId.status).toBe(200);
    expect(byId.body).not.toHaveProperty('factors');
  });
});
