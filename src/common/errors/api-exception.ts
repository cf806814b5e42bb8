import { HttpException, HttpStatus } from '@nestjs/common';

/** The stable machine codes of the error contract (see README, "Errors"). */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'PASSWORD_POLICY',
  'CODE_MISMATCH',
  'CODE_EXPIRED',
  'INVALID_CREDENTIALS',
  'UNAUTHORIZED',
  'USER_NOT_CONFIRMED',
  'PASSWORD_RESET_REQUIRED',
  'FORBIDDEN',
  'REAUTHENTICATION_REQUIRED',
  'NOT_FOUND',
  'USER_EXISTS',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'TOO_MANY_REQUESTS',
  'IDP_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'INTERNAL',
  'NOT_IMPLEMENTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An HTTP error that carries its machine code. Throw this (or any Nest
 * HttpException, which gets a code from its status) and the global filter
 * renders `{statusCode, error, message, requestId}`.
 */
export class ApiException extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    message: string | string[],
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super({ code, message }, status, { cause: options?.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** Sent as the Retry-After header (429 and 503 answers). */
  readonly retryAfterSeconds?: number;

  get messages(): string | string[] {
    return (this.getResponse() as { message: string | string[] }).message;
  }
}
