/**
 * An object whose properties are built on first read and then kept: process-wide dependencies are only created
 * when a function uses them, so each function needs only its own configuration and clients.
 */
export const lazily = <T extends object>(builders: { readonly [K in keyof T]: () => T[K] }): T => {
  const target = {} as T;
  for (const key of Object.keys(builders) as Array<keyof T>) {
    let built = false;
    let value: T[keyof T] | undefined;
    Object.defineProperty(target, key, {
      enumerable: true,
      get: () => {
        if (!built) {
          value = builders[key]();
          built = true;
        }
        return value;
      },
    });
  }
  return target;
};

/**
 * A value built on first call and then kept: what a request needs only sometimes (one action's schema of five) is
 * not built while the module loads, and is built once per process when first needed.
 */
export const once = <T>(build: () => T): (() => T) => {
  let built = false;
  let value: T | undefined;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
};
