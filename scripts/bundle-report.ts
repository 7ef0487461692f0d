/**
 * Bundle report: builds every Lambda handler exactly as deployment does (lib/bundling.ts settings, AWS SDK external)
 * and prints each bundle's minified size with its largest packages. Fails when a bundle exceeds the 500 KB budget
 * (docs/architecture.md, Targets) or a handler entry is missing.
 *
 *   tsx scripts/bundle-report.ts [entriesDir] [--limit-kb=500]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { HANDLER_NAMES } from '../functions/handlers/catalog.js';
import { lambdaBuildOptions, MAX_BUNDLE_BYTES } from '../lib/bundling.js';

/** Size of one handler's bundle, or why there is none. */
export type BundleMeasurement =
  | { name: string; status: 'built'; bytes: number; packages: { name: string; bytes: number }[] }
  | { name: string; status: 'missing'; entry: string };

/** The package a bundled input file belongs to (`(own code)` for ours). */
const packageOf = (inputPath: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(inputPath);
  return match?.[1] ?? '(own code)';
};

const packagesOf = (metafile: Metafile): { name: string; bytes: number }[] => {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const name = packageOf(path);
      totals.set(name, (totals.get(name) ?? 0) + input.bytesInOutput);
    }
  }
  return [...totals.entries()].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
};

/** Builds `<entriesDir>/<name>.ts` for each name (default: every handler the stacks deploy) and measures it. */
export const measureBundles = async (
  entriesDir: string,
  names: readonly string[] = HANDLER_NAMES,
): Promise<BundleMeasurement[]> =>
  Promise.all(
    names.map(async (name): Promise<BundleMeasurement> => {
      const entry = join(entriesDir, `${name}.ts`);
      if (!existsSync(entry)) return { name, status: 'missing', entry };
      // The bundle alone (no source map), as the 500 KB budget counts it.
      const result = await build({
        ...lambdaBuildOptions(entry, `${name}.mjs`),
        sourcemap: false,
        write: false,
        metafile: true,
      });
      const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
      return { name, status: 'built', bytes, packages: packagesOf(result.metafile) };
    }),
  );

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** The printable report and whether every bundle is present and within `limitBytes`. */
export const formatReport = (
  measurements: readonly BundleMeasurement[],
  limitBytes: number = MAX_BUNDLE_BYTES,
): { text: string; ok: boolean } => {
  const width = Math.max(...measurements.map((measurement) => measurement.name.length));
  const lines = [`Lambda bundles (minified ESM, AWS SDK external), limit ${kb(limitBytes)}:`];
  let ok = true;
  for (const measurement of measurements) {
    const name = measurement.name.padEnd(width);
    if (measurement.status === 'missing') {
      ok = false;
      lines.push(`  ${name}  MISSING  no entry file ${measurement.entry}`);
      continue;
    }
    const over = measurement.bytes > limitBytes;
    if (over) ok = false;
    const largest = measurement.packages
      .slice(0, 3)
      .map((pkg) => `${pkg.name} ${kb(pkg.bytes)}`)
      .join(', ');
    lines.push(`  ${name}  ${kb(measurement.bytes).padStart(9)}  ${over ? 'OVER ' : 'ok   '}  ${largest}`);
  }
  lines.push(ok ? `All ${measurements.length} bundles within ${kb(limitBytes)}.` : 'Bundle report FAILED.');
  return { text: lines.join('\n'), ok };
};

/** CLI: prints the report; resolves to the process exit code. */
export const main = async (argv: readonly string[]): Promise<number> => {
  const limitArg = argv.find((arg) => arg.startsWith('--limit-kb='));
  const limitBytes = limitArg ? Number(limitArg.slice('--limit-kb='.length)) * 1024 : MAX_BUNDLE_BYTES;
  if (!Number.isFinite(limitBytes) || limitBytes <= 0) {
    process.stderr.write(`invalid ${limitArg}\n`);
    return 2;
  }
  const dirArg = argv.find((arg) => !arg.startsWith('--'));
  const entriesDir = dirArg
    ? resolve(dirArg)
    : fileURLToPath(new URL('../functions/lambda', import.meta.url));
  const { text, ok } = formatReport(await measureBundles(entriesDir), limitBytes);
  process.stdout.write(`${text}\n`);
  return ok ? 0 : 1;
};

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bundle report failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
