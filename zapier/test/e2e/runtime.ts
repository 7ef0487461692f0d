/**
 * The local runtime for the app's end-to-end tests: `test/integration/runtime-harness.ts` (the same handlers and
 * local adapters as `npm start`, on the test run's DynamoDB Local, with the Konnektive simulator and a hook
 * receiver). These files are typechecked by the root tsconfig (they import backend sources), not the app's.
 */
import { expect } from 'vitest';
import type { ReceivedHook } from '../../../local/runtime/hook-receiver.js';
import type { LoggedRequest as SimLoggedRequest } from '../../../local/simulator/index.js';
import { type Harness, startHarness } from '../../../test/integration/runtime-harness.js';

export type { Harness, ReceivedHook, SimLoggedRequest };
/** The Konnektive simulator's in-process API. */
export type Sim = Harness['sim'];
export type SimEnvelope = { result: string; message: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Starts the local runtime through the integration harness (ticks driven by the test). */
export const loadHarness = (): Promise<Harness> => startHarness();

/** `message[field]` of a successful simulator envelope (e.g. the orderId of a new order). */
export const messageField = (envelope: SimEnvelope, field = 'orderId'): string => {
  if (envelope.result !== 'SUCCESS' || !isObject(envelope.message)) {
    throw new Error(`simulator call failed: ${JSON.stringify(envelope)}`);
  }
  return String(envelope.message[field]);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Successful hooks at `path` (what Zapier would have accepted). */
export const hooksAt = (harness: Harness, path: string): ReceivedHook[] =>
  harness.receiver.received.filter((hook) => hook.path === path && hook.status >= 200 && hook.status < 300);

/** The payload of a hook as a JSON object. */
export const payloadOf = (hook: ReceivedHook): Record<string, unknown> => {
  if (!isObject(hook.body) || Array.isArray(hook.body)) {
    throw new Error(`hook at ${hook.path} did not carry a JSON object`);
  }
  return hook.body;
};

/**
 * Ticks the scheduler until the hook with event id `eventId` has arrived at `path`, and returns it. The poll,
 * the bus and the delivery queue are real, so a delivery lands some time after the tick that detected it.
 */
export const tickUntilHook = async (
  harness: Harness,
  path: string,
  eventId: string,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hook = hooksAt(harness, path).find((candidate) => payloadOf(candidate).id === eventId);
    if (hook) return payloadOf(hook);
    if (Date.now() > deadline) {
      const seen = hooksAt(harness, path).map((candidate) => payloadOf(candidate).id);
      throw new Error(`no hook ${eventId} at ${path} within ${timeoutMs} ms (got ${JSON.stringify(seen)})`);
    }
    await harness.tickAndSettle();
    await sleep(200);
  }
};

/** Waits until no delivery is queued or in flight (every detected event has been posted). */
export const deliveriesSettled = async (harness: Harness, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (harness.runtime.queues.deliveries.stats().total > 0) {
    if (Date.now() > deadline) throw new Error(`deliveries still queued after ${timeoutMs} ms`);
    await sleep(50);
  }
};

/**
 * Ticks `ticks` times (each a full poll), letting every delivery finish after each. Windows end on whole
 * seconds, so consecutive ticks are spaced by more than a second to read new time each.
 */
export const tickQuietly = async (harness: Harness, ticks: number): Promise<void> => {
  for (let i = 0; i < ticks; i++) {
    await sleep(1_100);
    await harness.tickAndSettle();
    await deliveriesSettled(harness);
  }
};

/** The only simulator request to `endpoint` in the log; fails when there were none or several. */
export const onlyCall = (harness: Harness, endpoint: string): SimLoggedRequest => {
  const calls = harness.sim.requestLog().filter((entry) => entry.endpoint === endpoint);
  expect(calls.map((entry) => entry.endpoint)).toEqual([endpoint]);
  const [call] = calls;
  if (!call) throw new Error(`no ${endpoint} call`);
  return call;
};
