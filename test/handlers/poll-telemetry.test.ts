/**
 * What the poll handler tells operators: the events it published and how long after their record time
 * (DetectionLatency, one per event), the lag after a poll, a strategy change logged with its evidence and counted by
 * strategy, the calls a poll cost, the events only the reconciliation could find, and failures at Konnektive.
 */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Logs on (vitest's config silences them; the logger reads its level once, when created).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

import { KonnektiveTransientError } from '../../functions/core/konnektive.js';
import { createPollHandler } from '../../functions/handlers/poll-stream.js';
import { logger, metrics } from '../../functions/platform/observability.js';
import { type PollFixture, pollFixture, SETTINGS, T0 } from '../core/triggers/poll-fixture.js';
import { lambdaContext } from '../support/api-gateway.js';
import { order } from '../support/contract-konnektive.js';

let added: Array<[string, number, Record<string, string>]>;
let lines: Record<string, unknown>[];

beforeEach(() => {
  added = [];
  lines = [];
  vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    added.push([name, value, {}]);
    return metrics;
  });
  vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
    const dimensions: Record<string, string> = {};
    const single = {
      addDimension: (key: string, value: string) => {
        dimensions[key] = value;
        return single;
      },
      addMetric: (name: string, _unit: unknown, value: number) => {
        added.push([name, value, dimensions]);
        return single;
      },
    };
    return single as unknown as ReturnType<typeof metrics.singleMetric>;
  });
  const sink = (logger as unknown as { console: Record<'info' | 'warn' | 'error', unknown> }).console;
  for (const method of ['info', 'warn', 'error'] as const) {
    vi.spyOn(sink as Record<typeof method, (...args: unknown[]) => void>, method).mockImplementation(
      (line) => {
        lines.push(JSON.parse(String(line)) as Record<string, unknown>);
      },
    );
  }
});

afterEach(() => {
  vi.restoreAllMocks();
});

const sqs = (body: object) =>
  ({
    Records: [{ messageId: 'm0', body: JSON.stringify(body) }],
  }) as unknown as Parameters<ReturnType<typeof createPollHandler>>[0];

/** A minute after T0, the poll handler on the fixture handles one request for c1's orders. */
const pollAMinuteLater = (f: PollFixture) => {
  const handler = createPollHandler(f.deps, SETTINGS) as (
    event: unknown,
    context: Context,
  ) => Promise<unknown>;
  f.clock.advance(60_000);
  return handler(sqs({ connectionId: 'c1', stream: 'orders' }), lambdaContext(300_000));
};

describe('poll-stream handler telemetry', () => {
  it('logs "poll strategy changed" with the evidence, counts it by strategy, and reports the calls of each poll', async () => {
    const f = await pollFixture();
    f.konnektive.contract = { timeFilters: 'ignored', sorting: 'honoured' };
    for (let i = 0; i < 50; i++) f.konnektive.orders.push(order({ dateCreated: f.at(-(i + 10) * 60_000) }));
    const result = await pollAMinuteLater(f);
    expect(result).toEqual({ batchItemFailures: [] });
    const changed = lines.find((line) => line.message === 'poll strategy changed');
    expect(changed).toMatchObject({
      level: 'WARN',
      connectionId: 'c1',
      stream: 'orders',
      from: 'time-window',
      to: 'newest-first',
      evidence: expect.stringContaining('time filters are ignored'),
    });
    expect(lines.find((line) => line.message === 'poll strategy chosen')).toMatchObject({
      to: 'time-window',
    });
    expect(added).toContainEqual(['PollStrategyChanged', 1, { strategy: 'newest-first' }]);
    expect(added).toContainEqual(['KonnektiveCallsPerPoll', 2, {}]);
    expect(lines.find((line) => line.message === 'polled')).toMatchObject({
      calls: 2,
      strategy: 'newest-first',
    });
  });

  it('counts the events it published and measures each one from its record time to its detection', async () => {
    const f = await pollFixture();
    f.konnektive.orders.push(order({ dateCreated: f.at(10_000) }), order({ dateCreated: f.at(30_000) }));
    const result = await pollAMinuteLater(f);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(added).toContainEqual(['EventsDetected', 2, { type: 'NEW_SALE' }]);
    expect(added).toContainEqual(['EventsPublished', 2, {}]);
    // Detected at T0 + 60 s: 50 s and 30 s after the records were made.
    expect(added.filter(([name]) => name === 'DetectionLatency')).toEqual([
      ['DetectionLatency', 50_000, {}],
      ['DetectionLatency', 30_000, {}],
    ]);
    const hwm = (await f.cursors.get('c1', 'orders'))?.hwm as string;
    expect(added).toContainEqual(['PollLagSeconds', (T0.getTime() + 60_000 - Date.parse(hwm)) / 1000, {}]);
    expect(added.filter(([name]) => name === 'PollErrors')).toEqual([]);
  });

  it('counts a poll that failed at Konnektive and logs it as a warning naming the connection and the stream', async () => {
    const f = await pollFixture();
    f.konnektive.failures = [new KonnektiveTransientError('HTTP 503', 'order/query')];
    const result = await pollAMinuteLater(f);
    // The window is re-read at the next tick; SQS does not retry the request.
    expect(result).toEqual({ batchItemFailures: [] });
    expect(added).toContainEqual(['PollErrors', 1, {}]);
    expect(added.filter(([name]) => name === 'DetectionLatency' || name === 'EventsPublished')).toEqual([]);
    expect(
      lines.find((line) => line.message === 'poll failed at Konnektive; the next tick re-reads the window'),
    ).toMatchObject({
      level: 'WARN',
      connectionId: 'c1',
      stream: 'orders',
      errorClass: 'transient',
    });
  });
});
