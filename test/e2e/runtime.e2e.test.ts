/**
 * End to end: the runtime started as the README says (`npm start` + the environment contract), driven over HTTP.
 * The simulator runs in the test process (KONNEKTIVE_API_URL) so its data outlives runtime restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLL_SETTINGS } from '../../functions/core/triggers/settings.js';
import { freePort } from '../../local/dynamodb/dynamodb-local.js';
import { type HookReceiver, startHookReceiver } from '../../local/runtime/hook-receiver.js';
import { DEMO_USER, type RunningSimulator, startSimulator } from '../../local/simulator/index.js';
import {
  callApi,
  deliveredIds,
  orderIdOf,
  runFailingRuntime,
  type SpawnedRuntime,
  spawnRuntime,
} from './spawn-runtime.js';

let simulator: RunningSimulator;
let receiver: HookReceiver;
const spawned: SpawnedRuntime[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, seed: 11, logger: () => undefined });
  receiver = await startHookReceiver();
});
afterEach(async () => {
  for (const runtime of spawned.splice(0)) await runtime.kill9().catch(() => undefined);
});
afterAll(async () => {
  await receiver.close();
  await simulator.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kz-e2e-'));
  dirs.push(dir);
  return dir;
};

const start = async (env: Record<string, string>) => {
  const runtime = await spawnRuntime({
    KONNEKTIVE_API_URL: simulator.url,
    POLL_INTERVAL_SECONDS: '1',
    ...env,
  });
  spawned.push(runtime);
  return runtime;
};

const call = callApi;
const idsAt = (path: string) => deliveredIds(receiver, path);

/** Connects as the demo user and subscribes a New Sale Zap posting to the receiver's `path`. */
const subscribeSales = async (runtime: SpawnedRuntime, path: string) => {
  const session = await call(runtime, 'POST', '/sessions', {
    loginId: DEMO_USER.loginId,
    password: DEMO_USER.password,
  });
  const auth = { authorization: `Bearer ${String(session.body.token)}` };
  const created = await call(
    runtime,
    'POST',
    '/subscriptions',
    { trigger: 'order', type: 'NEW_SALE', targetUrl: receiver.hook(path) },
    auth,
  );
  expect(created.status).toBe(201);
};

/** Starts again on the same data and expects every one of `sales` at `path` exactly once, then stops cleanly. */
const restartExpectingEachOnce = async (port: string, dir: string, path: string, sales: string[]) => {
  const second = await start({ PORT: port, DATA_DIR: dir });
  await receiver.waitFor(() => sales.every((id) => idsAt(path).includes(id)), 90_000);
  await new Promise((r) => setTimeout(r, 3_000));
  const got = idsAt(path);
  expect(got.filter((id) => sales.includes(id)).sort()).toEqual([...sales].sort());
  expect(new Set(got).size).toBe(got.length);
  expect(await second.stop()).toBe(0);
};

// Each step waits on events with its own explicit bound (60–90 s); the test's bound sits above their sum, so a busy
// machine makes the run slower, not red.
describe('npm start (end to end)', { timeout: 300_000 }, () => {
  it('serves session, subscriptions, hooks, actions and unsubscribe over HTTP', async () => {
    // As from a plain shell: none of the Powertools settings the test runner sets for its own process.
    const runtime = await start({
      PORT: String(await freePort()),
      DATA_DIR: dataDir(),
      POWERTOOLS_METRICS_DISABLED: '',
      POWERTOOLS_LOG_LEVEL: '',
    });
    const session = await call(runtime, 'POST', '/sessions', {
      loginId: DEMO_USER.loginId,
      password: DEMO_USER.password,
    });
    expect(session.status).toBe(201);
    const auth = { authorization: `Bearer ${String(session.body.token)}` };
    expect((await call(runtime, 'GET', '/me', undefined, auth)).body).toMatchObject({
      loginId: DEMO_USER.loginId,
    });

    const leadSub = await call(
      runtime,
      'POST',
      '/subscriptions',
      { trigger: 'order', type: 'NEW_LEAD', targetUrl: receiver.hook('/e2e/lead') },
      auth,
    );
    const saleSub = await call(
      runtime,
      'POST',
      '/subscriptions',
      { trigger: 'order', type: 'NEW_SALE', targetUrl: receiver.hook('/e2e/sale') },
      auth,
    );
    expect(leadSub.status).toBe(201);
    expect(saleSub.status).toBe(201);

    // Traffic made in the CRM, and a lead created through our own action.
    const crmSale = orderIdOf(simulator.sim.importOrder());
    const action = await call(
      runtime,
      'POST',
      '/actions/create_lead',
      {
        campaignId: 1,
        firstName: 'Ada',
        lastName: 'Example',
        emailAddress: 'ada@example.com',
        phoneNumber: '5555550123',
      },
      { ...auth, 'idempotency-key': 'e2e-lead-1' },
    );
    expect(action.status).toBe(200);
    const actionLead = String(action.body.orderId);
    await receiver.waitFor(
      () =>
        idsAt('/e2e/sale').includes(`NEW_SALE-${crmSale}`) &&
        idsAt('/e2e/lead').includes(`NEW_LEAD-${actionLead}`),
      60_000,
    );

    // Unsubscribe stops deliveries.
    expect(
      (await call(runtime, 'DELETE', `/subscriptions/${String(leadSub.body.id)}`, undefined, auth)).status,
    ).toBe(204);
    const afterUnsubscribe = orderIdOf(simulator.sim.createLead());
    const marker = orderIdOf(simulator.sim.importOrder());
    await receiver.waitFor(() => idsAt('/e2e/sale').includes(`NEW_SALE-${marker}`), 60_000);
    expect(idsAt('/e2e/lead')).not.toContain(`NEW_LEAD-${afterUnsubscribe}`);

    expect(await runtime.stop()).toBe(0);
    expect(runtime.output()).toContain('stopped');
    // The console shows the activity lines only: no CloudWatch metric documents, no handler INFO logs.
    expect(runtime.output()).not.toContain('"_aws"');
    expect(runtime.output()).not.toContain('"level":"INFO"');
  });

  it('after kill -9 and a restart on the same DATA_DIR, loses nothing and delivers nothing twice', async () => {
    const port = String(await freePort());
    const dir = dataDir();
    const first = await start({ PORT: port, DATA_DIR: dir });
    await subscribeSales(first, '/crash');
    // The first deliveries hang at the receiver, so the crash lands mid-stream with POSTs in flight.
    receiver.script('/crash', ...Array.from({ length: 4 }, () => ({ status: 200, delayMs: 30_000 })));
    const sales = Array.from({ length: 12 }, () => `NEW_SALE-${orderIdOf(simulator.sim.importOrder())}`);
    const deadline = Date.now() + 60_000;
    while ((receiver.pending() < 4 || idsAt('/crash').length < 8) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(receiver.pending()).toBe(4);
    // Let the delivered markers of the answered POSTs land: the crash must hit in-flight POSTs, not the one
    // documented window between a 2xx and its marker write.
    await new Promise((r) => setTimeout(r, 1_000));
    await first.kill9();
    spawned.splice(spawned.indexOf(first), 1);
    // Nothing more is created while it is down; then it comes back on the same data.
    await restartExpectingEachOnce(port, dir, '/crash', sales);
  });

  it('after kill -9 mid-poll and a restart, detection p99 stays within interval + lease + 2 s', async () => {
    const intervalSeconds = 2;
    const bound = intervalSeconds * 1000 + DEFAULT_POLL_SETTINGS.leaseMs + 2_000;
    const port = String(await freePort());
    const dir = dataDir();
    const env = {
      PORT: port,
      DATA_DIR: dir,
      LOG_FORMAT: 'json',
      POLL_INTERVAL_SECONDS: String(intervalSeconds),
    };
    const first = await start(env);
    await subscribeSales(first, '/lease');
    const createdAt = new Map<string, number>();
    const sell = () => {
      const orderId = orderIdOf(simulator.sim.importOrder());
      createdAt.set(orderId, Date.now());
      return orderId;
    };
    const warm = sell();
    await receiver.waitFor(() => idsAt('/lease').includes(`NEW_SALE-${warm}`), 60_000);
    // Slow order reads: a poll holds the stream's lease for 6 s at a time, so the kill lands mid-poll.
    simulator.sim.setFaults({ latencyMs: 6_000, endpoints: ['order/query'] });
    for (let i = 0; i < 4; i++) {
      sell();
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await first.kill9();
    spawned.splice(spawned.indexOf(first), 1);
    simulator.sim.setFaults({ latencyMs: 0, endpoints: null });
    // Sales keep coming while it is down, while it restarts and after: five a second, so the run has well over 100
    // detections and its p99 is a percentile, not simply the slowest sale.
    let selling = true;
    const seller = (async () => {
      while (selling) {
        sell();
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const second = await start(env);
    await new Promise((r) => setTimeout(r, 20_000));
    selling = false;
    await seller;
    const expected = [...createdAt.keys()].map((id) => `NEW_SALE-${id}`);
    await receiver.waitFor(() => expected.every((id) => idsAt('/lease').includes(id)), 90_000);
    // Detection = the earliest `detected` line of either process − when the sale was created.
    const detectedAt = new Map<string, number>();
    for (const line of `${first.output()}\n${second.output()}`.split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { kind?: string; time?: string; recordId?: string };
      if (entry.kind !== 'detected' || !entry.recordId || !entry.time) continue;
      const at = Date.parse(entry.time);
      detectedAt.set(entry.recordId, Math.min(at, detectedAt.get(entry.recordId) ?? at));
    }
    const latencies = [...createdAt].map(
      ([id, created]) => (detectedAt.get(id) ?? Number.POSITIVE_INFINITY) - created,
    );
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.ceil(0.99 * latencies.length) - 1] ?? Number.POSITIVE_INFINITY;
    expect(latencies.length).toBeGreaterThan(100);
    expect(p99, `detection latencies (ms): ${latencies.join(', ')}`).toBeLessThanOrEqual(bound);
    const got = idsAt('/lease');
    expect(new Set(got).size).toBe(got.length);
    expect(await second.stop()).toBe(0);
  });

  it('a graceful stop (SIGTERM to the process group) during traffic lets in-flight writes finish: a restart loses nothing and posts nothing twice', async () => {
    const port = String(await freePort());
    const dir = dataDir();
    const first = await start({ PORT: port, DATA_DIR: dir, LOG_FORMAT: 'json' });
    await subscribeSales(first, '/graceful');
    // Some answers take 2 s, so the stop lands with POSTs in flight (they finish within the stop's grace).
    receiver.script(
      '/graceful',
      ...Array.from({ length: 20 }, (_, i) => ({ status: 200, ...(i % 4 === 3 ? { delayMs: 2_000 } : {}) })),
    );
    const sales: string[] = [];
    for (let i = 0; i < 40; i++) sales.push(`NEW_SALE-${orderIdOf(simulator.sim.importOrder())}`);
    const deadline = Date.now() + 60_000;
    while ((receiver.pending('/graceful') === 0 || idsAt('/graceful').length < 5) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(receiver.pending('/graceful')).toBeGreaterThan(0);
    expect(await first.stop()).toBe(0);
    spawned.splice(spawned.indexOf(first), 1);
    // Every write finished before DynamoDB Local stopped: no store call failed on the way out.
    expect(first.output()).not.toMatch(/ECONNREFUSED|StoreError|handler failed/);
    expect(receiver.pending('/graceful')).toBe(0);

    await restartExpectingEachOnce(port, dir, '/graceful', sales);
  });

  it.each([
    [{ POLL_INTERVAL_SECONDS: 'soon' }, /POLL_INTERVAL_SECONDS/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ KONNEKTIVE_API_URL: 'http://127.0.0.1:9' }, /KONNEKTIVE_API_URL .* unreachable/],
  ])('refuses bad environment %j with a clear message and a non-zero exit', async (env, message) => {
    const result = await runFailingRuntime({ DATA_DIR: dataDir(), PORT: '0', ...env });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(message);
    expect(result.output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses a busy port with a clear message', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      const result = await runFailingRuntime({ DATA_DIR: dataDir(), PORT: String(port) });
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(`PORT ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
