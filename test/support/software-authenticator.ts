import {
  createHash,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { encodeCBOR, type CBORType } from '@levischuck/tiny-cbor';

/**
 * A passkey authenticator in software, for specs where no browser is
 * needed: an ES256 key pair of node:crypto, attestation "none" (CBOR by
 * tiny-cbor, the encoder @simplewebauthn/server itself uses), assertions signed with a sign counter and the user-verified
 * flag. It answers a relying party's WebAuthn Level 3 JSON options with
 * the JSON a browser's `credential.toJSON()` gives, and can be told to
 * lie (another origin or relying party id, no user verification, a
 * counter of its choosing) to show that the server refuses it.
 */

/** CBOR as WebAuthn wants it: plain maps (integer keys for COSE), untagged byte strings. */
const cbor = {
  encode: (value: Map<string | number, unknown>): Uint8Array =>
    encodeCBOR(value as CBORType),
};

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface CeremonyOptions {
  /** The page's origin; default http://localhost:3000. */
  origin?: string;
  /** The relying party id hashed into authenticatorData; default the options' rp id. */
  rpId?: string;
  /** Whether the user was verified (biometrics, PIN); default true. */
  userVerified?: boolean;
}

type Json = Record<string, any>;

export class SoftwareAuthenticator {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly credentialId = randomBytes(16).toString('base64url');
  /** The sign counter the next assertion carries (then it grows by one). */
  counter = 1;
  private userHandle = '';

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  /** Answers PublicKeyCredentialCreationOptionsJSON with a RegistrationResponseJSON. */
  register(options: Json, ceremony: CeremonyOptions = {}): Json {
    const rpId = ceremony.rpId ?? options.rp?.id ?? 'localhost';
    this.userHandle = String(options.user?.id ?? '');
    const jwk = this.publicKey.export({ format: 'jwk' });
    const coseKey = new Map<number, unknown>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, new Uint8Array(Buffer.from(String(jwk.x), 'base64url'))],
      [-3, new Uint8Array(Buffer.from(String(jwk.y), 'base64url'))],
    ]);
    const id = Buffer.from(this.credentialId, 'base64url');
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(id.length);
    const authData = Buffer.concat([
      this.authenticatorData(rpId, AT, ceremony.userVerified, 0),
      Buffer.alloc(16), // AAGUID: none
      idLength,
      id,
      Buffer.from(cbor.encode(coseKey)),
    ]);
    const attestationObject = cbor.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: clientData(
          'webauthn.create',
          String(options.challenge),
          ceremony.origin,
        ),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['internal', 'hybrid'],
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: { credProps: { rk: true } },
    };
  }

  /** Answers PublicKeyCredentialRequestOptionsJSON with an AuthenticationResponseJSON. */
  authenticate(options: Json, ceremony: CeremonyOptions = {}): Json {
    const rpId = ceremony.rpId ?? String(options.rpId ?? 'localhost');
    const authenticatorData = this.authenticatorData(
      rpId,
      0,
      ceremony.userVerified,
      this.counter,
    );
    this.counter += 1;
    const clientDataJSON = clientData(
      'webauthn.get',
      String(options.challenge),
      ceremony.origin,
    );
    const signature = sign(
      'sha256',
      Buffer.concat([
        authenticatorData,
        createHash('sha256')
          .update(Buffer.from(clientDataJSON, 'base64url'))
          .digest(),
      ]),
      this.privateKey,
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: authenticatorData.toString('base64url'),
        signature: signature.toString('base64url'),
        userHandle: this.userHandle || undefined,
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }

  private authenticatorData(
    rpId: string,
    extraFlags: number,
    userVerified = true,
    counter: number,
  ): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([
      createHash('sha256').update(rpId).digest(),
      Buffer.from([UP | (userVerified ? UV : 0) | extraFlags]),
      count,
    ]);
  }
}

function clientData(
  type: string,
  challenge: string,
  origin = 'http://localhost:3000',
): string {
  return Buffer.from(
    JSON.stringify({ type, challenge, origin, crossOrigin: false }),
  ).toString('base64url');
}
