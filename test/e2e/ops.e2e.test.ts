/**
 * End to end: `npm run ops -- --local …` as child processes against `npm start` (retry horizon 0 s through
 * DELIVERY_RETRY_SECONDS, so a hook's first failure is a dead letter): a dead letter listed and redriven reaches its
 * hook; a replay re-delivers to the one subscription named, despite its delivered markers, and to no other.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb/dynamodb-local.js';
import { type HookReceiver, startHookReceiver } from '../../local/runtime/hook-receiver.js';
import { DEMO_USER, type RunningSimulator, startSimulator } from '../../local/simulator/index.js';
import { callApi, orderIdOf, type SpawnedRuntime, spawnRuntime } from './spawn-runtime.js';

const ROOT = resolve(import.meta.dirname, '../..');
let simulator: RunningSimulator;
let receiver: HookReceiver;
let runtime: SpawnedRuntime | undefined;
let dir: string;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, seed: 23, logger: () => undefined });
  receiver = await startHookReceiver();
  dir = mkdtempSync(join(tmpdir(), 'kz-ops-e2e-'));
});
afterAll(async () => {
  await runtime?.kill9().catch(() => undefined);
  await receiver.close();
  await simulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm run ops -- <args>` to completion (bounded); its exit code, stdout and stderr. */
const ops = (args: string[], timeoutMs = 120_000) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done, reject) => {
    const child = spawn('npm', ['run', '--silent', 'ops', '--', ...args], {
      cwd: ROOT,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm run ops ${args.join(' ')} hung:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
const opsJson = async (args: string[]) => {
  const result = await ops([...args, '--json']);
  expect(result.stderr, result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
};

const answers = (path: string, id: string) =>
  receiver.received.filter((hook) => hook.path === path && (hook.body as { id?: string }).id === id);

describe('npm run ops against npm start (end to end)', { timeout: 400_000 }, () => {
  it('lists and redrives a dead letter, replays to one subscription despite its markers, lists and retests connections', async () => {
    runtime = await spawnRuntime({
      KONNEKTIVE_API_URL: simulator.url,
      POLL_INTERVAL_SECONDS: '1',
      PORT: String(await freePort()),
      DATA_DIR: dir,
      DELIVERY_RETRY_SECONDS: '0',
    });
    const local = ['--local', runtime.apiUrl];
    const startedAt = new Date(Date.now() - 60_000).toISOString();

    const session = await callApi(runtime, 'POST', '/sessions', {
      loginId: DEMO_USER.loginId,
      password: DEMO_USER.password,
    });
    expect(session.status).toBe(201);
    const auth = { authorization: `Bearer ${String(session.body.token)}` };
    const subscribe = async (path: string) => {
      const created = await callApi(
        runtime as SpawnedRuntime,
        'POST',
        '/subscriptions',
        { trigger: 'order', type: 'NEW_SALE', targetUrl: receiver.hook(path) },
        auth,
      );
      expect(created.status).toBe(201);
      return String(created.body.id);
    };
    const subA = await subscribe('/ops/a');
    const subB = await subscribe('/ops/b');

    // /ops/a fails once: with a 0 s horizon that first failure is a dead letter; /ops/b takes the event.
    receiver.script('/ops/a', { status: 500 });
    const sale = `NEW_SALE-${orderIdOf(simulator.sim.importOrder())}`;
    await receiver.waitFor(
      () => answers('/ops/a', sale).length === 1 && answers('/ops/b', sale).length === 1,
      90_000,
    );

    // dlq list: the one dead letter, naming the failed target only, no payload.
    let listed: { queues: Array<{ queue: string; count: number; sample: Array<Record<string, unknown>> }> } =
      {
        queues: [],
      };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      listed = (await opsJson([...local, 'dlq', 'list'])) as typeof listed;
      if (listed.queues[0]?.count === 1) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(listed.queues).toHaveLength(1);
    expect(listed.queues[0]).toMatchObject({ queue: 'delivery', count: 1 });
    expect(listed.queues[0]?.sample[0]).toMatchObject({
      eventId: sale,
      targets: [subA],
      what: 'order.NEW_SALE',
    });
    expect(JSON.stringify(listed)).not.toContain('"payload"');

    // dlq redrive: /ops/a gets the event (200 now); /ops/b is not posted again.
    expect(await opsJson([...local, 'dlq', 'redrive'])).toMatchObject({
      queue: 'delivery',
      redriven: 1,
      remaining: 0,
    });
    await receiver.waitFor(() => answers('/ops/a', sale).some((hook) => hook.status === 200), 60_000);
    expect(answers('/ops/b', sale)).toHaveLength(1);

    // replay to /ops/b only: posted again despite its marker; /ops/a (also delivered) is not.
    const replayed = await opsJson([
      ...local,
      'replay',
      '--from',
      startedAt,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
      '--subscription',
      subB,
    ]);
    expect(replayed).toMatchObject({ subscriptionId: subB, what: 'order.NEW_SALE' });
    expect(replayed.eventIds).toContain(sale);
    await receiver.waitFor(() => answers('/ops/b', sale).length === 2, 60_000);
    const aBefore = answers('/ops/a', sale).length;
    // A second replay of the same range posts again (its own markers), still only to /ops/b.
    await opsJson([
      ...local,
      'replay',
      '--from',
      startedAt,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
      '--subscription',
      subB,
    ]);
    await receiver.waitFor(() => answers('/ops/b', sale).length === 3, 60_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(answers('/ops/a', sale)).toHaveLength(aBefore);
    expect(answers('/ops/b', sale)).toHaveLength(3);

    // connections list and retest.
    const connections = (await opsJson([...local, 'connections', 'list'])) as {
      connections: Array<{ connectionId: string; status: string; subscriptions: { total: number } }>;
    };
    expect(connections.connections).toHaveLength(1);
    const [connection] = connections.connections;
    expect(connection).toMatchObject({ status: 'active', subscriptions: { total: 2 } });
    expect(await opsJson([...local, 'connections', 'retest', connection?.connectionId ?? ''])).toMatchObject({
      status: 'active',
      marked: false,
    });

    // Failures: one line naming the flag or the thing, exit 1.
    const badRange = await ops([
      ...local,
      'replay',
      '--from',
      'yesterday',
      '--to',
      startedAt,
      '--subscription',
      subB,
    ]);
    expect(badRange.code).toBe(1);
    expect(badRange.stderr.trim()).toMatch(/^npm run ops: --from: must be an ISO-8601 instant/);
    const unknown = await ops([...local, 'connections', 'retest', 'conn_nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('npm run ops: No connection conn_nope (HTTP 404)');
    const text = await ops([...local, 'dlq', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('delivery: 0 message(s)');

    expect(await runtime.stop()).toBe(0);
    runtime = undefined;
  });
});
