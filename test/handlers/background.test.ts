/**
 * The scheduled dispatcher and the two SQS consumers through their real middy chains with real event JSON.
 */

import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { KonnektiveAuthError } from '../../functions/core/konnektive.js';
import { DEFAULT_DELIVERY_SETTINGS } from '../../functions/core/triggers/deliver.js';
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
  FakeKonnektive,
  FakeSubscriptionStore,
  order,
} from '../support/fakes.js';
import { RecordingPublisher, ScriptedHookSender } from '../support/trigger-fakes.js';

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
    const handler = createDispatchHandler({
      subscriptions,
      pollQueue: { enqueue: async (r) => void requests.push(...r) },
    });
    const scheduled = {
      version: '0',
      id: 'x',
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      time: T0.toISOString(),
      detail: {},
    };
    expect(await handler(scheduled, lambdaContext())).toEqual({ requested: 1 });
    expect(requests).toEqual([{ connectionId: 'c1', stream: 'orders' }]);
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
    return { clock, connections, konnektive, publisher, handler };
  };

  it('polls the stream named in the message and publishes new events', async () => {
    const s = await setup();
    s.konnektive.orders.push(order({ dateCreated: s.konnektive.wall(new Date(T0.getTime() + 1000)) }));
    s.clock.advance(60_000);
    const result = await s.handler(
      sqsEvent([JSON.stringify({ connectionId: 'c1', stream: 'orders' })]),
      lambdaContext(300_000),
    );
    expect(result).toEqual({ batchItemFailures: [] });
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
    s.konnektive.orders.push(order({ dateCreated: s.konnektive.wall(new Date(T0.getTime() + 1000)) }));
    s.clock.advance(60_000);
    const result = await s.handler(
      sqsEvent([JSON.stringify({ connectionId: 'c1', stream: 'orders' })]),
      lambdaContext(300_000),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm0' }] });
  });
});

describe('deliver-events handler', () => {
  const setup = async () => {
    const subscriptions = new FakeSubscriptionStore();
    await subscriptions.put({
      subscriptionId: 's1',
      connectionId: 'c1',
      trigger: 'order',
      type: 'NEW_SALE',
      targetUrl: 'https://hooks.zapier.com/h/1',
      createdAt: '2026-11-25T11:00:00.000Z',
    });
    const sender = new ScriptedHookSender();
    const retries: Array<[string, number]> = [];
    const dead: string[] = [];
    const clock = new FakeClock(new Date(T0.getTime() + 1000));
    const handler = createDeliverHandler(
      {
        subscriptions,
        markers: new FakeDeliveryMarkerStore(),
        sender,
        clock,
        pacer: { acquire: async () => undefined },
        allowlist: ['https://hooks.zapier.com/'],
        queue: {
          retryLater: async (handle, delay) => void retries.push([handle, delay]),
          deadLetter: async (_body, reason) => void dead.push(reason),
        },
      },
      { ...DEFAULT_DELIVERY_SETTINGS, random: () => 1 },
    );
    return { subscriptions, sender, retries, dead, clock, handler };
  };

  it('reports only the failed message of a batch and schedules its retry with backoff', async () => {
    const s = await setup();
    s.sender.script(
      'https://hooks.zapier.com/h/1',
      { kind: 'status', status: 200 },
      { kind: 'status', status: 502 },
    );
    const result = await s.handler(
      sqsEvent([envelope('NEW_SALE-A', 'A'), envelope('NEW_SALE-B', 'B')], 3),
      lambdaContext(),
    );
    expect(s.sender.posts).toHaveLength(2);
    const failedIndex = s.sender.posts[1]?.url
      ? JSON.parse(JSON.stringify(s.sender.posts[1].payload)).orderId === 'A'
        ? 0
        : 1
      : -1;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: `m${failedIndex}` }]);
    expect(s.retries).toEqual([[`rh${failedIndex}`, 120]]);
  });

  it('dead-letters malformed messages and messages past the retry horizon', async () => {
    const s = await setup();
    s.sender.script('https://hooks.zapier.com/h/1', { kind: 'status', status: 500 });
    s.clock.set(new Date(T0.getTime() + DEFAULT_DELIVERY_SETTINGS.retryHorizonMs + 1));
    const result = await s.handler(
      sqsEvent(['{"detail":{}}', envelope('NEW_SALE-A', 'A')], 120),
      lambdaContext(),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(s.dead.sort()).toEqual(['malformed message', 'retries exhausted']);
  });
});
