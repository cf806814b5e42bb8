import { HealthIndicatorService } from '@nestjs/terminus';
import { fakeCognitoGateway } from '../../test/support/fake-cognito-gateway.js';
import type { AppClientStatus } from '../cognito/cognito.types.js';
import { AppClientHealthIndicator } from './app-client.health.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function indicatorWith(...answers: AppClientStatus[]) {
  const gateway = fakeCognitoGateway();
  for (const answer of answers) {
    gateway.probeAppClient.mockResolvedValueOnce(answer);
  }
  return {
    gateway,
    indicator: new AppClientHealthIndicator(
      new HealthIndicatorService(),
      gateway,
    ),
  };
}

describe('AppClientHealthIndicator', () => {
  it('is up, under the key appClient, when the probe finds the client usable', async () => {
    const { indicator } = indicatorWith({ usable: true });
    await expect(indicator.check()).resolves.toEqual({
      appClient: { status: 'up' },
    });
  });

  it('is down with the fault and its fix when Cognito refuses the configuration', async () => {
    const { indicator } = indicatorWith({
      usable: false,
      fault: 'Cognito refused the SECRET_HASH',
      fix: 'AWS_COGNITO_CLIENT_SECRET does not match the secret of app client c1',
    });
    await expect(indicator.check()).resolves.toEqual({
      appClient: {
        status: 'down',
        reason: 'Cognito refused the SECRET_HASH',
        fix: 'AWS_COGNITO_CLIENT_SECRET does not match the secret of app client c1',
      },
    });
  });

  it('is down when Cognito cannot be asked, and asks again next time', async () => {
    const { indicator, gateway } = indicatorWith(
      { usable: 'unknown', reason: 'IDP_UNAVAILABLE' },
      { usable: true },
    );
    await expect(indicator.check()).resolves.toEqual({
      appClient: { status: 'down', reason: 'IDP_UNAVAILABLE' },
    });
    await expect(indicator.check()).resolves.toEqual({
      appClient: { status: 'up' },
    });
    expect(gateway.probeAppClient).toHaveBeenCalledTimes(2);
  });
});
