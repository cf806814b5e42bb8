import {
  HttpStatus,
  ValidationPipe,
  type ValidationError,
} from '@nestjs/common';
import { ApiException } from '../errors/api-exception.js';
import { PASSWORD_POLICY_CONTEXT } from './password.decorator.js';

/**
 * The production pipe: unknown fields are refused, values are converted to
 * the DTO's types. A body whose only faults are a new password's policy
 * answers PASSWORD_POLICY; anything else VALIDATION_FAILED.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => toValidationException(errors),
  });
}

export function toValidationException(errors: ValidationError[]): ApiException {
  const faults = flatten(errors);
  const onlyPolicy = faults.length > 0 && faults.every((f) => f.policy);
  const messages = [...new Set(faults.map((f) => f.message))];
  return new ApiException(
    HttpStatus.BAD_REQUEST,
    onlyPolicy ? 'PASSWORD_POLICY' : 'VALIDATION_FAILED',
    messages.length > 0
      ? messages
      : ['The request body must be a JSON object.'],
  );
}

function flatten(
  errors: ValidationError[],
  path = '',
): { message: string; policy: boolean }[] {
  return errors.flatMap((error) => {
    const here = Object.entries(error.constraints ?? {}).map(
      ([name, message]) => ({
        message: path ? `${path}.${message}` : message,
        policy: error.contexts?.[name]?.[PASSWORD_POLICY_CONTEXT] === true,
      }),
    );
    const prefix = path ? `${path}.${error.property}` : error.property;
    return [...here, ...flatten(error.children ?? [], prefix)];
  });
}
