/**
 * Direct calls to a Cognito-compatible endpoint (the emulator), beside the
 * app: AWS JSON 1.1 over plain fetch, as the AWS SDKs send it. cognito-local
 * takes any (or no) credentials, so admin operations need no signing.
 */

export interface CognitoAnswer<T = Record<string, any>> {
  status: number;
  body: T;
}

/** One operation of the user-pool API, e.g. `AdminCreateUser`. */
export async function cognitoCall<T = Record<string, any>>(
  endpoint: string,
  operation: string,
  body: Record<string, unknown>,
): Promise<CognitoAnswer<T>> {
  const response = await fetch(`${endpoint.replace(/\/+$/, '')}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as T,
  };
}

/** The app client CreateUserPoolClient answered. */
export interface CreatedClient {
  ClientId: string;
  ClientSecret?: string;
  UserPoolId: string;
  ClientName: string;
}

/** A new app client in the pool (USER_PASSWORD_AUTH and refresh allowed). */
export async function createAppClient(
  endpoint: string,
  userPoolId: string,
  options: { name?: string; generateSecret?: boolean } = {},
): Promise<CreatedClient> {
  const answer = await cognitoCall<{ UserPoolClient: CreatedClient }>(
    endpoint,
    'CreateUserPoolClient',
    {
      UserPoolId: userPoolId,
      ClientName: options.name ?? 'another-client',
      GenerateSecret: options.generateSecret ?? false,
      ExplicitAuthFlows: [
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ],
    },
  );
  expect(answer.status).toBe(200);
  return answer.body.UserPoolClient;
}

/**
 * AdminCreateUser with a temporary password and a verified email, without
 * a welcome message: the user must set a new password at first login.
 */
export async function adminCreateUser(
  endpoint: string,
  userPoolId: string,
  email: string,
  temporaryPassword: string,
): Promise<CognitoAnswer> {
  return cognitoCall(endpoint, 'AdminCreateUser', {
    UserPoolId: userPoolId,
    Username: email,
    TemporaryPassword: temporaryPassword,
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ],
    MessageAction: 'SUPPRESS',
  });
}

/** The user's attributes as the pool stores them (AdminGetUser). */
export async function adminAttributes(
  endpoint: string,
  userPoolId: string,
  username: string,
): Promise<Record<string, string>> {
  const answer = await cognitoCall<{
    UserAttributes: { Name: string; Value: string }[];
  }>(endpoint, 'AdminGetUser', { UserPoolId: userPoolId, Username: username });
  expect(answer.status).toBe(200);
  return Object.fromEntries(
    answer.body.UserAttributes.map((a) => [a.Name, a.Value]),
  );
}

/** InitiateAuth USER_PASSWORD_AUTH straight at the endpoint, for any client. */
export async function passwordLogin(
  endpoint: string,
  clientId: string,
  email: string,
  password: string,
): Promise<{ AccessToken: string; IdToken: string; RefreshToken: string }> {
  const answer = await cognitoCall<{
    AuthenticationResult: {
      AccessToken: string;
      IdToken: string;
      RefreshToken: string;
    };
  }>(endpoint, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: email, PASSWORD: password },
  });
  expect(answer.status).toBe(200);
  return answer.body.AuthenticationResult;
}
