/**
 * End to end under several contract variants: `npm start` (started as the README says) against a simulator whose
 * contract is switched at run time through `POST /_sim/contract`. Under each: connect, subscribe the five trigger
 * types, make CRM traffic, and every event arrives exactly once; Konnektive calls of idle polls are reported.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_TYPES, TRANSACTION_TYPES } from '../../functions/core/model.js';
import { freePort } from '../../local/dynamodb/dynamodb-local.js';
import { type HookReceiver, startHookReceiver } from '../../local/runtime/hook-receiver.js';
import { DEMO_USER, type RunningSimulator, startSimulator } from '../../local/simulator/index.js';
import { callApi, deliveredIds, orderIdOf, type SpawnedRuntime, spawnRuntime } from './spawn-runtime.js';

const PRESETS = [
  'default',
  'day-granular-unsorted',
  'alt-texts',
  'void-refunds',
  'campaign-dates-required',
  'worst',
] as const;
/** Every (trigger, type) a Zap can subscribe to. */
const TYPES = [
  ...ORDER_TYPES.map((type) => ['order', type] as const),
  ...TRANSACTION_TYPES.map((type) => ['transaction', type] as const),
];
const DECLINE_CARD = '4000000000000002';
const ROOT = resolve(import.meta.dirname, '../..');

let simulator: RunningSimulator;
let receiver: HookReceiver;
let runtime: SpawnedRuntime | undefined;
let dir: string;

beforeAll(async () => {
  const now = Date.now();
  simulator = await startSimulator({
    port: 0,
    seed: 13,
    logger: () => undefined,
    seedOrders: { count: 300, from: new Date(now - 12 * 3_600_000), to: new Date(now - 600_000) },
  });
  receiver = await startHookReceiver();
  dir = mkdtempSync(join(tmpdir(), 'kz-e2e-matrix-'));
  runtime = await spawnRuntime({
    KONNEKTIVE_API_URL: simulator.url,
    POLL_INTERVAL_SECONDS: '1',
    PORT: String(await freePort()),
    DATA_DIR: dir,
  });
}, 120_000);

afterAll(async () => {
  if (runtime) expect(await runtime.stop()).toBe(0);
  await receiver?.close();
  await simulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const call = (method: string, path: string, body?: unknown, token?: string) =>
  callApi(
    { apiUrl: String(runtime?.apiUrl) },
    method,
    path,
    body,
    token ? { authorization: `Bearer ${token}` } : {},
  );
const idsAt = (path: string) => deliveredIds(receiver, path);

describe('npm start under contract variants (end to end)', { timeout: 180_000 }, () => {
  it.each(PRESETS)('%s: each of the five types delivered exactly once', async (preset) => {
    const switched = await fetch(`${simulator.url}/_sim/contract`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(preset),
    });
    expect(switched.status).toBe(200);
    const session = await call('POST', '/sessions', {
      loginId: DEMO_USER.loginId,
      password: DEMO_USER.password,
    });
    expect(session.status, JSON.stringify(session.body)).toBe(201);
    const token = String(session.body.token);
    for (const [trigger, type] of TYPES) {
      const subscribed = await call(
        'POST',
        '/subscriptions',
        { trigger, type, targetUrl: receiver.hook(`/${preset}/${trigger}/${type}`) },
        token,
      );
      expect(subscribed.status).toBe(201);
    }
    const known = new Set(simulator.sim.listTransactions().map((t) => String(t.transactionId)));
    const { sim } = simulator;
    const lead = orderIdOf(sim.createLead());
    const converted = orderIdOf(sim.createLead());
    const direct = orderIdOf(sim.importOrder());
    const cancelled = orderIdOf(sim.importOrder());
    const refunded = orderIdOf(sim.importOrder());
    expect(sim.importOrder({ cardNumber: DECLINE_CARD, cardSecurityCode: '123' }).result).toBe('ERROR');
    await receiver.waitFor(
      () => idsAt(`/${preset}/order/NEW_LEAD`).includes(`NEW_LEAD-${converted}`),
      60_000,
    );
    orderIdOf(sim.importOrder({ orderId: converted }));
    sim.cancelOrder(cancelled, 'e2e');
    sim.refundOrder(refunded, 'full');
    const fresh = sim.listTransactions().filter((t) => !known.has(String(t.transactionId)));
    const expected: Record<string, string[]> = {
      NEW_LEAD: [`NEW_LEAD-${lead}`, `NEW_LEAD-${converted}`],
      NEW_SALE: [`NEW_SALE-${converted}`, `NEW_SALE-${direct}`],
      CANCELLED: [`CANCELLED-${cancelled}`],
      DECLINE: fresh
        .filter((t) => t.responseType === 'HARD_DECLINE')
        .map((t) => `DECLINE-${t.transactionId}`),
      REFUND: fresh
        .filter((t) => (t.txnType === 'REFUND' || t.txnType === 'VOID') && t.responseType === 'SUCCESS')
        .map((t) => `REFUND-${t.transactionId}`),
    };
    const pathOf = (type: string) =>
      `/${preset}/${type === 'DECLINE' || type === 'REFUND' ? 'transaction' : 'order'}/${type}`;
    await receiver.waitFor(
      () =>
        Object.entries(expected).every(([type, ids]) => ids.every((id) => idsAt(pathOf(type)).includes(id))),
      90_000,
    );
    // More polls re-read the overlap: nothing may arrive twice.
    await new Promise((r) => setTimeout(r, 2_000));
    for (const [type, ids] of Object.entries(expected)) {
      const got = idsAt(pathOf(type));
      if (type === 'NEW_SALE') {
        // The cancelled and the refunded sale may have been seen COMPLETE first; anything else is a bug.
        const others = new Set([`NEW_SALE-${cancelled}`, `NEW_SALE-${refunded}`]);
        expect(got.filter((id) => !others.has(id)).sort(), type).toEqual([...ids].sort());
      } else {
        expect(got.sort(), type).toEqual([...ids].sort());
      }
      expect(new Set(got).size, type).toBe(got.length);
    }
    // Konnektive calls while idle, per second (the scheduler polls every second).
    sim.clearRequestLog();
    await new Promise((r) => setTimeout(r, 3_000));
    const log = sim.requestLog();
    const perSecond = (endpoint: string) =>
      (log.filter((r) => r.endpoint === endpoint && !r.params.orderStatus).length / 3).toFixed(1);
    process.stdout.write(
      `e2e ${preset}: idle calls per second: order/query ${perSecond('order/query')}, transactions/query ${perSecond('transactions/query')}\n`,
    );
  });

  it.each([
    ['default', 'HONOURED'],
    ['worst', 'IGNORED'],
  ])('npm run probe against it (%s) reports the time filters %s, with evidence', async (preset, expected) => {
    await fetch(`${simulator.url}/_sim/contract`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(preset),
    });
    const cli = spawn(
      'npm',
      [
        'run',
        '--silent',
        'probe',
        '--',
        '--api-url',
        String(runtime?.apiUrl),
        '--login-id',
        DEMO_USER.loginId,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, KONNEKTIVE_PASSWORD: DEMO_USER.password },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    cli.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => cli.once('exit', done));
    expect(code, output).toBe(0);
    expect(output).toMatch(new RegExp(`Time filters \\(startTime/endTime\\)\\s+${expected}`));
    expect(output).toMatch(/evidence: order\/query \d{4}-\d\d-\d\d: totalResults \d+ for the day/);
    expect(output).toContain('What the poller does now:');
    expect(output).not.toContain(DEMO_USER.password);
  });
});
