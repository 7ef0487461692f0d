/**
 * The operational metrics as the deployed handlers emit them, through the real middy chain and the factories the
 * Lambda entries use: the stream monitor's gauges and heartbeat, the dispatcher's heartbeat, StoredCredentialsRejected
 * (from stored passwords only — samples, dropdowns, actions, polls — never from a connect attempt) and the delivery
 * latency (record time → the hook's 2xx).
 */
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Logs on (vitest's config silences them; the logger reads its level once, when created): the per-connection lines
// are part of what is checked.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

import { KonnektiveAuthError } from '../../functions/core/konnektive.js';
import { createSession } from '../../functions/core/session/create-session.js';
import { createSessionRequestSchema } from '../../functions/core/session/schemas.js';
import { DEFAULT_DISPATCH_SETTINGS } from '../../functions/core/triggers/dispatch.js';
import { createDispatchHandler } from '../../functions/handlers/dispatch-polls.js';
import { HANDLER_FACTORIES } from '../../functions/handlers/index.js';
import {
  emitDeliveryLatency,
  emitDetectionLatency,
  logger,
  metrics,
  msSinceOccurred,
} from '../../functions/platform/observability.js';
import { apiEvent, lambdaContext } from '../support/api-gateway.js';
import { fakeContainer } from '../support/fake-container.js';
import { createFakes, type Fakes } from '../support/fakes.js';
import { ScriptedHookSender } from '../support/trigger-fakes.js';

const NOW = '2026-11-25T12:00:00.000Z';
const ago = (ms: number) => new Date(Date.parse(NOW) - ms).toISOString();

/** Metrics added (name, value) and JSON log lines, captured instead of printed. */
let added: [string, number][];
let lines: Record<string, unknown>[];
let fakes: Fakes;

const container = () =>
  fakeContainer(fakes, { egressIps: ['203.0.113.10'], hookAllowlist: ['https://hooks.zapier.com/'] });

const scheduled = { 'detail-type': 'Scheduled Event', source: 'aws.scheduler', detail: {} };
const valuesOf = (name: string) => added.filter(([metric]) => metric === name).map(([, value]) => value);

beforeEach(() => {
  added = [];
  lines = [];
  vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
    added.push([name, value]);
    return metrics;
  });
  const sink = (logger as unknown as { console: Record<'info' | 'warn' | 'error', unknown> }).console;
  for (const method of ['info', 'warn', 'error'] as const) {
    vi.spyOn(sink as Record<typeof method, (...args: unknown[]) => void>, method).mockImplementation(
      (line) => {
        lines.push(JSON.parse(String(line)) as Record<string, unknown>);
      },
    );
  }
  fakes = createFakes(NOW);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('monitor-streams', () => {
  const run = () =>
    (
      HANDLER_FACTORIES['monitor-streams'](container()) as (
        event: unknown,
        context: Context,
      ) => Promise<unknown>
    )(scheduled, lambdaContext());

  it('publishes every gauge and its heartbeat on every run, zeros included, so silence only means "not running"', async () => {
    expect(await run()).toEqual({
      streamsInUse: 0,
      maxStalenessSeconds: 0,
      stuckLeases: 0,
      invalidConnectionsInUse: 0,
    });
    expect(added).toEqual([
      ['StreamStalenessSeconds', 0],
      ['StreamsInUse', 0],
      ['StuckLeases', 0],
      ['InvalidConnectionsInUse', 0],
      ['MonitorHeartbeat', 1],
    ]);
  });

  it('logs one line per stream with its connection (for Contributor Insights) and publishes the worst staleness', async () => {
    for (const [connectionId, status] of [
      ['c1', 'active'],
      ['c2', 'invalid'],
    ] as const) {
      await fakes.connections.upsert(
        {
          connectionId,
          loginId: connectionId,
          encryptedPassword: 'x',
          timeZone: 'UTC',
          label: connectionId,
          status,
        },
        fakes.clock.now(),
      );
      await fakes.subscriptions.put({
        subscriptionId: `s-${connectionId}`,
        connectionId,
        trigger: 'order',
        type: 'NEW_SALE',
        targetUrl: 'https://hooks.zapier.com/x',
        createdAt: ago(3_600_000),
      });
      fakes.cursors.items.set(`${connectionId}/orders`, {
        connectionId,
        stream: 'orders',
        hwm: ago(connectionId === 'c1' ? 90_000 : 7_200_000),
        version: 1,
      });
    }
    await run();
    expect(valuesOf('StreamStalenessSeconds')).toEqual([90]);
    expect(valuesOf('InvalidConnectionsInUse')).toEqual([1]);
    const health = lines.filter((line) => line.message === 'stream health');
    expect(health).toEqual([
      expect.objectContaining({ level: 'INFO', connectionId: 'c1', stream: 'orders', stalenessSeconds: 90 }),
      expect.objectContaining({
        level: 'WARN',
        connectionId: 'c2',
        stream: 'orders',
        connectionStatus: 'invalid',
        stalenessSeconds: 7200,
      }),
    ]);
  });

  it('calls no Konnektive API', async () => {
    await fakes.subscriptions.put({
      subscriptionId: 's1',
      connectionId: 'c1',
      trigger: 'transaction',
      type: 'REFUND',
      targetUrl: 'https://hooks.zapier.com/x',
      createdAt: ago(0),
    });
    await run();
    expect(fakes.konnektive.calls).toEqual([]);
  });
});

describe('dispatch-polls', () => {
  it('beats DispatcherHeartbeat once per tick that queued its polls', async () => {
    const handler = createDispatchHandler(
      { subscriptions: fakes.subscriptions, pollQueue: { enqueue: async () => {} }, clock: fakes.clock },
      DEFAULT_DISPATCH_SETTINGS,
    );
    await handler(scheduled, lambdaContext());
    await handler(scheduled, lambdaContext());
    expect(valuesOf('DispatcherHeartbeat')).toEqual([1, 1]);
  });

  it('does not beat when the tick fails (a dispatcher that keeps failing is as dead as a stopped schedule)', async () => {
    await fakes.subscriptions.put({
      subscriptionId: 's1',
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: 'https://hooks.zapier.com/x',
      createdAt: ago(0),
    });
    const handler = createDispatchHandler(
      {
        subscriptions: fakes.subscriptions,
        pollQueue: {
          enqueue: async () => {
            throw new Error('AccessDenied');
          },
        },
        clock: fakes.clock,
      },
      DEFAULT_DISPATCH_SETTINGS,
    );
    await expect(handler(scheduled, lambdaContext())).rejects.toThrow('AccessDenied');
    expect(valuesOf('DispatcherHeartbeat')).toEqual([]);
  });
});

describe('StoredCredentialsRejected', () => {
  const connect = async (password = 'fake-pass-1') =>
    createSession(
      { ...fakes, egressIps: [] },
      createSessionRequestSchema.parse({ loginId: 'api-user', password }),
    );
  const call = (name: 'get-samples' | 'list-campaigns' | 'run-action' | 'create-session', token?: string) => {
    const handler = HANDLER_FACTORIES[name](container()) as (
      event: unknown,
      context: Context,
    ) => Promise<unknown>;
    const events = {
      'get-samples': apiEvent({
        method: 'GET',
        path: '/triggers/order/samples',
        routeKey: 'GET /triggers/{trigger}/samples',
        pathParameters: { trigger: 'order' },
        query: { type: 'NEW_SALE' },
        ...(token ? { token } : {}),
      }),
      'list-campaigns': apiEvent({ method: 'GET', path: '/campaigns', ...(token ? { token } : {}) }),
      'run-action': apiEvent({
        method: 'POST',
        path: '/actions/cancel_order',
        routeKey: 'POST /actions/{action}',
        pathParameters: { action: 'cancel_order' },
        body: { orderId: 'ABC', cancelReason: 'asked' },
        ...(token ? { token } : {}),
      }),
      'create-session': apiEvent({
        method: 'POST',
        path: '/sessions',
        body: { loginId: 'api-user', password: 'mistyped' },
      }),
    };
    return handler(events[name], lambdaContext());
  };

  it.each([
    ['get-samples', 'queryOrders'],
    ['list-campaigns', 'queryCampaigns'],
    ['run-action', 'cancelOrder'],
  ] as const)(
    '%s: counts a stored password Konnektive refuses, and logs the connection',
    async (name, method) => {
      const { token } = await connect();
      fakes.konnektive.failNext(method, new KonnektiveAuthError('Could not authenticate credentials', 'x'));
      await call(name, token);
      expect(valuesOf('StoredCredentialsRejected')).toEqual([1]);
      const connectionId = [...fakes.connections.items.keys()][0];
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'WARN',
          connectionId,
          message: expect.stringContaining('marked invalid'),
        }),
      );
    },
  );

  it('poll-stream: counts a stored password Konnektive refuses while polling; the poll failure is a WARN naming the stream', async () => {
    await connect();
    const connectionId = [...fakes.connections.items.keys()][0] as string;
    fakes.cursors.items.set(`${connectionId}/orders`, {
      connectionId,
      stream: 'orders',
      hwm: ago(600_000),
      version: 1,
    });
    fakes.konnektive.failNext(
      'queryOrders',
      new KonnektiveAuthError('Could not authenticate credentials', 'order/query'),
    );
    const handler = HANDLER_FACTORIES['poll-stream'](container()) as (
      event: unknown,
      context: Context,
    ) => Promise<unknown>;
    const result = await handler(
      { Records: [{ messageId: 'm0', body: JSON.stringify({ connectionId, stream: 'orders' }) }] },
      lambdaContext(300_000),
    );
    // Left to the next tick (the connection is invalid now), never retried by SQS.
    expect(result).toEqual({ batchItemFailures: [] });
    expect(valuesOf('StoredCredentialsRejected')).toEqual([1]);
    expect(valuesOf('PollErrors')).toEqual([1]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        connectionId,
        message: expect.stringContaining('marked invalid'),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'poll failed at Konnektive; the next tick re-reads the window',
        connectionId,
        stream: 'orders',
      }),
    );
  });

  it('does not count a password mistyped at connect time', async () => {
    fakes.konnektive.validCredentials = { loginId: 'api-user', password: 'the-real-one' };
    const result = (await call('create-session')) as { statusCode: number };
    expect(result.statusCode).toBe(403);
    expect(valuesOf('StoredCredentialsRejected')).toEqual([]);
  });
});

describe('deliver-events', () => {
  it('measures DeliveryLatency from the record time in Konnektive to the 2xx, once per delivered target', async () => {
    const hook = 'https://hooks.zapier.com/hooks/catch/1/';
    for (const [subscriptionId, targetUrl] of [
      ['s-ok', `${hook}ok`],
      ['s-failing', `${hook}failing`],
    ] as const) {
      await fakes.subscriptions.put({
        subscriptionId,
        connectionId: 'c1',
        trigger: 'order',
        type: 'NEW_SALE',
        targetUrl,
        createdAt: ago(3_600_000),
      });
    }
    const hookSender = new ScriptedHookSender(fakes.clock);
    // The 2xx comes half a second after the POST started; the other Zap's hook fails (retried, no latency).
    hookSender.script(`${hook}ok`, { kind: 'status', status: 200, elapsedMs: 500 });
    hookSender.script(`${hook}failing`, { kind: 'status', status: 500 });
    const handler = HANDLER_FACTORIES['deliver-events'](
      fakeContainer(fakes, { hookAllowlist: ['https://hooks.zapier.com/'], hookSender }),
    ) as (event: unknown, context: Context) => Promise<unknown>;
    const detail = {
      eventId: 'NEW_SALE-A',
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_SALE',
      recordId: 'A',
      occurredAt: ago(12_000),
      detectedAt: ago(2_000),
      payload: {
        id: 'NEW_SALE-A',
        event: 'order.NEW_SALE',
        occurredAt: ago(12_000),
        connection: 'm',
        orderId: 'A',
      },
    };
    const result = await handler(
      {
        Records: [
          {
            messageId: 'm0',
            body: JSON.stringify({
              'detail-type': 'KonnektiveEventDetected',
              source: 'konnektive-zapier',
              detail,
            }),
            attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.parse(ago(1_000))) },
          },
        ],
      },
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(valuesOf('HookDelivered')).toEqual([1]);
    expect(valuesOf('HookFailed')).toEqual([1]);
    // 12 s before now the record was made, the hook answered 0.5 s after now: not the 10.5 s since detection.
    expect(valuesOf('DeliveryLatency')).toEqual([12_500]);
  });
});

describe('latency definitions', () => {
  const event = { occurredAt: ago(12_000), detectedAt: ago(2_000) };

  it('measure from the record time in Konnektive: detected, then delivered', () => {
    emitDetectionLatency(event);
    emitDeliveryLatency(event, new Date(NOW));
    expect(added).toEqual([
      ['DetectionLatency', 10_000],
      ['DeliveryLatency', 12_000],
    ]);
  });

  it('count a record time ahead of our clock as 0, never negative', () => {
    expect(msSinceOccurred({ occurredAt: ago(-1_500) }, NOW)).toBe(0);
  });
});
