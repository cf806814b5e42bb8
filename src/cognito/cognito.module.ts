import {
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { cognitoConfig } from '../config/cognito.config.js';
import { CognitoPool, resolvePool } from './cognito-pool.js';
import { CognitoGateway } from './cognito.gateway.js';
import { EmbeddedCognito } from './emulator/embedded-cognito.js';
import { EMBEDDED_COGNITO } from './emulator/embedded.token.js';
import { Outbox } from './emulator/outbox.js';
import { AdminClient } from './admin.client.js';
import { UserPoolClient } from './user-pool.client.js';
import { UserPoolGateway } from './user-pool.gateway.js';
import { PasswordlessGateway } from './passwordless.gateway.js';

@Global()
@Module({
  providers: [
    Outbox,
    {
      provide: EMBEDDED_COGNITO,
      inject: [cognitoConfig.KEY, Outbox],
      useFactory: (config: ConfigType<typeof cognitoConfig>, outbox: Outbox) =>
        config.userPoolId
          ? null
          : new EmbeddedCognito(
              config.localDir,
              (m) => outbox.add(m),
              config.emulatorPath,
            ),
    },
    {
      provide: CognitoPool,
      inject: [cognitoConfig.KEY, EMBEDDED_COGNITO],
      useFactory: resolvePool,
    },
    UserPoolClient,
    AdminClient,
    { provide: CognitoGateway, useClass: UserPoolGateway },
    PasswordlessGateway,
  ],
  exports: [
    CognitoPool,
    CognitoGateway,
    PasswordlessGateway,
    Outbox,
    EMBEDDED_COGNITO,
  ],
})
export class CognitoModule
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(CognitoModule.name);

  constructor(
    @Inject(EMBEDDED_COGNITO) private readonly embedded: EmbeddedCognito | null,
    private readonly gateway: CognitoGateway,
  ) {}

  /**
   * Probes the app client once, without holding up the start: a secret or
   * auth flow Cognito refuses is logged with its fix, before the first
   * login meets it.
   */
  onApplicationBootstrap(): void {
    void Promise.resolve()
      .then(() => this.gateway.probeAppClient())
      .then(
        (status) => {
          if (status.usable === false) {
            this.logger.error(
              `The app client cannot be used: ${status.fault}; ${status.fix}`,
            );
          }
        },
        () => undefined,
      );
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    await this.embedded.stop();
    this.logger.log('Embedded Cognito emulator stopped');
  }
}
