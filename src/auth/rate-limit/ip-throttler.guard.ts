import {
  HttpStatus,
  Inject,
  Injectable,
  Optional,
  type ExecutionContext,
} from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ApiException } from '../../common/errors/api-exception.js';
import { Metrics } from '../../metrics/metrics.js';

/**
 * The per-IP limit over ALL auth routes together (ThrottlerGuard counts per
 * route by default), answered in the API's error shape with Retry-After.
 * The tracker is ThrottlerGuard's: request.ip, which under TRUST_PROXY is
 * the address the trusted hops report (never a client-written
 * X-Forwarded-For entry). The storage (SharedThrottlerStorage) hashes the
 * key and shares the count between instances.
 */
@Injectable()
export class IpThrottlerGuard extends ThrottlerGuard {
  // A property: ThrottlerGuard's constructor is its own.
  @Optional()
  @Inject(Metrics)
  private readonly metrics?: Metrics;

  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `auth:${name}:${tracker}`;
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    this.metrics?.rateLimitRefusal('address');
    throw new ApiException(
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_REQUESTS',
      `Too many requests from this address; try again in ${seconds} seconds.`,
      { retryAfterSeconds: seconds },
    );
  }
}
