import type { ExecutionContext, Type } from '@nestjs/common';

/**
 * What a guard reads of a route's metadata, read once per handler and per
 * class (a handler can be inherited by another controller) instead of on
 * every request: reflection costs on every call.
 */
export class RouteMemo<T> {
  private readonly byHandler = new WeakMap<object, WeakMap<object, T>>();

  constructor(
    private readonly read: (
      handler: ReturnType<ExecutionContext['getHandler']>,
      controller: Type,
    ) => T,
  ) {}

  of(context: ExecutionContext): T {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byClass = this.byHandler.get(handler);
    if (!byClass) this.byHandler.set(handler, (byClass = new WeakMap()));
    let value = byClass.get(controller);
    if (value === undefined) {
      value = this.read(handler, controller);
      byClass.set(controller, value);
    }
    return value;
  }
}
