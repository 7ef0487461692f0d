import zapier from 'zapier-platform-core';
import { App } from './app.js';

export type Json = Record<string, unknown>;

export const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a path of keys and indexes, or undefined. */
export const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((node, key) => {
    if (Array.isArray(node) && typeof key === 'number') return node[key];
    return isJson(node) ? node[String(key)] : undefined;
  }, value);

/** The objects of an array (fields, choices). */
export const fields = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isJson) : []);

/** The field with `key` in a field list; fails when there is none. */
export const fieldByKey = (list: unknown, key: string): Json => {
  const field = fields(list).find((candidate) => candidate.key === key);
  if (!field) throw new Error(`no field ${key}`);
  return field;
};

/**
 * The compiled, serialized definition exactly as `zapier-platform validate` and `push` see it: core's handler
 * compiles the app and replaces functions by `$func$…` pointers.
 */
export const compiledDefinition = async (): Promise<Json> => {
  const createAppHandler: unknown = Reflect.get(zapier, 'createAppHandler');
  if (typeof createAppHandler !== 'function') throw new Error('zapier-platform-core has no createAppHandler');
  const handler: unknown = createAppHandler(App);
  if (typeof handler !== 'function') throw new Error('createAppHandler did not return a handler');
  const response: unknown = await handler({ command: 'definition' });
  const definition = at(response, 'results');
  if (!isJson(definition)) throw new Error('no definition in the handler response');
  return definition;
};
