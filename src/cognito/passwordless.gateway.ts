import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import * as sdk from '@aws-sdk/client-cognito-identity-provider';
import { cognitoConfig, type CognitoConfig } from '../config/cognito.config.js';
import { transportError } from './admin.client.js';
import { CognitoPool } from './cognito-pool.js';
import { GatewayFailures } from './gateway-failures.js';
import {
  PASSWORDLESS_ERRORS,
  type PasswordlessMethodName,
} from './passwordless.gateway-errors.js';
import { UserPoolClient } from './user-pool.client.js';
import { passkeyOf, stepOf } from './passwordless.replies.js';
import type {
  AuthFactors,
  Passkey,
  PasskeyPage,
  PasswordlessAnswer,
  PasswordlessMethod,
  PasswordlessStep,
  WebAuthnJson,
} from './passwordless.types.js';

// The gateway's types are in passwordless.types.ts; importers of this file
// may take them from here too.
export type {
  AuthFactors,
  Passkey,
  PasskeyPage,
  PasswordlessAnswer,
  PasswordlessMethod,
  PasswordlessStep,
  WebAuthnJson,
} from './passwordless.types.js';

/**
 * Cognito's choice-based sign-in (InitiateAuth USER_AUTH and its
 * challenges, with the app client) and the user's passkeys and sign-in
 * factors (with the user's access token), through the AWS SDK: these
 * operations are not in amazon-cognito-identity-js. SECRET_HASH goes with
 * every sign-in call when the app client has a secret. A failure rejects
 * with the ApiException the API answers (PASSWORDLESS_ERRORS, or 500 for
 * a fault of the app's configuration); options and credentials pass
 * through as Cognito's JSON documents.
 */
@Injectable()
export class PasswordlessGateway implements OnApplicationShutdown {
  private readonly client: sdk.CognitoIdentityProviderClient;
  private readonly failures: GatewayFailures<PasswordlessMethodName>;

  constructor(
    private readonly pool: CognitoPool,
    private readonly userPool: UserPoolClient,
    @Inject(cognitoConfig.KEY) config: CognitoConfig,
  ) {
    this.failures = new GatewayFailures(PASSWORDLESS_ERRORS, pool);
    // These operations are unsigned (the app client or the access token
    // authorises them): no AWS credentials are looked up.
    this.client = new sdk.CognitoIdentityProviderClient({
      region: pool.region,
      ...(pool.endpoint ? { endpoint: pool.endpoint } : {}),
      maxAttempts: 1,
      requestHandler: {
        requestTimeout: config.timeoutMs,
        connectionTimeout: config.timeoutMs,
      },
    });
  }

  /** InitiateAuth USER_AUTH with the method as PREFERRED_CHALLENGE. */
  async startSignIn(
    email: string,
    method: PasswordlessMethod,
  ): Promise<PasswordlessStep> {
    const reply = await this.call('startSignIn', 'InitiateAuth', () =>
      this.client.send(
        new sdk.InitiateAuthCommand({
          AuthFlow: 'USER_AUTH',
          ClientId: this.pool.clientId,
          AuthParameters: this.withSecretHash(email, {
            USERNAME: email,
            PREFERRED_CHALLENGE: method,
          }),
        }),
      ),
    );
    return stepOf(reply);
  }

  /** RespondToAuthChallenge SELECT_CHALLENGE: the factor chosen among those offered. */
  async selectChallenge(input: {
    email: string;
    session: string;
    method: PasswordlessMethod;
  }): Promise<PasswordlessStep> {
    const reply = await this.call(
      'selectChallenge',
      'RespondToAuthChallenge',
      () =>
        this.client.send(
          new sdk.RespondToAuthChallengeCommand({
            ClientId: this.pool.clientId,
            ChallengeName: 'SELECT_CHALLENGE',
            Session: input.session,
            ChallengeResponses: this.withSecretHash(input.email, {
              USERNAME: input.email,
              ANSWER: input.method,
            }),
          }),
        ),
    );
    return stepOf(reply);
  }

  /**
   * RespondToAuthChallenge WEB_AUTHN (the AuthenticationResponseJSON as
   * CREDENTIAL) or EMAIL_OTP (EMAIL_OTP_CODE): tokens, or the next
   * challenge (SOFTWARE_TOKEN_MFA, answered by CognitoGateway.respondToChallenge).
   */
  async answerChallenge(input: {
    email: string;
    session: string;
    answer: PasswordlessAnswer;
  }): Promise<PasswordlessStep> {
    const { answer } = input;
    const responses: Record<string, string> =
      answer.challenge === 'WEB_AUTHN'
        ? { CREDENTIAL: JSON.stringify(answer.credential) }
        : { EMAIL_OTP_CODE: answer.code };
    const reply = await this.call(
      'answerChallenge',
      'RespondToAuthChallenge',
      () =>
        this.client.send(
          new sdk.RespondToAuthChallengeCommand({
            ClientId: this.pool.clientId,
            ChallengeName: answer.challenge,
            Session: input.session,
            ChallengeResponses: this.withSecretHash(input.email, {
              USERNAME: input.email,
              ...responses,
            }),
          }),
        ),
    );
    return stepOf(reply);
  }

  /** StartWebAuthnRegistration: PublicKeyCredentialCreationOptionsJSON, for `parseCreationOptionsFromJSON`. */
  async startPasskeyRegistration(accessToken: string): Promise<WebAuthnJson> {
    const reply = await this.call(
      'startPasskeyRegistration',
      'StartWebAuthnRegistration',
      () =>
        this.client.send(
          new sdk.StartWebAuthnRegistrationCommand({
            AccessToken: accessToken,
          }),
        ),
    );
    return (reply.CredentialCreationOptions ?? {}) as WebAuthnJson;
  }

  /** CompleteWebAuthnRegistration with the RegistrationResponseJSON (`credential.toJSON()`); Cognito answers nothing. */
  async completePasskeyRegistration(
    accessToken: string,
    credential: WebAuthnJson,
  ): Promise<void> {
    await this.call(
      'completePasskeyRegistration',
      'CompleteWebAuthnRegistration',
      () =>
        this.client.send(
          new sdk.CompleteWebAuthnRegistrationCommand({
            AccessToken: accessToken,
            Credential:
              credential as sdk.CompleteWebAuthnRegistrationRequest['Credential'],
          }),
        ),
    );
  }

  /** ListWebAuthnCredentials, one page as Cognito pages it. */
  async listPasskeys(
    accessToken: string,
    page: { maxResults?: number; nextToken?: string } = {},
  ): Promise<PasskeyPage> {
    const reply = await this.call(
      'listPasskeys',
      'ListWebAuthnCredentials',
      () =>
        this.client.send(
          new sdk.ListWebAuthnCredentialsCommand({
            AccessToken: accessToken,
            MaxResults: page.maxResults,
            NextToken: page.nextToken,
          }),
        ),
    );
    return {
      items: (reply.Credentials ?? []).map(passkeyOf),
      ...(reply.NextToken ? { nextToken: reply.NextToken } : {}),
    };
  }

  /** Every passkey of the user (ListWebAuthnCredentials, every page). */
  async listAllPasskeys(accessToken: string): Promise<Passkey[]> {
    const items: Passkey[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.listPasskeys(accessToken, { nextToken });
      items.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    return items;
  }

  /** DeleteWebAuthnCredential; an unknown id rejects with 404 NOT_FOUND. */
  async deletePasskey(
    accessToken: string,
    credentialId: string,
  ): Promise<void> {
    await this.call('deletePasskey', 'DeleteWebAuthnCredential', () =>
      this.client.send(
        new sdk.DeleteWebAuthnCredentialCommand({
          AccessToken: accessToken,
          CredentialId: credentialId,
        }),
      ),
    );
  }

  /** GetUserAuthFactors. */
  async getAuthFactors(accessToken: string): Promise<AuthFactors> {
    const reply = await this.call('getAuthFactors', 'GetUserAuthFactors', () =>
      this.client.send(
        new sdk.GetUserAuthFactorsCommand({ AccessToken: accessToken }),
      ),
    );
    return {
      username: reply.Username ?? '',
      factors: reply.ConfiguredUserAuthFactors ?? [],
      ...(reply.PreferredMfaSetting
        ? { preferredMfa: reply.PreferredMfaSetting }
        : {}),
      mfaMethods: reply.UserMFASettingList ?? [],
    };
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }

  /** SECRET_HASH of `username`, when the app client has a secret. */
  private withSecretHash(
    username: string,
    params: Record<string, string>,
  ): Record<string, string> {
    const hash = this.userPool.secretHash(username);
    return hash ? { ...params, SECRET_HASH: hash } : params;
  }

  /** Sends one command; a failure rejects as the method's answer. */
  private call<Output>(
    method: PasswordlessMethodName,
    operation: string,
    send: () => Promise<Output>,
  ): Promise<Output> {
    return this.failures.call(method, () =>
      send().catch((error: unknown) => {
        throw transportError(operation, error);
      }),
    );
  }
}
