/**
 * A DTO's fast path: a function that checks and converts the common,
 * valid values of the DTO the way class-transformer and class-validator
 * would, and answers `undefined` for anything it is not sure of (an
 * invalid value above all). The global pipe tries it first and, on
 * `undefined`, runs the DTO's class-validator rules as ever, so every
 * refusal keeps its exact answer. A DTO declares it as a static method
 * under this key; its spec compares it with the slow path on generated
 * values.
 */
export const FAST_PATH = Symbol('validation fast path');

export type FastPath = (value: unknown) => object | undefined;

export function fastPathOf(metatype: unknown): FastPath | undefined {
  if (typeof metatype !== 'function') return undefined;
  const fast = (metatype as { [FAST_PATH]?: unknown })[FAST_PATH];
  return typeof fast === 'function' ? (fast as FastPath) : undefined;
}
