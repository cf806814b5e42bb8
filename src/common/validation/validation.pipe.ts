import {
  HttpStatus,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationPipeOptions,
  type ValidationError,
} from '@nestjs/common';
import { ApiException } from '../errors/api-exception.js';
import { fastPathOf } from './fast-path.js';
import { PASSWORD_POLICY_CONTEXT } from './password.decorator.js';

/**
 * Nest's ValidationPipe, after the DTO's fast path when it has one (see
 * FAST_PATH): a value the fast path vouches for is answered without
 * class-transformer and class-validator (most of a small guarded
 * request's CPU); anything else goes through them.
 */
class AppValidationPipe extends ValidationPipe {
  override transform(
    value: unknown,
    metadata: ArgumentMetadata,
  ): Promise<unknown> {
    const fast = fastPathOf(metadata.metatype)?.(value);
    return fast === undefined
      ? super.transform(value, metadata)
      : Promise.resolve(fast);
  }
}

/**
 * The production pipe's options: unknown fields are refused, values are
 * converted to the DTO's types. A body whose only faults are a new
 * password's policy answers PASSWORD_POLICY; anything else
 * VALIDATION_FAILED. Exported for specs: a ValidationPipe with them is the
 * slow path a fast one is compared with.
 */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: false,
  exceptionFactory: (errors) => toValidationException(errors),
};

export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe(VALIDATION_OPTIONS);
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
