import type { ApiException } from '../common/errors/api-exception.js';
import type { AppClientKnowledge } from './app-client-probe.js';
import type { CognitoPool } from './cognito-pool.js';
import { mapCognitoError, type ErrorTable } from './cognito-errors.js';
import { operatorFaultAnswer, operatorFaultOf } from './operator-faults.js';

export interface GatewayFailureOptions<M extends string> {
  /** What live calls show of the app client (the probe's knowledge), if the gateway keeps it. */
  readonly appClient?: AppClientKnowledge;
  /**
   * Methods whose SECRET_HASH names a user the request chose (a refresh):
   * a hash mismatch there is the caller's 401, not the app's configuration.
   */
  readonly callerHashes?: readonly M[];
}

/**
 * The one failure mapper of the gateways: a failure of a method is a 500
 * naming the fix when it is a fault of the app's configuration
 * (operator-faults.ts), else the answer of the method's error table
 * (mapCognitoError). `call` sends, then maps the failure.
 */
export class GatewayFailures<M extends string> {
  constructor(
    private readonly tables: Readonly<Record<M, ErrorTable>>,
    private readonly pool: CognitoPool,
    private readonly options: GatewayFailureOptions<M> = {},
  ) {}

  /** Sends one request; a failure rejects as the method's answer. */
  async call<T>(method: M, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.answer(method, error);
    }
  }

  /** The API's answer for a failure of `method`. */
  answer(method: M, error: unknown): ApiException {
    const fault = operatorFaultOf(error, this.pool);
    if (
      fault &&
      !(fault.hashMismatch && this.options.callerHashes?.includes(method))
    ) {
      this.options.appClient?.saw({ usable: false, ...fault });
      return operatorFaultAnswer(fault, error);
    }
    return mapCognitoError(this.tables[method], error);
  }
}
