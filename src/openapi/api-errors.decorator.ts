import { SetMetadata } from '@nestjs/common';
import type { GatewayMethod } from '../cognito/cognito.gateway.js';
import type { PasswordlessMethodName } from '../cognito/passwordless.gateway-errors.js';
import type { ErrorCode } from '../common/errors/api-exception.js';

export const API_ERRORS = 'openapi:errors';

/** One error a route's own logic may answer: status, code, an example sentence. */
export type DocumentedAnswer = readonly [number, ErrorCode, string];

export interface ApiErrorsOptions {
  /**
   * The gateway methods whose errors reach the client: the OpenAPI document
   * lists every answer of their tables in src/cognito/gateway-errors.ts,
   * those common to every Cognito call, and 500 INTERNAL.
   */
  cognito?: readonly GatewayMethod[];
  /** The same, for PasswordlessGateway's methods (src/cognito/passwordless.gateway-errors.ts). */
  passwordless?: readonly PasswordlessMethodName[];
  /** Answers of the route's service itself (not Cognito's, nor the guards'). */
  answers?: readonly DocumentedAnswer[];
}

/**
 * The errors a route answers besides those the document derives from the
 * route itself (see src/app/error-responses.ts): a JSON body, validated
 * input, the auth guard, @Groups, the rate limits. Only for the document;
 * nothing at run time reads it.
 */
export const ApiErrors = (options: ApiErrorsOptions): MethodDecorator =>
  SetMetadata(API_ERRORS, options);
