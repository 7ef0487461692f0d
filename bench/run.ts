/**
 * `npm run bench` — measures the targets of docs/architecture.md (Targets) on this machine and prints one table (figure, target, PASS/MISS):
 * Konnektive calls per idle tick, pipeline throughput, detection/delivery latency, action overhead, Lambda bundle
 * sizes and module init, poller memory. Results also go to bench/results/latest.json (or `--out`).
 *
 *   npm run bench                     full run (≈ 5 min on 2 cores)
 *   npm run bench -- --quick          ≈ 1 min, smaller sizes
 *   npm run bench -- --only=latency,actions --actions=500
 *
 * Not part of `npm test`: figures depend on the machine. Everything it starts (DynamoDB Local, simulators, the
 * runtime, child processes) is stopped at the end, on failure and on SIGINT/SIGTERM.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startDynamoDbLocal } from '../local/dynamodb/dynamodb-local.js';
import { Cleanup } from './lib/cleanup.js';
import { BenchUsageError, parseBenchArgs } from './lib/config.js';
import type { Section, SectionContext } from './lib/context.js';
import { DynamoMeter } from './lib/dynamo-meter.js';
import { formatTable, type SectionResult } from './lib/report.js';
import { actionOverheadSection } from './sections/action-overhead.js';
import { bundlesSection } from './sections/bundles.js';
import { cadenceSection, soakSection } from './sections/cadence.js';
import { callsPerTickSection } from './sections/calls-per-tick.js';
import { contractVariantsSection } from './sections/contract-variants.js';
import { latencySection } from './sections/latency.js';
import { pollerMemorySection } from './sections/poller-memory.js';
import { throughputSection } from './sections/throughput.js';

const SECTIONS: readonly Section[] = [
  callsPerTickSection,
  throughputSection,
  latencySection,
  actionOverheadSection,
  bundlesSection,
  pollerMemorySection,
  contractVariantsSection,
  cadenceSection,
  soakSection,
];

/** Sections that need DynamoDB Local. */
const NEEDS_DYNAMODB = new Set([
  'calls',
  'throughput',
  'latency',
  'actions',
  'memory',
  'variants',
  'cadence',
  'soak',
]);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const progress = (message: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/**
 * Formats the results file with the project's Biome (when it lies inside the repository), so that `npm run lint`
 * stays green whether or not bench/results/ is committed. A failure only warns.
 */
const formatWithBiome = async (file: string) => {
  const relativePath = relative(repoRoot, file);
  const biome = join(repoRoot, 'node_modules', '.bin', 'biome');
  if (relativePath.startsWith('..') || isAbsolute(relativePath) || !existsSync(biome)) return;
  try {
    await promisify(execFile)(biome, ['format', '--write', relativePath], { cwd: repoRoot, timeout: 30_000 });
  } catch (error) {
    progress(
      `could not format ${relativePath} with Biome: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
};

const main = async (): Promise<number> => {
  const config = parseBenchArgs(process.argv.slice(2));
  const selected = SECTIONS.filter((section) => config.only.some((id) => id === section.id));
  const cleanup = new Cleanup();
  let sectionCleanup: Cleanup | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping everything the benchmark started…`);
    void (async () => {
      await sectionCleanup?.runAll();
      await cleanup.runAll();
    })().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const startedAt = new Date();
  const meter = new DynamoMeter();
  meter.install();
  const results: SectionResult[] = [];
  try {
    let dynamoDbEndpoint = '';
    let dynamoDbPid: number | undefined;
    if (selected.some((section) => NEEDS_DYNAMODB.has(section.id))) {
      progress(
        `starting DynamoDB Local (${config.dynamodbDir ? `on disk at ${config.dynamodbDir}` : 'in memory'})`,
      );
      const dynamo = await startDynamoDbLocal(config.dynamodbDir ? { dataDir: config.dynamodbDir } : {});
      Cleanup.trackPid(dynamo.pid, 'DynamoDBLocal');
      cleanup.add('DynamoDB Local', async () => {
        await dynamo.stop();
        Cleanup.untrackPid(dynamo.pid);
      });
      dynamoDbEndpoint = dynamo.endpoint;
      dynamoDbPid = dynamo.pid;
    }
    for (const section of selected) {
      if (interrupted) break;
      progress(section.title);
      const stepCleanup = new Cleanup();
      sectionCleanup = stepCleanup;
      const context: SectionContext = {
        config,
        dynamoDbEndpoint,
        dynamoDbPid,
        cleanup: stepCleanup,
        meter,
        repoRoot,
        outputDir: dirname(resolve(repoRoot, config.out)),
        progress,
      };
      const started = performance.now();
      try {
        const output = await section.run(context);
        results.push({
          id: section.id,
          title: section.title,
          durationMs: performance.now() - started,
          loadAverage: loadavg()[0],
          ...output,
        });
      } catch (error) {
        progress(
          `${section.title} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        results.push({
          id: section.id,
          title: section.title,
          durationMs: performance.now() - started,
          rows: [],
          notes: [],
          details: {},
          error: error instanceof Error ? error.message : String(error),
        });
      } finally {
        await stepCleanup.runAll();
        sectionCleanup = undefined;
      }
    }
  } finally {
    meter.uninstall();
    await cleanup.runAll();
  }

  const finishedAt = new Date();
  // This run itself keeps about two cores busy (Node + DynamoDB Local's JVM); more than that is other work.
  const busiest = Math.max(0, ...results.map((result) => result.loadAverage ?? 0));
  const contended = busiest > cpus().length + 1.5;
  const header = [
    `Benchmarks (${config.quick ? 'quick' : 'full'} run) — targets of docs/architecture.md`,
    `node ${process.version} · ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''} · ${(totalmem() / 2 ** 30).toFixed(1)} GB · ` +
      `DynamoDB Local ${config.dynamodbDir ? 'on disk' : 'in memory'} · ${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(0)} s`,
    ...(contended
      ? [
          `WARNING: the machine was busy with other work (1-min load average up to ${busiest.toFixed(1)} on ${cpus().length} CPUs): timings are pessimistic.`,
        ]
      : []),
  ];
  process.stdout.write(`\n${header.join('\n')}\n${formatTable(results)}\n`);
  const out = resolve(repoRoot, config.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        mode: config.quick ? 'quick' : 'full',
        machine: {
          node: process.version,
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model,
          totalMemBytes: totalmem(),
        },
        config,
        sections: results,
      },
      (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
      2,
    )}\n`,
  );
  await formatWithBiome(out);
  process.stdout.write(`results: ${out}\n`);
  const failed = results.some((result) => result.error !== undefined);
  return failed ? 1 : 0;
};

main().then(
  // Exit explicitly: keep-alive sockets of stopped clients must not hold the process open.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      error instanceof BenchUsageError
        ? `bench: ${error.message}\n`
        : `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(error instanceof BenchUsageError ? 2 : 1);
  },
);
