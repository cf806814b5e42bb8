import type { SignInResult } from './cognito.types.js';

/** The passwordless first factors of Cognito's choice-based sign-in. */
export type PasswordlessMethod = 'WEB_AUTHN' | 'EMAIL_OTP';

/** A WebAuthn Level 3 JSON document (options, or a credential's toJSON()), passed through as is. */
export type WebAuthnJson = Record<string, unknown>;

/** What a step of a passwordless sign-in gives. */
export type PasswordlessStep =
  /** Tokens, or a challenge of the password world (SOFTWARE_TOKEN_MFA after an email code). */
  | SignInResult
  | {
      kind: 'webAuthn';
      session: string;
      /** The internal username Cognito named. */
      username?: string;
      /** PublicKeyCredentialRequestOptionsJSON, for `parseRequestOptionsFromJSON`. */
      options: WebAuthnJson;
    }
  | {
      kind: 'emailOtp';
      session: string;
      username?: string;
      /** Where the code went, masked (e.g. a***@e***). */
      codeDeliveryDestination?: string;
    }
  | {
      /** Cognito let the user choose: the asked factor is not one the user has. */
      kind: 'select';
      session: string;
      username?: string;
      /** e.g. PASSWORD, EMAIL_OTP, WEB_AUTHN. */
      available: string[];
    };

/** The answer to a WEB_AUTHN or EMAIL_OTP challenge. */
export type PasswordlessAnswer =
  | { challenge: 'WEB_AUTHN'; credential: WebAuthnJson }
  | { challenge: 'EMAIL_OTP'; code: string };

/** A passkey of the user, as ListWebAuthnCredentials describes it. */
export interface Passkey {
  /** Cognito's CredentialId. */
  id: string;
  /** Cognito's FriendlyCredentialName. */
  name: string;
  /** ISO 8601. */
  createdAt: string;
  relyingPartyId: string;
  authenticatorAttachment?: string;
  transports: string[];
}

export interface PasskeyPage {
  items: Passkey[];
  /** Where the next page starts; none after the last. */
  nextToken?: string;
}

/** GetUserAuthFactors: how the user can sign in, and their second factors. */
export interface AuthFactors {
  username: string;
  /** e.g. PASSWORD, EMAIL_OTP, WEB_AUTHN. */
  factors: string[];
  preferredMfa?: string;
  mfaMethods: string[];
}
