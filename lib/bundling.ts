/**
 * How every Lambda handler is bundled, in one place: `ServiceFunction` feeds these settings to the CDK's local
 * esbuild, and `scripts/bundle-report.ts` builds with exactly the same settings to measure each bundle.
 * Plain data on purpose (no CDK import), so the report starts fast.
 */

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
} as const;

/** Design §9: every Lambda bundle stays at or under 500 KB minified. */
export const MAX_BUNDLE_BYTES = 500 * 1024;
