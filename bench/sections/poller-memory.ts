/**
 * §6 Poller memory (target: bounded by one page of 200 records, whatever the backlog). A catch-up of a large
 * backlog: the simulator (a child process, so its data and JSON work are not in this heap) is seeded with N orders
 * over the last few hours, the cursor is reset to before them, and the poll use case runs exactly as the poll Lambda
 * does (pollStream with the DynamoDB stores, the real Konnektive HTTP client and AES cipher) — with a publisher that
 * counts and drops events, as EventBridge takes them off the box.
 *
 * Heap: `heapUsed` minus a post-GC baseline, (a) sampled every 5 ms (includes garbage not yet collected) and
 * (b) right after a forced full GC at each page boundary (when the page's events are published) — the live set,
 * which must not grow with the backlog.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { z } from 'zod';
import { KonnektiveClient } from '../../functions/adapters/konnektive/konnektive-client.js';
import type { DetectedEvent } from '../../functions/core/model.js';
import { DEFAULT_POLL_SETTINGS, pollStream } from '../../functions/core/triggers/poll-stream.js';
import { DEMO_USER } from '../../local/simulator/index.js';
import { startScript } from '../lib/child-process.js';
import type { Section, SectionContext, SectionOutput } from '../lib/context.js';
import { pollerStores } from '../lib/poller-stores.js';
import { infoRow, type Row, targetRow } from '../lib/report.js';
import { bytes, max, median, ms, rate } from '../lib/stats.js';

const TIME_ZONE = 'America/New_York';
/** Backlog of the unreported warm-up run: one-time allocations (clients, caches, lazily loaded code) land there. */
const WARM_UP_BACKLOG = 500;

const requestLogSchema = z.object({ requests: z.array(z.looseObject({ endpoint: z.string().nullable() })) });

/** A full GC on demand (`--expose-gc` turned on at run time, so `npm run bench` needs no node flag). */
const exposeGc = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('could not expose the garbage collector');
  return () => {
    gc();
  };
};

/** Starts `npm run sim` as a child process on a free port; resolves with its URL. */
const startSimulatorProcess = async (
  context: SectionContext,
): Promise<{ url: string; child: ChildProcess }> => {
  const { child, match } = await startScript({
    repoRoot: context.repoRoot,
    cleanup: context.cleanup,
    name: 'simulator process',
    script: 'local/simulator/main.ts',
    args: ['--port', '0', '--seed-orders', '0', '--seed', '11'],
    ready: /http:\/\/127\.0\.0\.1:\d+/,
  });
  return { url: match[0], child };
};

const control = async (url: string, method: string, path: string, body?: unknown): Promise<unknown> => {
  const response = await fetch(`${url}/_sim/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`/_sim/${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
};

interface MemoryRun {
  backlog: number;
  published: number;
  pagesPublished: number;
  queries: number;
  windows: number;
  durationMs: number;
  eventsPerSecond: number;
  peakSampledBytes: number;
  peakLiveBytes: number;
  medianLiveBytes: number;
  retainedAfterBytes: number;
}

export const pollerMemorySection: Section = {
  id: 'memory',
  title: '6. Poller memory (catch-up of a backlog)',
  async run(context): Promise<SectionOutput> {
    const { config } = context;
    const gc = exposeGc();
    const { url } = await startSimulatorProcess(context);
    const { stores, cipher } = await pollerStores(context.dynamoDbEndpoint, 'mem');
    const konnektive = new KonnektiveClient({ baseUrl: url, queryTimeoutMs: 30_000, writeTimeoutMs: 25_000 });

    const rows: Row[] = [];
    const runs: MemoryRun[] = [];
    let pageJsonBytes = 0;
    let pageParsedBytes = 0;
    const sizes = [...config.backlogs].sort((a, b) => a - b);
    for (const [index, backlog] of [WARM_UP_BACKLOG, ...sizes].entries()) {
      const warmUp = index === 0;
      context.progress(
        `§6 ${warmUp ? 'warm-up: ' : ''}backlog ${backlog} orders over ${config.backlogHours} h`,
      );
      const now = Date.now();
      const from = new Date(now - config.backlogHours * 3_600_000);
      await control(url, 'POST', 'reset');
      await control(url, 'POST', 'seed', {
        count: backlog,
        from: from.toISOString(),
        to: new Date(now - 10 * 60_000).toISOString(),
      });
      await control(url, 'DELETE', 'requests');
      if (pageJsonBytes === 0) {
        // The size of one full page on the wire, for scale.
        const day = new Intl.DateTimeFormat('en-US', {
          timeZone: TIME_ZONE,
          month: '2-digit',
          day: '2-digit',
          year: 'numeric',
        }).format(new Date(now - 20 * 60_000));
        const page = await fetch(`${url}/order/query/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            loginId: DEMO_USER.loginId,
            password: DEMO_USER.password,
            startDate: day,
            endDate: day,
            resultsPerPage: '200',
          }).toString(),
        });
        const text = await page.text();
        pageJsonBytes = text.length;
        // The live size of that page once parsed, measured in isolation for comparison.
        gc();
        const before = process.memoryUsage().heapUsed;
        const parsed: unknown = JSON.parse(text);
        gc();
        pageParsedBytes = process.memoryUsage().heapUsed - before;
        if (parsed === null) throw new Error('empty page');
      }

      const connectionId = `c_bench_memory_${backlog}_${randomUUID().slice(0, 6)}`;
      await stores.connections.upsert(
        {
          connectionId,
          loginId: DEMO_USER.loginId,
          encryptedPassword: await cipher.encrypt(DEMO_USER.password, { connectionId }),
          timeZone: TIME_ZONE,
          label: 'bench memory',
          status: 'active',
        },
        new Date(),
      );
      await stores.cursors.reset({
        connectionId,
        stream: 'orders',
        hwm: new Date(from.getTime() - 60_000).toISOString(),
        now: new Date(),
      });

      let published = 0;
      let pages = 0;
      const liveAtPage: number[] = [];
      gc();
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peakSampled = 0;
      const sampler = setInterval(() => {
        peakSampled = Math.max(peakSampled, process.memoryUsage().heapUsed - baseline);
      }, 5);
      const started = performance.now();
      let result: Awaited<ReturnType<typeof pollStream>>;
      try {
        result = await pollStream(
          {
            connections: stores.connections,
            cursors: stores.cursors,
            ledger: stores.ledger,
            cipher,
            konnektive,
            clock: { now: () => new Date() },
            publisher: {
              publish: async (events: DetectedEvent[]) => {
                published += events.length;
                pages += 1;
                gc();
                liveAtPage.push(process.memoryUsage().heapUsed - baseline);
              },
            },
          },
          { connectionId, stream: 'orders', owner: `bench-memory-${backlog}`, remainingMs: () => 900_000 },
          DEFAULT_POLL_SETTINGS,
        );
      } finally {
        clearInterval(sampler);
      }
      const durationMs = performance.now() - started;
      gc();
      const after = process.memoryUsage().heapUsed - baseline;
      const log = requestLogSchema.parse(await control(url, 'GET', 'requests'));
      const queries = log.requests.filter((entry) => entry.endpoint === 'order/query').length;
      const run: MemoryRun = {
        backlog,
        published,
        pagesPublished: pages,
        queries,
        windows: result.windows,
        durationMs,
        eventsPerSecond: rate(published, durationMs),
        peakSampledBytes: peakSampled,
        peakLiveBytes: max(liveAtPage),
        medianLiveBytes: median(liveAtPage),
        retainedAfterBytes: after,
      };
      if (result.status !== 'done') throw new Error(`poll ended ${result.status} for backlog ${backlog}`);
      if (warmUp) continue;
      runs.push(run);
      rows.push(
        infoRow(
          `backlog ${backlog} orders (${published} events, ${queries} queries)`,
          `live +${bytes(run.medianLiveBytes)} median, +${bytes(run.peakLiveBytes)} peak · sampled peak +${bytes(peakSampled)}`,
        ),
      );
      context.progress(
        `§6 ${backlog}: ${published} events in ${ms(durationMs, 0)}, live peak +${bytes(run.peakLiveBytes)}`,
      );
    }
    const first = runs[0];
    const last = runs[runs.length - 1];
    const growth = first && last ? last.peakLiveBytes - first.peakLiveBytes : Number.NaN;
    const budget = Math.max(2 * 1024 * 1024, 0.5 * (first?.peakLiveBytes ?? 0));
    if (first && last && runs.length > 1) {
      rows.push(
        targetRow(
          `live peak growth ${first.backlog} → ${last.backlog} orders`,
          `${growth >= 0 ? '+' : ''}${bytes(growth)}`,
          `flat (≤ ${bytes(budget)})`,
          growth <= budget,
        ),
      );
    }
    return {
      rows,
      notes: [
        `One full page of 200 orders: ${bytes(pageJsonBytes)} of JSON, ${bytes(pageParsedBytes)} parsed (live peak ≈ ${last ? (last.peakLiveBytes / Math.max(1, pageParsedBytes)).toFixed(1) : '?'}× that: the page, its events, in-flight writes); "flat" allows max(2 MB, 50% of the smallest run's peak) of extra live heap for a ${last && first ? (last.backlog / first.backlog).toFixed(0) : '?'}× larger backlog.`,
        `Catch-up speed: ${runs.map((run) => `${run.backlog} → ${run.eventsPerSecond.toFixed(0)} events/s`).join(', ')} (with a full GC per page).`,
      ],
      details: { pageJsonBytes, pageParsedBytes, runs },
    };
  },
};
