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
import { RouteMemo } from './route-memo.js';

/** Enforces @Groups(...): the caller must be in at least one of them. */
@Injectable()
export class GroupsGuard implements CanActivate {
  /** @Groups of each route. */
  private readonly routes = new RouteMemo<string[]>(
    (handler, controller) =>
      this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_GROUPS, [
        handler,
        controller,
      ]) ?? [],
  );

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.routes.of(context);
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
}
