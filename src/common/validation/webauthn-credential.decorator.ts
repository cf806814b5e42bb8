import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ValidateBy, type ValidationOptions } from 'class-validator';

/** The largest credential JSON taken (a passkey's is about 1-2 KB). */
export const MAX_CREDENTIAL_BYTES = 16_384;

const BASE64URL = /^[A-Za-z0-9_-]{1,4096}$/;

/** The `response` fields each ceremony's JSON has (WebAuthn Level 3, toJSON()). */
const RESPONSE_FIELDS = {
  registration: ['clientDataJSON', 'attestationObject'],
  authentication: ['clientDataJSON', 'authenticatorData', 'signature'],
} as const;

export type Ceremony = keyof typeof RESPONSE_FIELDS;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` has the shape of the ceremony's credential JSON, within the size limit. */
export function isWebAuthnCredential(
  value: unknown,
  ceremony: Ceremony,
): boolean {
  if (!isRecord(value)) return false;
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(value));
  } catch {
    return false;
  }
  if (size > MAX_CREDENTIAL_BYTES) return false;
  const { id, rawId, type, response } = value;
  return (
    typeof id === 'string' &&
    BASE64URL.test(id) &&
    typeof rawId === 'string' &&
    BASE64URL.test(rawId) &&
    type === 'public-key' &&
    isRecord(response) &&
    RESPONSE_FIELDS[ceremony].every(
      (field) =>
        typeof response[field] === 'string' &&
        /^[A-Za-z0-9_-]+$/.test(response[field]),
    )
  );
}

/**
 * A WebAuthn credential as the browser's `credential.toJSON()` gives it
 * (RegistrationResponseJSON or AuthenticationResponseJSON): an object of
 * at most MAX_CREDENTIAL_BYTES with `id`, `rawId`, `type` "public-key"
 * and the ceremony's base64url `response` fields. Cognito checks the rest.
 */
export function IsWebAuthnCredential(
  ceremony: Ceremony,
  options?: ValidationOptions,
): PropertyDecorator {
  const fields = RESPONSE_FIELDS[ceremony].join(', ');
  return applyDecorators(
    ApiProperty({
      type: 'object',
      additionalProperties: true,
      description: `The ${ceremony === 'registration' ? 'RegistrationResponseJSON of navigator.credentials.create' : 'AuthenticationResponseJSON of navigator.credentials.get'} (\`credential.toJSON()\`), at most ${MAX_CREDENTIAL_BYTES} bytes`,
    }),
    ValidateBy(
      {
        name: 'isWebAuthnCredential',
        validator: {
          validate: (value: unknown) => isWebAuthnCredential(value, ceremony),
          defaultMessage: () =>
            `$property must be a WebAuthn credential JSON object (credential.toJSON()) of at most ${MAX_CREDENTIAL_BYTES} bytes with id, rawId, type "public-key" and response.${fields}`,
        },
      },
      options,
    ),
  );
}
