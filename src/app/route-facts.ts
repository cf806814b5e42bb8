import type { Type } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/internal.js';
import {
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants.js';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '../auth/decorators/public.decorator.js';
import { REQUIRED_GROUPS } from '../auth/decorators/groups.decorator.js';
import { RECENT_SIGN_IN } from '../auth/decorators/recent-sign-in.decorator.js';
import { EmailRateLimitInterceptor } from '../auth/rate-limit/email-rate-limit.interceptor.js';
import { IpThrottlerGuard } from '../auth/rate-limit/ip-throttler.guard.js';
import {
  API_ERRORS,
  type ApiErrorsOptions,
} from '../openapi/api-errors.decorator.js';

/** What the app itself says about one route, read as its guards read it. */
export interface RouteFacts {
  /** Swagger's default operationId: `<Controller>_<method>`. */
  operationId: string;
  /** @Public() on the handler or its controller, as JwtAuthGuard reads it. */
  isPublic: boolean;
  /** @Groups(...), as GroupsGuard reads it. */
  groups: string[];
  /** @RecentSignIn(), as RecentSignInGuard reads it. */
  recentSignIn: boolean;
  /** Behind the per-IP throttler or a per-email limit. */
  rateLimited: boolean;
  /** A body, query or path DTO that the global validation pipe checks. */
  validatedInput: boolean;
  errors: ApiErrorsOptions;
}

const VALIDATED_ARGS = new Set<number>([
  RouteParamtypes.BODY,
  RouteParamtypes.QUERY,
  RouteParamtypes.PARAM,
]);
/** Types the validation pipe lets through unchecked. */
const PLAIN_TYPES = new Set<unknown>([String, Number, Boolean, Array, Object]);

/** Every route handler of the app's controllers, with its facts. */
export function routeFacts(
  modules: ModulesContainer,
  reflector: Reflector,
): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | undefined;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler: unknown = Object.getOwnPropertyDescriptor(
          controller.prototype,
          name,
        )?.value;
        if (typeof handler !== 'function' || name === 'constructor') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const targets = [handler, controller];
        facts.set(`${controller.name}_${name}`, {
          operationId: `${controller.name}_${name}`,
          isPublic:
            reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
          groups:
            reflector.getAllAndOverride<string[]>(REQUIRED_GROUPS, targets) ??
            [],
          recentSignIn: reflector.get(RECENT_SIGN_IN, handler) !== undefined,
          rateLimited:
            uses(handler, controller, GUARDS_METADATA, IpThrottlerGuard) ||
            uses(
              handler,
              controller,
              INTERCEPTORS_METADATA,
              EmailRateLimitInterceptor,
            ),
          validatedInput: validatesInput(controller, name),
          errors:
            reflector.get<ApiErrorsOptions | undefined>(API_ERRORS, handler) ??
            {},
        });
      }
    }
  }
  return facts;
}

function uses(
  handler: object,
  controller: object,
  key: string,
  enhancer: unknown,
): boolean {
  return [handler, controller].some((target) =>
    (
      (Reflect.getMetadata(key, target) as unknown[] | undefined) ?? []
    ).includes(enhancer),
  );
}

function validatesInput(controller: Type, name: string): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ??
    {}) as Record<string, { index: number }>;
  const types = (Reflect.getMetadata(
    'design:paramtypes',
    controller.prototype as object,
    name,
  ) ?? []) as unknown[];
  return Object.entries(args).some(
    ([key, { index }]) =>
      VALIDATED_ARGS.has(Number(key.split(':')[0])) &&
      typeof types[index] === 'function' &&
      !PLAIN_TYPES.has(types[index]),
  );
}
