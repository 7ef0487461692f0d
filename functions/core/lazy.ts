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
