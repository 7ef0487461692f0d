/**
 * §5 Lambda bundles (target: ≤ 500 KB minified each; module init ≤ 150 ms in a fresh Node 22 process). Each
 * handler is bundled exactly as deployment does (lib/bundling.ts: ESM, minified, source map, AWS SDK and Smithy
 * external) into a temporary directory whose `node_modules` links to the project's, so the external SDK imports
 * resolve as they do against the Lambda runtime's SDK. Init = the time `await import(bundle)` takes in a fresh
 * `node` with the function's environment (no NODE_OPTIONS: the functions run without `--enable-source-maps`, their
 * logger maps stacks when it writes an error); median of N processes.
 * Rows are the bundles as a stage deploys them by default; the same bundles built for a stage with `traceCalls` on
 * are measured in the same loop and summarised in a note.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { TABLES } from '../../functions/adapters/dynamodb/tables.js';
import { HANDLER_NAMES } from '../../functions/handlers/catalog.js';
import { DEFAULT_TRACE_CALLS, lambdaBuildOptions, MAX_BUNDLE_BYTES } from '../../lib/bundling.js';
import type { Section, SectionOutput } from '../lib/context.js';
import { type Row, targetRow } from '../lib/report.js';
import { bytes, median, ms } from '../lib/stats.js';

const run = promisify(execFile);
const MAX_INIT_MS = 150;

/** What a deployed function's environment holds (every variable any handler reads; fake values). */
const lambdaEnvironment = (name: string, traceCalls: boolean): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: `bench-${name}`,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_ACCESS_KEY_ID: 'bench-not-a-key',
  AWS_SECRET_ACCESS_KEY: 'bench-not-a-secret',
  POWERTOOLS_SERVICE_NAME: 'konnektive-zapier',
  POWERTOOLS_METRICS_NAMESPACE: 'KonnektiveZapier',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_LOGGER_LOG_EVENT: 'false',
  POWERTOOLS_TRACE_ENABLED: String(traceCalls),
  POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
  ...Object.fromEntries(Object.values(TABLES).map((table) => [table.envVar, `bench-${table.id}`])),
  KMS_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
  KONNEKTIVE_API_URL: 'https://api.konnektive.com',
  EGRESS_IPS: '192.0.2.10,192.0.2.11',
  HOOK_URL_ALLOWLIST: 'https://hooks.zapier.com/',
  EVENT_BUS_NAME: 'bench-bus',
  POLL_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-polls',
  DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-deliveries',
  DELIVERY_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/bench-dead-letters',
});

/** The SDK packages a process has loaded (what a function's bundle required, for the baseline to load alone). */
const LOADED_SDK = [
  "const { createRequire } = await import('node:module');",
  'const loaded = Object.keys(createRequire(import.meta.url).cache)',
  '  .map((file) => /node_modules\\/(@aws-sdk\\/(?:client-[^/]+|lib-dynamodb))\\//.exec(file)?.[1]).filter(Boolean);',
  'const sdk = [...new Set(loaded)];',
].join(' ');

/** Imports the bundle given as argv[1]; prints how long that took, how long since process start, the SDK it loaded. */
const INIT_SCRIPT = [
  'const started = performance.now();',
  'await import(process.argv[1]);',
  'const done = performance.now();',
  LOADED_SDK,
  'process.stdout.write(JSON.stringify({ importMs: done - started, sinceStartMs: done, sdk }));',
].join(' ');

/**
 * The baseline of one function's init: a fresh process that only loads the SDK packages the function loaded (as
 * the adapters load them: `require`, resolved from the bundle's directory), argv[1] = that directory, argv[2] = the
 * packages as JSON.
 */
const BASELINE_SCRIPT = [
  "const { createRequire } = await import('node:module');",
  "const load = createRequire(process.argv[1] + '/baseline.js');",
  'const started = performance.now();',
  'for (const id of JSON.parse(process.argv[2])) load(id);',
  'const done = performance.now();',
  'process.stdout.write(JSON.stringify({ importMs: done - started }));',
].join(' ');

export const bundlesSection: Section = {
  id: 'bundles',
  title: '5. Lambda bundles (size, module init in a fresh Node process)',
  async run(context): Promise<SectionOutput> {
    const { config, repoRoot } = context;
    const dir = mkdtempSync(join(tmpdir(), 'kz-bench-bundles-'));
    context.cleanup.add('bundle dir', async () => rmSync(dir, { recursive: true, force: true }));
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const { stdout: nodeVersion } = await run(process.execPath, ['--version']);

    context.progress(`§5 bundling ${HANDLER_NAMES.length} handlers`);
    const built = await Promise.all(
      HANDLER_NAMES.map(async (name) => {
        const entry = join(repoRoot, 'functions/lambda', `${name}.ts`);
        const outfile = join(dir, `${name}.mjs`);
        const tracedOutfile = join(dir, `${name}.traced.mjs`);
        await build({ ...lambdaBuildOptions(entry, outfile, DEFAULT_TRACE_CALLS), write: true });
        // The same function from a stage with `traceCalls` on (the other choice), measured alongside.
        await build({ ...lambdaBuildOptions(entry, tracedOutfile, !DEFAULT_TRACE_CALLS), write: true });
        return {
          name,
          outfile,
          tracedOutfile,
          bytes: statSync(outfile).size,
          tracedBytes: statSync(tracedOutfile).size,
        };
      }),
    );

    const rows: Row[] = [];
    const details: Record<string, unknown> = { node: nodeVersion.trim(), handlers: {} };
    const handlers = details.handlers as Record<string, unknown>;
    let largest = built[0];
    let slowest: { name: string; importMs: number } | undefined;
    const ratios: number[] = [];
    const tracedDeltas: number[] = [];
    for (const bundle of built) {
      context.progress(`§5 init ${bundle.name} ×${config.initRuns}`);
      const importMs: number[] = [];
      const tracedImportMs: number[] = [];
      const sinceStartMs: number[] = [];
      const baselineMs: number[] = [];
      let sdk: string[] = [];
      const node = async (args: string[], traceCalls = DEFAULT_TRACE_CALLS) => {
        try {
          const { stdout } = await run(process.execPath, args, {
            env: lambdaEnvironment(bundle.name, traceCalls),
            cwd: dir,
            timeout: 30_000,
          });
          return JSON.parse(stdout) as { importMs: number; sinceStartMs: number; sdk: string[] };
        } catch (error) {
          const stderr = (error as { stderr?: string }).stderr ?? String(error);
          throw new Error(
            `${args.includes(INIT_SCRIPT) ? 'init' : 'baseline'} of ${bundle.name} failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          );
        }
      };
      /** Imports one of the function's bundles in a fresh process with that bundle's environment. */
      const importBundle = (outfile: string, traceCalls: boolean) =>
        node(['--input-type=module', '-e', INIT_SCRIPT, pathToFileURL(outfile).href], traceCalls);
      // The function, its baseline and its traced build alternate, so all see the same load on the machine.
      for (let i = 0; i < config.initRuns; i++) {
        const timing = await importBundle(bundle.outfile, DEFAULT_TRACE_CALLS);
        importMs.push(timing.importMs);
        sinceStartMs.push(timing.sinceStartMs);
        sdk = timing.sdk;
        const baseline = await node(['--input-type=module', '-e', BASELINE_SCRIPT, dir, JSON.stringify(sdk)]);
        baselineMs.push(baseline.importMs);
        tracedImportMs.push((await importBundle(bundle.tracedOutfile, !DEFAULT_TRACE_CALLS)).importMs);
      }
      const init = median(importMs);
      const baseline = median(baselineMs);
      tracedDeltas.push(median(tracedImportMs) - init);
      handlers[bundle.name] = {
        bytes: bundle.bytes,
        tracedBytes: bundle.tracedBytes,
        tracedImportMs,
        medianTracedImportMs: median(tracedImportMs),
        importMs,
        sinceStartMs,
        medianImportMs: init,
        sdk,
        baselineMs,
        medianBaselineMs: baseline,
        ratio: sdk.length > 0 ? init / baseline : null,
      };
      if (sdk.length > 0) ratios.push(init / baseline);
      const against =
        sdk.length > 0 ? `SDK alone ${ms(baseline, 0)} (×${(init / baseline).toFixed(1)})` : 'no SDK';
      if (!largest || bundle.bytes > largest.bytes) largest = bundle;
      if (!slowest || init > slowest.importMs) slowest = { name: bundle.name, importMs: init };
      rows.push(
        targetRow(
          bundle.name,
          `${bytes(bundle.bytes)} · init ${ms(init, 0)} · ${against}`,
          `≤ ${MAX_BUNDLE_BYTES / 1024} KB · ≤ ${MAX_INIT_MS} ms`,
          bundle.bytes <= MAX_BUNDLE_BYTES && init <= MAX_INIT_MS,
        ),
      );
    }
    const startup = Object.values(handlers).map((entry) =>
      median((entry as { sinceStartMs: number[] }).sinceStartMs),
    );
    return {
      rows,
      notes: [
        `${nodeVersion.trim()}, median of ${config.initRuns} fresh processes each; largest ${largest?.name} ${bytes(largest?.bytes ?? 0)}, slowest init ${slowest?.name} ${ms(slowest?.importMs ?? 0, 0)}.`,
        `"SDK alone" = a fresh process (same environment, alternating with the function's) that only requires the SDK packages the function loaded at init (${[...new Set(Object.values(handlers).flatMap((entry) => (entry as { sdk: string[] }).sdk))].length} packages in all); init ÷ SDK alone: ${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}× (the share of init the function adds to the SDK it needs; judge figures from another machine by this ratio).`,
        `As deployed by default (traceCalls ${DEFAULT_TRACE_CALLS ? 'on' : 'off'}): the rows above. The same bundles with traceCalls ${DEFAULT_TRACE_CALLS ? 'off' : 'on'} (measured alternately in the same processes' loop): init ${DEFAULT_TRACE_CALLS ? '' : '+'}${ms(median(tracedDeltas), 0)} median over functions (${ms(Math.min(...tracedDeltas), 0)} to ${ms(Math.max(...tracedDeltas), 0)}), bundles ${bytes(Math.min(...built.map((b) => b.tracedBytes)))}–${bytes(Math.max(...built.map((b) => b.tracedBytes)))}.`,
        `Process start → handler module ready (Node bootstrap included) median over handlers: ${ms(median(startup), 0)}. Lambda runs arm64 at 512 MB; these figures are from this x86 machine.`,
      ],
      details,
    };
  },
};
