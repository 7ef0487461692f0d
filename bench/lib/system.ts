/**
 * The system under test, in this process: the Konnektive simulator, a hook receiver and the local runtime (the very
 * Lambda handlers with local queues) against the benchmark's own DynamoDB Local — like
 * test/integration/runtime-harness.ts, with LOG_FORMAT=json activity lines captured and parsed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseRuntimeEnv } from '../../local/runtime/config.js';
import { type HookReceiver, startHookReceiver } from '../../local/runtime/hook-receiver.js';
import { type RunningRuntime, type RuntimeOptions, startRuntime } from '../../local/runtime/runtime.js';
import {
  DEMO_USER,
  type RunningSimulator,
  type SimUser,
  startSimulator,
} from '../../local/simulator/index.js';
import type { Cleanup } from './cleanup.js';
import { sleep } from './stats.js';

/** Fake API users for multi-merchant runs (loopback only, like the demo user). */
export const benchUser = (index: number): SimUser => ({
  loginId: `bench-merchant-${index}`,
  password: 'bench-password-not-secret',
  allowedIps: ['127.0.0.0/8', '::1'],
  permissions: '*',
});

const activityLine = z.looseObject({ time: z.string(), kind: z.string() });

/** One parsed activity line (`detected`, `delivered`, `polled`, …) with its time in epoch ms. */
export interface ActivityRecord {
  at: number;
  kind: string;
  fields: Record<string, unknown>;
}

/** Collects the runtime's JSON activity lines. */
export class ActivityRecorder {
  readonly records: ActivityRecord[] = [];
  readonly unparsed: string[] = [];

  readonly write = (line: string): void => {
    try {
      const parsed = activityLine.safeParse(JSON.parse(line));
      if (parsed.success) {
        this.records.push({ at: Date.parse(parsed.data.time), kind: parsed.data.kind, fields: parsed.data });
        return;
      }
    } catch {
      // not JSON: kept below
    }
    if (this.unparsed.length < 100) this.unparsed.push(line);
  };

  of(kind: string): ActivityRecord[] {
    return this.records.filter((record) => record.kind === kind);
  }

  count(kind: string): number {
    let n = 0;
    for (const record of this.records) if (record.kind === kind) n += 1;
    return n;
  }

  clear(): void {
    this.records.length = 0;
  }
}

export interface SystemOptions {
  dynamoDbEndpoint: string;
  cleanup: Cleanup;
  /** Runtime environment (strings, as in `npm start`); PORT, KONNEKTIVE_API_URL, DATA_DIR, LOG_FORMAT are set here. */
  env?: Record<string, string>;
  runtime?: RuntimeOptions;
  /** Simulator API users; default the demo user. */
  users?: SimUser[];
}

export interface BenchSystem {
  runtime: RunningRuntime;
  simulator: RunningSimulator;
  receiver: HookReceiver;
  activity: ActivityRecorder;
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** POST /sessions for a simulator user; returns the bearer token. */
  connect(user?: Pick<SimUser, 'loginId' | 'password'>): Promise<string>;
  subscribe(token: string, trigger: string, type: string, targetUrl: string): Promise<void>;
  /** One scheduler tick, then waits until its poll requests are processed. */
  tickAndSettle(): Promise<void>;
  stop(): Promise<void>;
}

export const startSystem = async (options: SystemOptions): Promise<BenchSystem> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kz-bench-'));
  const removeDir = options.cleanup.add('bench data dir', async () =>
    rmSync(dataDir, { recursive: true, force: true }),
  );
  const simulator = await startSimulator({
    port: 0,
    seed: 7,
    logger: () => undefined,
    users: options.users ?? [DEMO_USER],
    requestLogLimit: 100_000,
  });
  const stopSimulator = options.cleanup.add('simulator', () => simulator.close());
  const receiver = await startHookReceiver();
  const stopReceiver = options.cleanup.add('hook receiver', () => receiver.close());
  const activity = new ActivityRecorder();
  const runtime = await startRuntime(
    parseRuntimeEnv({
      POLL_INTERVAL_SECONDS: '3600',
      POLL_SETTLE_SECONDS: '0',
      ...options.env,
      PORT: '0',
      KONNEKTIVE_API_URL: simulator.url,
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
    }),
    {
      dynamoDbEndpoint: options.dynamoDbEndpoint,
      tablePrefix: `bench-${randomUUID().slice(0, 8)}`,
      quietHandlers: true,
      write: activity.write,
      scheduler: false,
      ...options.runtime,
    },
  );
  const stopRuntime = options.cleanup.add('runtime', () => runtime.stop());

  const api: BenchSystem['api'] = async (method, path, body, headers = {}) => {
    const response = await fetch(`${runtime.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    if (text) {
      const json: unknown = JSON.parse(text);
      parsed =
        typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : { value: json };
    }
    return { status: response.status, body: parsed };
  };

  const connect: BenchSystem['connect'] = async (user = DEMO_USER) => {
    const session = await api('POST', '/sessions', { loginId: user.loginId, password: user.password });
    if (session.status !== 201 || typeof session.body.token !== 'string') {
      throw new Error(
        `POST /sessions for ${user.loginId} answered ${session.status}: ${JSON.stringify(session.body)}`,
      );
    }
    return session.body.token;
  };

  const subscribe: BenchSystem['subscribe'] = async (token, trigger, type, targetUrl) => {
    const response = await api(
      'POST',
      '/subscriptions',
      { trigger, type, targetUrl },
      {
        authorization: `Bearer ${token}`,
      },
    );
    if (response.status !== 201) {
      throw new Error(`POST /subscriptions answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
  };

  const tickAndSettle = async () => {
    await runtime.tick();
    const deadline = Date.now() + 60_000;
    while (runtime.queues.polls.stats().total > 0 && Date.now() < deadline) await sleep(10);
  };

  const stop = async () => {
    await stopRuntime();
    await stopReceiver();
    await stopSimulator();
    await removeDir();
  };

  return { runtime, simulator, receiver, activity, api, connect, subscribe, tickAndSettle, stop };
};
