/**
 * Stack traces in the source's terms, paid for only when an error is logged. The Lambda bundles ship a source map
 * next to the bundle (`index.mjs.map`) but do not run with `--enable-source-maps`: that flag parses the map while the
 * module loads, about 10 ms of every cold start (docs/architecture.md, "Cold start"). Instead the logger maps the
 * `stack` and `location` of each error it writes (observability.ts), reading and parsing the map the first time one
 * is needed. Unbundled code (tests, the local runtime) has no map beside it and its stacks are left as they are.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** In a bundle, this module's URL is the bundle's own (file:///var/task/index.mjs in Lambda). */
const BUNDLE_URL = import.meta.url;

/** Lines of a stack (or a bare location) pointing into the given file: URL or path, then line and column. */
const framesIn = (file: string) =>
  new RegExp(`(?:${escapeRegExp(pathToUrl(file))}|${escapeRegExp(file)}):(\\d+):(\\d+)`, 'g');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pathToUrl = (path: string) => (path.startsWith('file://') ? path : `file://${path}`);

export interface StackMapper {
  /** `text` with every `<bundle>:line:column` replaced by `<source>:line:column` where the map knows the place. */
  (text: string): string;
}

/**
 * A mapper for the bundle at `bundleUrl`, whose map is `<bundle>.map` (read on the first call that finds a frame in
 * the bundle; absent or unreadable: nothing is mapped, ever, and nothing throws).
 */
export const stackMapperFor = (bundleUrl: string): StackMapper => {
  if (!bundleUrl.startsWith('file:')) return (text) => text;
  const bundlePath = fileURLToPath(bundleUrl);
  const pattern = framesIn(bundlePath);
  let map: SourceMap | null | undefined;
  const load = (): SourceMap | null => {
    if (map !== undefined) return map;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')));
    } catch {
      map = null;
    }
    return map;
  };
  return (text) => {
    if (!text.includes(bundlePath)) return text;
    return text.replace(pattern, (frame, line: string, column: string) => {
      const origin = load()?.findOrigin(Number(line), Number(column));
      if (!origin || !('fileName' in origin)) return frame;
      // Paths in the map are relative to the bundle's directory; the build machine's layout means nothing in Lambda.
      const source = origin.fileName.replace(/^(?:\.\.\/)+/, '');
      return `${source}:${origin.lineNumber}:${origin.columnNumber}`;
    });
  };
};

/** The mapper of the bundle this module is part of. */
export const mapBundleStack: StackMapper = stackMapperFor(BUNDLE_URL);

/**
 * A copy of `error` (same prototype, same own properties, so a logger still sees its name, message and extra fields)
 * whose stack, and its causes' stacks, are mapped; `error` itself is left alone. Not an Error, or nothing to map:
 * `error` is returned as it is.
 */
export const withMappedStack = <T>(error: T, map: StackMapper = mapBundleStack): T => {
  if (!(error instanceof Error)) return error;
  const stack = typeof error.stack === 'string' ? map(error.stack) : error.stack;
  const cause = withMappedStack(error.cause, map);
  if (stack === error.stack && cause === error.cause) return error;
  const copy = Object.create(Object.getPrototypeOf(error)) as Error;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  Object.defineProperty(copy, 'stack', { value: stack, writable: true, configurable: true });
  if (cause !== error.cause)
    Object.defineProperty(copy, 'cause', { value: cause, writable: true, configurable: true });
  return copy as T;
};
