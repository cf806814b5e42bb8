import { performance } from 'node:perf_hooks';
import type { CognitoOutcome, Metrics } from '../metrics/metrics.js';
import { cognitoErrorName } from './cognito-errors.js';

/** Errors that mean Cognito was not heard (the clients name them so). */
const UNHEARD = new Set([
  'NetworkError',
  'UnreadableResponseError',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalErrorException',
]);

/** How a call ended, in the four words of `cognito_requests_total`. */
export function cognitoOutcome(error: unknown): CognitoOutcome {
  if (!error) return 'ok';
  const name = cognitoErrorName(error);
  if (name === 'TimeoutError') return 'timeout';
  return name !== undefined && UNHEARD.has(name) ? 'unavailable' : 'error';
}

/**
 * Starts the clock on one call to Cognito; the returned function records
 * it (count and duration, by operation and outcome) when it ends. The
 * clients call this only when metrics are on.
 */
export function startCognitoCall(
  metrics: Metrics,
  operation: string,
): (error: unknown) => void {
  const started = performance.now();
  return (error) =>
    metrics.cognitoCall(
      operation,
      cognitoOutcome(error),
      (performance.now() - started) / 1000,
    );
}
