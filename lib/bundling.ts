/**
 * How every Lambda handler is bundled, in one place: `ServiceFunction` feeds these settings to the CDK's local
 * esbuild, and `scripts/bundle-report.ts` builds with exactly the same settings to measure each bundle.
 * Plain data on purpose (no CDK import), so the report starts fast.
 */
import { fileURLToPath } from 'node:url';

/**
 * Modules left out of the bundle. The Node.js 22 Lambda runtime ships AWS SDK for JavaScript v3 (and the Smithy
 * packages it is built on); bundling them would add ~400 KB per function and break the 500 KB budget (docs/architecture.md, Targets).
 * Smithy goes with the SDK so a bundled Smithy never meets a runtime SDK of another version.
 */
export const EXTERNAL_MODULES: readonly string[] = ['@aws-sdk/*', '@smithy/*'];

/**
 * ESM output has no `require`; CommonJS dependencies bundled into it (the X-Ray SDK behind the Powertools tracer,
 * for one) call `require('node:…')` at run time, so the bundle defines one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Built-in modules the bundle takes through `require` instead of an ESM `import`. An ESM import of a built-in builds a
 * facade that reads every export once, and `node:http`'s exports include lazy getters (`WebSocket`, `MessageEvent`,
 * …) that load Node's bundled undici: 20–30 ms of module init in every function, for the Powertools tracer's
 * `import http from 'node:http'` alone (docs/architecture.md, "Cold start"). Each alias points at a one-line
 * CommonJS shim, so esbuild wraps it and loads the built-in on first use through the banner's `require`; the module
 * object is the same one an import would give.
 */
export const BUILTIN_ALIASES: Readonly<Record<string, string>> = {
  'node:http': fileURLToPath(new URL('./shims/node-http.cjs', import.meta.url)),
};

/** esbuild settings shared by deployment bundling and the bundle report. */
export const LAMBDA_BUNDLE = {
  platform: 'node',
  target: 'node22',
  format: 'esm',
  /** Prefer packages' ESM builds: they tree-shake, their CommonJS builds do not. */
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  /** Stack traces need file names and lines, not the sources: a smaller map, read faster at cold start. */
  sourcesContent: false,
  external: EXTERNAL_MODULES,
  banner: ESM_REQUIRE_BANNER,
  alias: BUILTIN_ALIASES,
} as const;

/**
 * Constants fixed at bundling time. `process.env.POWERTOOLS_TRACE_ENABLED` becomes the stage's `traceCalls` choice:
 * `functions/platform/observability.ts` loads the Powertools tracer only when it is not `'false'`, so a stage without
 * call tracing ships no tracer and no X-Ray SDK at all (about a third of each bundle). The variable is also set in
 * the functions' environment, where Powertools itself reads it.
 */
export const bundleDefines = (traceCalls: boolean): Record<string, string> => ({
  'process.env.POWERTOOLS_TRACE_ENABLED': JSON.stringify(String(traceCalls)),
});

/** Call tracing is off unless a stage turns it on (config/schema.ts, `traceCalls`). */
export const DEFAULT_TRACE_CALLS = false;

/**
 * The esbuild `build()` options for one handler, as deployment bundles it (the bundle report and the benchmark build
 * with these; `ServiceFunction` passes the same settings to the CDK's esbuild).
 */
export const lambdaBuildOptions = (entry: string, outfile: string, traceCalls = DEFAULT_TRACE_CALLS) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  logLevel: 'silent' as const,
  platform: LAMBDA_BUNDLE.platform,
  target: LAMBDA_BUNDLE.target,
  format: LAMBDA_BUNDLE.format,
  mainFields: [...LAMBDA_BUNDLE.mainFields],
  minify: LAMBDA_BUNDLE.minify,
  sourcemap: LAMBDA_BUNDLE.sourceMap,
  sourcesContent: LAMBDA_BUNDLE.sourcesContent,
  external: [...LAMBDA_BUNDLE.external],
  banner: { js: LAMBDA_BUNDLE.banner },
  alias: { ...LAMBDA_BUNDLE.alias },
  define: bundleDefines(traceCalls),
});

/** Design §9: every Lambda bundle stays at or under 500 KB minified. */
export const MAX_BUNDLE_BYTES = 500 * 1024;
