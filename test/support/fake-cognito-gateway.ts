import type { Mock } from 'vitest';
import {
  GATEWAY_METHODS,
  type CognitoGateway,
  type GatewayMethod,
} from '../../src/cognito/cognito.gateway.js';
import { mapCognitoError } from '../../src/cognito/cognito-errors.js';
import { GATEWAY_ERRORS } from '../../src/cognito/gateway-errors.js';
import type { ApiException } from '../../src/common/errors/api-exception.js';

/** Every method of CognitoGateway as a typed `vi.fn()` (so it is a CognitoGateway). */
export type FakeCognitoGateway = {
  [M in GatewayMethod]: Mock<CognitoGateway[M]>;
};

/**
 * A stand-in for the gateway: every method throws "not expected in this
 * test" until the test stubs it (`gateway.signUp.mockResolvedValue(...)`).
 * Pass it where a CognitoGateway is injected, or override the provider by
 * its DI token (`overrideProvider(CognitoGateway).useValue(gateway)`; with
 * a fresh module graph, take CognitoGateway from that graph).
 */
export function fakeCognitoGateway(): FakeCognitoGateway {
  const fake: Partial<Record<GatewayMethod, Mock>> = {};
  for (const method of GATEWAY_METHODS) {
    fake[method] = vi.fn((): never => {
      throw new Error(`CognitoGateway.${method} was not expected in this test`);
    });
  }
  return fake as FakeCognitoGateway;
}

// The fake must stay usable wherever the gateway is injected.
fakeCognitoGateway satisfies () => CognitoGateway;

/**
 * What the real gateway's `method` rejects with when Cognito fails with the
 * error `name` (its own table, gateway-errors.ts), for a fake to reject with.
 */
export function gatewayFailure(
  method: GatewayMethod,
  name: string,
): ApiException {
  const error = new Error('upstream detail') as Error & { code: string };
  error.name = name;
  error.code = name;
  return mapCognitoError(GATEWAY_ERRORS[method], error);
}
