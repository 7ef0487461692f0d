/**
 * Starts the local runtime in-process against the test run's DynamoDB Local, an external simulator and a hook
 * receiver — the same handlers and local adapters as `npm start`, with knobs for fast retries.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ORDER_TYPES, TRANSACTION_TYPES } from '../../functions/core/model.js';
import { parseRuntimeEnv } from '../../local/runtime/config.js';
import type { ReceivedHook } from '../../local/runtime/hook-receiver.js';
import { startHookReceiver } from '../../local/runtime/hook-receiver.js';
import { type RunningRuntime, type RuntimeOptions, startRuntime } from '../../local/runtime/runtime.js';
import { DEMO_USER, type StartSimulatorOptions, startSimulator } from '../../local/simulator/index.js';

export const startHarness = async (
  options: RuntimeOptions = {},
  simulatorOptions: StartSimulatorOptions = {},
) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kz-it-'));
  const simulator = await startSimulator({ port: 0, seed: 7, logger: () => undefined, ...simulatorOptions });
  const receiver = await startHookReceiver();
  const lines: string[] = [];
  const runtime: RunningRuntime = await startRuntime(
    parseRuntimeEnv({
      PORT: '0',
      KONNEKTIVE_API_URL: simulator.url,
      POLL_INTERVAL_SECONDS: '3600',
      POLL_SETTLE_SECONDS: '0',
      DATA_DIR: dataDir,
    }),
    {
      dynamoDbEndpoint: inject('dynamoDbEndpoint'),
      tablePrefix: `it-${randomUUID().slice(0, 8)}`,
      quietHandlers: true,
      write: (line) => lines.push(line),
      scheduler: false,
      handlerEnv: { KONNEKTIVE_QUERY_TIMEOUT_MS: '1500' },
      // Retries a second or two apart instead of 5 s, 30 s, 2 min…, so fault tests finish in seconds.
      deliverySettings: { retry: { delaysSeconds: [1, 2], jitter: 0, horizonMs: 96 * 3_600_000 } },
      ...options,
    },
  );
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${runtime.apiUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const connect = async () => {
    const session = await api('POST', '/sessions', {
      loginId: DEMO_USER.loginId,
      password: DEMO_USER.password,
    });
    if (session.status !== 201) throw new Error(`session failed: ${JSON.stringify(session.body)}`);
    return String(session.body.token);
  };
  /** One scheduler tick, then waits until the poll requests it made have been processed. */
  const tickAndSettle = async () => {
    await runtime.tick();
    const deadline = Date.now() + 30_000;
    while (runtime.queues.polls.stats().total > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
  };
  const stop = async () => {
    await runtime.stop();
    await receiver.close();
    await simulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { runtime, simulator, sim: simulator.sim, receiver, api, connect, tickAndSettle, lines, stop };
};

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** The orderId (or other message field) of a simulator envelope. */
export const messageField = (envelope: { result: string; message: unknown }, field = 'orderId'): string => {
  if (envelope.result !== 'SUCCESS' || typeof envelope.message !== 'object' || envelope.message === null) {
    throw new Error(`simulator call failed: ${JSON.stringify(envelope)}`);
  }
  return String((envelope.message as Record<string, unknown>)[field]);
};

/** Every (trigger, type) a Zap can subscribe to. */
export const TRIGGER_TYPES = [
  ...ORDER_TYPES.map((type) => ['order', type] as const),
  ...TRANSACTION_TYPES.map((type) => ['transaction', type] as const),
];

/** Event ids a path of the hook receiver answered with 2xx, in arrival order. */
export const idsAt = (received: ReceivedHook[], path: string) =>
  received
    .filter((hook) => hook.path === path && hook.status >= 200 && hook.status < 300)
    .map((hook) => String((hook.body as Record<string, unknown>).id));

/** Subscribes a hook of the receiver to every trigger type, at `/{prefix}{trigger}/{type}`. */
export const subscribeAll = async (h: Harness, token: string, prefix = '') => {
  for (const [trigger, type] of TRIGGER_TYPES) {
    const response = await h.api(
      'POST',
      '/subscriptions',
      { trigger, type, targetUrl: h.receiver.hook(`/${prefix}${trigger}/${type}`) },
      token,
    );
    if (response.status !== 201)
      throw new Error(`subscribe ${trigger}/${type}: ${JSON.stringify(response.body)}`);
  }
};

/** Ticks until `done` holds (or fails after the timeout). */
export const pollUntil = async (h: Harness, done: () => boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('expected deliveries did not all arrive in time');
    await h.tickAndSettle();
    await new Promise((r) => setTimeout(r, 200));
  }
};
