import {
  HttpStatus,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiException } from '../../common/errors/api-exception.js';
import type { AuthUser } from '../auth-user.js';
import { REQUIRED_GROUPS } from '../decorators/groups.decorator.js';

/** Enforces @Groups(...): the caller must be in at least one of them. */
@Injectable()
export class GroupsGuard implements CanActivate {
  /** @Groups of each handler, per class: read once (reflection costs on every request). */
  private readonly routes = new WeakMap<object, WeakMap<object, string[]>>();

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.requiredBy(context);
    if (required.length === 0) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (user && user.groups.some((group) => required.includes(group)))
      return true;
    throw new ApiException(
      HttpStatus.FORBIDDEN,
      'FORBIDDEN',
      `This route is only for members of: ${required.join(', ')}.`,
    );
  }

  private requiredBy(context: ExecutionContext): string[] {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byClass = this.routes.get(handler);
    if (!byClass) this.routes.set(handler, (byClass = new WeakMap()));
    let required = byClass.get(controller);
    if (!required) {
      required =
        this.reflector.getAllAndOverride<string[] | undefined>(
          REQUIRED_GROUPS,
          [handler, controller],
        ) ?? [];
      byClass.set(controller, required);
    }
    return required;
  }
}
