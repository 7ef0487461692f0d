import zapier, { type Bundle, type ZObject } from 'zapier-platform-core';
import App from '../../src/index.js';

/** Runs app functions through zapier-platform-core's real handler (middleware, result checks and all). */
export const appTester = zapier.createAppTester(App);

export type AppFunction = (z: ZObject, bundle: Bundle) => unknown;

/** An operation member that must be a function (the definition types also allow request objects). */
export const fn = (value: unknown): AppFunction => {
  if (typeof value !== 'function') throw new Error(`expected a function, got ${typeof value}`);
  return value as AppFunction;
};

/** The error a promise rejects with; fails when it resolves. */
export const rejection = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected a rejection, but the promise resolved');
};

/** A z.errors.Error / ThrottledError carries its fields as JSON in `message`. */
export const errorPayload = (error: Error): Record<string, unknown> => {
  const payload: unknown = JSON.parse(error.message);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new Error(`error message is not a JSON object: ${error.message}`);
  }
  return payload as Record<string, unknown>;
};

export { App };
