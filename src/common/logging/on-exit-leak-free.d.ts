/** The package ships no types; what this app uses of it. */
declare module 'on-exit-leak-free' {
  export function register<T extends object>(
    obj: T,
    shutdown: (obj: T, event: 'exit' | 'beforeExit') => void,
  ): void;
  export function unregister(obj: object): void;
}
