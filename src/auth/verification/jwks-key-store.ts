import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwksClient } from 'jwks-rsa';
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  CognitoPool,
  isLoopbackHttpIssuer,
} from '../../cognito/cognito-pool.js';
import { authConfig } from '../../config/auth.config.js';
import { isEmulatorKey } from './emulator-key.js';
import { TokenRejectedError } from './token-claims.js';
import { VerifiedTokenCache } from './verified-token.cache.js';

/** The pool's keys cannot be had: the caller gets 503, not 401. */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
}

/**
 * The pool's signing keys, as ready-made KeyObjects by `kid`. The JWKS is
 * fetched at boot and again only when a token names an unknown `kid`, at
 * most once per cooldown (a single request shared by all callers), so a
 * flood of junk kids costs one fetch per cooldown and never delays a real
 * rotation beyond it. Each fetch REPLACES the keys, so a key withdrawn from
 * the JWKS stops being trusted at the next fetch; a failed fetch keeps the
 * keys it has: an unreachable endpoint does not stop tokens signed with
 * known keys.
 *
 * cognito-local's published key (see emulator-key.ts) is trusted only for an
 * emulator's issuer (http, loopback): served for any other issuer, it is
 * left out, and tokens signed with it get 401.
 */
@Injectable()
export class JwksKeyStore implements OnApplicationBootstrap {
  private readonly logger = new Logger(JwksKeyStore.name);
  private keys = new Map<string, KeyObject>();
  private readonly client: JwksClient;
  /** Whether the pool is an emulator's (every issuer http on loopback). */
  private readonly emulatorIssuer: boolean;
  private inFlight?: Promise<void>;
  private lastAttempt = 0;
  private lastFailed = false;
  /** How many times the JWKS endpoint was asked (for /health and the benchmark). */
  fetches = 0;

  constructor(
    connection: CognitoPool,
    @Inject(authConfig.KEY)
    private readonly config: ConfigType<typeof authConfig>,
    private readonly verified: VerifiedTokenCache,
  ) {
    this.client = new JwksClient({
      jwksUri: connection.jwksUri,
      timeout: config.jwksTimeoutMs,
      cache: false,
      rateLimit: false,
    });
    this.emulatorIssuer = connection.issuers.every(isLoopbackHttpIssuer);
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.refresh();
      this.logger.log(`Loaded ${this.keys.size} signing key(s) from the JWKS`);
    } catch (error) {
      this.logger.warn(
        `JWKS not reachable at boot; will retry on demand (${String(error)})`,
      );
    }
  }

  get size(): number {
    return this.keys.size;
  }

  async getKey(kid: string): Promise<KeyObject> {
    const known = this.keys.get(kid);
    if (known) return known;
    const due =
      Date.now() - this.lastAttempt >= this.config.jwksRefetchCooldownMs;
    if (due || this.inFlight) {
      await this.refresh().catch(() => undefined);
    }
    const fetched = this.keys.get(kid);
    if (fetched) return fetched;
    if (this.lastFailed)
      throw new JwksUnavailableError('the JWKS endpoint cannot be reached');
    throw new TokenRejectedError('unknown kid');
  }

  /** Fetches the whole JWKS once; concurrent callers share the request. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    this.lastAttempt = Date.now();
    this.fetches += 1;
    let signingKeys: Awaited<ReturnType<JwksClient['getSigningKeys']>>;
    try {
      signingKeys = await this.client.getSigningKeys();
    } catch (error) {
      this.lastFailed = true;
      throw new JwksUnavailableError(
        `JWKS fetch failed: ${(error as Error).message}`,
      );
    }
    const keys = new Map<string, KeyObject>();
    for (const signingKey of signingKeys) {
      const key = this.trusted(signingKey.kid, signingKey.getPublicKey());
      if (key && !keys.has(signingKey.kid)) keys.set(signingKey.kid, key);
    }
    // Tokens verified with a key that is gone must be checked again.
    const withdrawn = [...this.keys.keys()].some((kid) => !keys.has(kid));
    this.keys = keys;
    this.lastFailed = false;
    if (withdrawn) this.verified.clear();
  }

  /**
   * The key to trust under this kid, or undefined (logged) if none. jwks-rsa
   * has already left out keys it cannot import; `pem` is an SPKI PEM.
   */
  private trusted(kid: string | undefined, pem: string): KeyObject | undefined {
    if (!kid) return undefined;
    const key = createPublicKey(pem);
    if (!this.emulatorIssuer && isEmulatorKey(key)) {
      this.logger.warn(
        `JWKS key ${kid} is cognito-local's published key; not trusted for a non-emulator issuer`,
      );
      return undefined;
    }
    return key;
  }
}
