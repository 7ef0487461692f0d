/**
 * The scheduled dispatcher and the two SQS consumers through their real middy chains with real event JSON.
 */

import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { KonnektiveAuthError } from '../../functions/core/konnektive.js';
import { DEFAULT_DELIVERY_SETTINGS } from '../../functions/core/triggers/deliver.js';
import { HookConcurrency } from '../../functions/core/triggers/hook-rate.js';
import { DEFAULT_POLL_SETTINGS } from '../../functions/core/triggers/poll-stream.js';
import { createDeliverHandler } from '../../functions/handlers/deliver-events.js';
import { createDispatchHandler } from '../../functions/handlers/dispatch-polls.js';
import { createPollHandler } from '../../functions/handlers/poll-stream.js';
import { lambdaContext } from '../support/api-gateway.js';
import {
  FakeClock,
  FakeConnectionStore,
  FakeCredentialCipher,
  FakeCursorStore,
  FakeDeliveryMarkerStore,
  FakeEventLedger,
  FakeHookRateLimiter,
  FakeKonnektive,
  FakeSubscriptionStore,
  order,
} from '../support/fakes.js';
import { RecordingDeliveryQueue, RecordingPublisher, ScriptedHookSender } from '../support/trigger-fakes.js';

const cipher = new FakeCredentialCipher();

const T0 = new Date('2026-11-25T12:00:00Z');

const sqsEvent = (bodies: string[], receiveCount = 1): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m${i}`,
    receiptHandle: `rh${i}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(T0.getTime()),
      SenderId: 'AIDA',
      ApproximateFirstReceiveTimestamp: String(T0.getTime()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:deliveries',
    awsRegion: 'us-east-1',
  })),
});

const envelope = (eventId: string, recordId: string) =>
  JSON.stringify({
    version: '0',
    id: 'eb-1',
    'detail-type': 'KonnektiveEventDetected',
    source: 'konnektive-zapier',
    account: '123456789012',
    time: T0.toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      eventId,
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_SALE',
      recordId,
      occurredAt: T0.toISOString(),
      detectedAt: T0.toISOString(),
      payload: {
        id: eventId,
        event: 'order.NEW_SALE',
        occurredAt: T0.toISOString(),
        connection: 'm',
        orderId: recordId,
      },
    },
  });

describe('dispatch-polls handler', () => {
  it('turns a scheduled tick into one poll request per (connection, stream)', async () => {
    const subscriptions = new FakeSubscriptionStore();
    for (let i = 0; i < 3; i++) {
      await subscriptions.put({
        subscriptionId: `s${i}`,
        connectionId: 'c1',
        trigger: 'order',
        type: 'NEW_SALE',
        targetUrl: 'u',
        createdAt: T0.toISOString(),
      });
    }
    const requests: unknown[] = [];
    const handler = createDispatchHandler(
      {
        subscriptions,
        pollQueue: { enqueue: async (r) => void requests.push(...r) },
        clock: new FakeClock(T0),
      },
      { tickSeconds: 60, intervalSeconds: 20, spread: true },
    );
    const scheduled = {
      version: '0',
      id: 'x',
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      time: T0.toISOString(),
      detail: {},
    };
    // One stream, three polls a minute: the first re-reads the full overlap, each expires when the next is due.
    expect(await handler(scheduled, lambdaContext())).toEqual({ streams: 1, requested: 3 });
    const offset = (requests[0] as { delaySeconds: number }).delaySeconds;
    expect(offset).toBeLessThan(20);
    const at = (s: number) => new Date(T0.getTime() + s * 1000).toISOString();
    expect(requests).toEqual(
      [0, 1, 2].map((k) => ({
        connectionId: 'c1',
        stream: 'orders',
        overlap: k === 0 ? 'full' : 'quick',
        delaySeconds: offset + 20 * k,
        dueAt: at(offset + 20 * k),
        expiresAt: at(offset + 20 * k + 20),
      })),
    );
  });
});

describe('poll-stream handler', () => {
  const setup = async () => {
    const clock = new FakeClock(T0);
    const connections = new FakeConnectionStore();
    await connections.upsert(
      {
        connectionId: 'c1',
        loginId: 'm',
        encryptedPassword: await cipher.encrypt('pw', { connectionId: 'c1' }),
        timeZone: 'UTC',
        label: 'm',
        status: 'active',
      },
      T0,
    );
    const cursors = new FakeCursorStore();
    await cursors.reset({ connectionId: 'c1', stream: 'orders', hwm: T0.toISOString(), now: T0 });
    const konnektive = new FakeKonnektive(clock, 'UTC');
    const publisher = new RecordingPublisher();
    const handler = createPollHandler(
      {
        connections,
        cursors,
        ledger: new FakeEventLedger(),
        cipher: cipher,
        konnektive,
        publisher,
        clock,
      },
      DEFAULT_POLL_SETTINGS,
    );
    /** One new order in Konnektive, a minute later one poll message (or `bodies`) with `remainingMs` to run. */
    const pollNewOrder = (
      remainingMs = 300_000,
      bodies = [JSON.stringify({ connectionId: 'c1', stream: 'orders' })],
    ) => {
      konnektive.orders.push(order({ dateCreated: konnektive.wall(new Date(T0.getTime() + 1000)) }));
      clock.advance(60_000);
      return handler(sqsEvent(bodies), lambdaContext(remainingMs));
    };
    return { clock, connections, konnektive, publisher, handler, pollNewOrder };
  };

  it('polls the stream named in the message and publishes new events', async () => {
    const s = await setup();
    expect(await s.pollNewOrder()).toEqual({ batchItemFailures: [] });
    expect(s.publisher.events).toHaveLength(1);
  });

  it('drops a request received after its successor was due, unread; runs one still in its slot', async () => {
    const s = await setup();
    // The clock moves a minute before the message is handled: due at T0, expired at T0 + 10 s.
    const stale = JSON.stringify({
      connectionId: 'c1',
      stream: 'orders',
      dueAt: T0.toISOString(),
      expiresAt: new Date(T0.getTime() + 10_000).toISOString(),
    });
    expect(await s.pollNewOrder(300_000, [stale])).toEqual({ batchItemFailures: [] });
    expect(s.konnektive.calls).toEqual([]);
    expect(s.publisher.events).toEqual([]);
    const due = new Date(s.clock.now().getTime() + 5_000).toISOString();
    const current = JSON.stringify({ connectionId: 'c1', stream: 'orders', dueAt: due, expiresAt: due });
    expect(await s.handler(sqsEvent([current]), lambdaContext(300_000))).toEqual({ batchItemFailures: [] });
    expect(s.publisher.events).toHaveLength(1);
  });

  it('drops malformed requests, and on Konnektive auth failure marks the connection invalid without retrying', async () => {
    const s = await setup();
    s.konnektive.failNext(
      'queryOrders',
      new KonnektiveAuthError('Could not authenticate credentials', 'order/query'),
    );
    s.clock.advance(60_000);
    const result = await s.handler(
      sqsEvent(['not json', JSON.stringify({ connectionId: 'c1', stream: 'orders' })]),
      lambdaContext(300_000),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await s.connections.get('c1'))?.status).toBe('invalid');
  });

  it('fails only the message whose poll hit an unexpected error, so SQS retries it', async () => {
    const s = await setup();
    s.publisher.failNext = 1;
    expect(await s.pollNewOrder()).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });

  it('polls the other messages of a batch after one failed', async () => {
    const s = await setup();
    s.publisher.failNext = 1;
    const request = JSON.stringify({ connectionId: 'c1', stream: 'orders' });
    expect(await s.pollNewOrder(300_000, [request, request])).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }],
    });
    expect(s.publisher.events).toHaveLength(1);
  });

  it('hands a request back without polling when too little invocation time is left', async () => {
    const s = await setup();
    expect(await s.pollNewOrder(DEFAULT_POLL_SETTINGS.minRemainingMs - 1_000)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm0' }],
    });
    expect(s.publisher.events).toHaveLength(0);
  });
});

describe('deliver-events handler', () => {
  const HOOK = 'https://hooks.zapier.com/h/1';
  const setup = async () => {
    const subscriptions = new FakeSubscriptionStore();
    for (const connectionId of ['c1', 'c2']) {
      await subscriptions.put({
        subscriptionId: `s-${connectionId}`,
        connectionId,
        trigger: 'order',
        type: 'NEW_SALE',
        targetUrl: connectionId === 'c1' ? HOOK : `${HOOK}/${connectionId}`,
        createdAt: '2026-11-25T11:00:00.000Z',
      });
    }
    const clock = new FakeClock(new Date(T0.getTime() + 1000));
    const sender = new ScriptedHookSender();
    const queue = new RecordingDeliveryQueue();
    const markers = new FakeDeliveryMarkerStore();
    const handler = createDeliverHandler(
      {
        subscriptions,
        markers,
        sender,
        clock,
        rateLimiter: new FakeHookRateLimiter(),
        inFlight: new HookConcurrency(8),
        wait: async (ms: number) => clock.advance(ms),
        allowlist: ['https://hooks.zapier.com/'],
        queue,
      },
      { ...DEFAULT_DELIVERY_SETTINGS, random: () => 0.5 },
    );
    return { subscriptions, sender, queue, markers, clock, handler };
  };
  const messageOf = (detail: string, overrides: Record<string, unknown> = {}) =>
    JSON.stringify({
      event: (JSON.parse(detail) as { detail: unknown }).detail,
      attempt: 3,
      firstAttemptAt: T0.toISOString(),
      ...overrides,
    });

  it('handles each record on its own: delivered ones are deleted, a failing hook gets a fresh delayed retry', async () => {
    const s = await setup();
    s.sender.script(HOOK, { kind: 'status', status: 200 }, { kind: 'status', status: 502 });
    const result = await s.handler(
      sqsEvent([envelope('NEW_SALE-A', 'A'), envelope('NEW_SALE-B', 'B')]),
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(s.sender.posts).toHaveLength(2);
    const failed = JSON.parse(JSON.stringify(s.sender.posts[1]?.payload)) as { id: string };
    expect(s.queue.sent).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({ eventId: failed.id }),
        targets: ['s-c1'],
        attempt: 2,
        // The horizon counts from when the bus rule queued the event (SentTimestamp).
        firstAttemptAt: T0.toISOString(),
        notBefore: new Date(s.clock.now().getTime() + 5_000).toISOString(),
      }),
    ]);
  });

  it('a store error in one message fails that message only', async () => {
    const s = await setup();
    const listFor = s.subscriptions.listFor.bind(s.subscriptions);
    s.subscriptions.listFor = async (connectionId, trigger, type) => {
      if (connectionId === 'c2') throw new Error('ProvisionedThroughputExceededException');
      return listFor(connectionId, trigger, type);
    };
    const other = envelope('NEW_SALE-C', 'C').replace('"connectionId":"c1"', '"connectionId":"c2"');
    const result = await s.handler(
      sqsEvent([envelope('NEW_SALE-A', 'A'), other, envelope('NEW_SALE-B', 'B')]),
      lambdaContext(),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(s.sender.posts.map((p) => (p.payload as { id: string }).id).sort()).toEqual([
      'NEW_SALE-A',
      'NEW_SALE-B',
    ]);
  });

  it('fails a record whose follow-up cannot be queued, so SQS hands the whole message out again', async () => {
    const s = await setup();
    s.sender.script(HOOK, { kind: 'status', status: 500 });
    s.queue.failNext = 1;
    const result = await s.handler(sqsEvent([envelope('NEW_SALE-A', 'A')]), lambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });

  it('dead-letters malformed messages, and the exhausted targets of a message past the retry horizon', async () => {
    const s = await setup();
    s.sender.script(HOOK, { kind: 'status', status: 500 });
    s.clock.set(new Date(T0.getTime() + DEFAULT_DELIVERY_SETTINGS.retry.horizonMs + 1));
    const result = await s.handler(
      sqsEvent(['{"detail":{}}', messageOf(envelope('NEW_SALE-A', 'A'), { attempt: 50 })]),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(s.queue.deadLetters.map((d) => d.reason).sort()).toEqual([
      'malformed message',
      'retries exhausted',
    ]);
    expect(s.queue.deadLetters.find((d) => d.reason === 'retries exhausted')?.body).toMatchObject({
      targets: ['s-c1'],
      attempt: 50,
      firstAttemptAt: T0.toISOString(),
    });
    expect(s.queue.sent).toEqual([]);
  });

  it('hands records back untouched when too little invocation time is left, without using a receive', async () => {
    const s = await setup();
    const body = messageOf(envelope('NEW_SALE-A', 'A'));
    const result = await s.handler(
      sqsEvent([body, envelope('NEW_SALE-B', 'B')]),
      lambdaContext(DEFAULT_DELIVERY_SETTINGS.minRemainingMs - 1_000),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(s.sender.posts).toEqual([]);
    expect(s.queue.sent).toEqual([
      JSON.parse(body),
      {
        event: expect.objectContaining({ eventId: 'NEW_SALE-B' }),
        attempt: 1,
        firstAttemptAt: T0.toISOString(),
      },
    ]);
  });

  it('sends a message received before its notBefore on with the rest of its wait (a hop), posting nothing', async () => {
    const s = await setup();
    const notBefore = new Date(s.clock.now().getTime() + 3 * 3_600_000).toISOString();
    const body = messageOf(envelope('NEW_SALE-A', 'A'), { notBefore, targets: ['s-c1'] });
    expect(await s.handler(sqsEvent([body]), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(s.sender.posts).toEqual([]);
    expect(s.queue.sent).toEqual([JSON.parse(body)]);
  });

  it('processes a batch’s records in parallel, up to the POSTs one URL may have in flight', async () => {
    const s = await setup();
    s.sender.realDelayMs = 5;
    const bodies = Array.from({ length: 10 }, (_, i) => envelope(`NEW_SALE-${i}`, String(i)));
    expect(await s.handler(sqsEvent(bodies), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(s.sender.posts).toHaveLength(10); // the last two waited a moment for a place
    expect(s.sender.peakInFlight).toBe(8);
  });
});
