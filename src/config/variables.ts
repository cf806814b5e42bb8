import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsInt,
  IsOptional,
  Max,
  Min,
  validateSync,
} from 'class-validator';

/** Thrown when the environment is not usable; its message is one sentence per variable. */
export class ConfigValidationError extends Error {
  override name = 'ConfigValidationError';
}

/** The environment as read: variable name to value, empty values removed. */
export type Environment = Record<string, unknown>;

/** A class whose properties are variables and whose decorators are their rules. */
export type Variables<V extends object> = new () => V;

/**
 * What one namespace file owns: its variables with their rules, and the
 * mapping (defaults filled in) from their checked values to its typed
 * object. `nodeEnv` is the checked NODE_ENV, which several namespaces follow.
 */
export interface ConfigNamespace<V extends object, C> {
  readonly variables: Variables<V>;
  /** Rules across variables; one sentence per fault. */
  readonly check?: (env: V, nodeEnv: string | undefined) => string[];
  /** `embedded`: no user pool is configured, the emulator starts (see CognitoPool). */
  readonly parse: (env: V, nodeEnv: string | undefined, embedded: boolean) => C;
}

const WHOLE_NUMBER = /^\s*-?\d+\s*$/;

/**
 * An optional whole number in [min, max], with one sentence for any fault.
 * Digits become a number before the check; anything else stays a string and
 * fails it.
 */
export function IsWholeNumber(
  min: number,
  max: number,
  unit?: string,
): PropertyDecorator {
  const what = unit ? `a whole number of ${unit}` : 'a whole number';
  const message = ({ property }: { property: string }): string =>
    `${property} must be ${what} from ${min} to ${max}.`;
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && WHOLE_NUMBER.test(value)
        ? Number(value)
        : value,
    ),
    IsOptional(),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
  );
}

export const URL_OPTIONS = {
  require_tld: false,
  require_protocol: true,
  protocols: ['http', 'https'],
};

/** The values of a namespace's variables, and one sentence per bad one. */
export function checkVariables<V extends object>(
  variables: Variables<V>,
  env: Environment,
): { values: V; sentences: string[] } {
  const values = plainToInstance(variables, env);
  const sentences = validateSync(values, {
    skipMissingProperties: false,
  }).flatMap((error) => Object.values(error.constraints ?? {}).slice(0, 1));
  return { values, sentences };
}

/** The names of the variables a class has rules for, in declaration order. */
export function variableNames(variables: Variables<object>): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(
    variables,
    '',
    true,
    false,
  );
  return [...new Set(rules.map((rule) => rule.propertyName))];
}
