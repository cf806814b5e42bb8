import { applyDecorators } from '@nestjs/common';
import { getDefaultParser } from '@nestjs/config';
import { existsSync, readFileSync } from 'node:fs';
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
 * object. `nodeEnv` is the checked NODE_ENV, which several namespaces
 * follow; `identity`: which identity provider the settings point at.
 */
export interface ConfigNamespace<V extends object, C> {
  readonly variables: Variables<V>;
  /** Rules across variables; one sentence per fault. */
  readonly check?: (
    env: V,
    nodeEnv: string | undefined,
    identity: IdentityFacts,
  ) => string[];
  readonly parse: (
    env: V,
    nodeEnv: string | undefined,
    identity: IdentityFacts,
  ) => C;
}

/** Which identity provider the settings point at, for the namespaces that follow it. */
export interface IdentityFacts {
  /** No user pool is configured: the embedded emulator starts (see CognitoPool). */
  embedded: boolean;
  /**
   * The app may trust the emulator's published signing key, which anyone
   * can sign with: in embedded mode, and with an emulator run elsewhere (an
   * http AWS_COGNITO_ENDPOINT or AWS_COGNITO_AUTHORITY). An https endpoint
   * is a FIPS or VPC endpoint of real Cognito, not an emulator.
   */
  trustsPublishedKey: boolean;
  /** The http setting that points at an emulator run elsewhere, if one does. */
  emulatorSetting?: 'AWS_COGNITO_ENDPOINT' | 'AWS_COGNITO_AUTHORITY';
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

/**
 * The process environment, over the `.env` file of the working directory
 * (read as @nestjs/config reads it; a variable set in both keeps the
 * process's value). `.env` is not read under test, so that a developer's AWS
 * settings never leak into the tests.
 */
export function readEnvironment(): Environment {
  const env = process.env;
  const file =
    env.NODE_ENV?.toLowerCase() !== 'test' && existsSync('.env')
      ? getDefaultParser()(readFileSync('.env'))
      : {};
  return { ...file, ...env };
}

/**
 * An empty value counts as unset (a blank line in .env, `FOO= npm start`).
 */
export function withoutEmptyValues(raw: Environment): Environment {
  return Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== ''),
  );
}

/** NODE_ENV as the namespaces follow it: matched without regard to case. */
export function normalizeNodeEnv(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value;
}

/**
 * What several namespaces follow, from an environment without empty
 * values: NODE_ENV, and whether the embedded emulator runs (no user pool).
 */
function sharedFacts(env: Environment): {
  nodeEnv: string | undefined;
  identity: IdentityFacts;
} {
  const nodeEnv = normalizeNodeEnv(env.NODE_ENV);
  const embedded = !env.AWS_COGNITO_USER_POOL_ID;
  const emulatorSetting = isHttpUrl(env.AWS_COGNITO_ENDPOINT)
    ? 'AWS_COGNITO_ENDPOINT'
    : isHttpUrl(env.AWS_COGNITO_AUTHORITY)
      ? 'AWS_COGNITO_AUTHORITY'
      : undefined;
  return {
    nodeEnv: typeof nodeEnv === 'string' ? nodeEnv : undefined,
    identity: {
      embedded,
      trustsPublishedKey: embedded || emulatorSetting !== undefined,
      emulatorSetting,
    },
  };
}

/** An http:// URL (an emulator's), as opposed to https:// (real Cognito's). */
export function isHttpUrl(url: unknown): boolean {
  return (
    typeof url === 'string' && url.trim().toLowerCase().startsWith('http://')
  );
}

/**
 * One namespace checked against an environment without empty values: the
 * sentences of its faults (`own`: its variables' rules; `across`: its rules
 * across variables), and the mapping to its typed object once there are
 * none.
 */
export function checkNamespace<V extends object, C>(
  namespace: ConfigNamespace<V, C>,
  env: Environment,
): { own: string[]; across: string[]; parse: () => C } {
  const { nodeEnv, identity } = sharedFacts(env);
  const { values, sentences } = checkVariables(namespace.variables, env);
  return {
    own: sentences,
    across: namespace.check?.(values, nodeEnv, identity) ?? [],
    parse: () => namespace.parse(values, nodeEnv, identity),
  };
}

/**
 * One namespace's typed object, read from an environment and checked: a
 * pure function, what its `registerAs` factory hands out. Throws a
 * ConfigValidationError with one sentence per bad variable.
 */
export function readNamespace<V extends object, C>(
  namespace: ConfigNamespace<V, C>,
  raw: Environment,
): C {
  const { own, across, parse } = checkNamespace(
    namespace,
    withoutEmptyValues(raw),
  );
  const sentences = [...own, ...across];
  if (sentences.length > 0) {
    throw new ConfigValidationError(
      `Invalid configuration: ${sentences.join(' ')}`,
    );
  }
  return parse();
}
