/**
 * Local-only routes: the status page (`GET /`), its data (`GET /_local/status`), dead-letter redrive
 * (`POST /_local/dead-letters/redrive[?id=…]`) and a health check. Never part of the AWS API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { createDynamoDbStores } from '../../functions/adapters/dynamodb/index.js';
import { jsonOrUndefined } from '../../functions/core/json.js';
import { deliveryQueueBodySchema } from '../../functions/core/triggers/schemas.js';
import type { LocalQueue } from '../queue/local-queue.js';
import type { RunningSimulator } from '../simulator/index.js';
import type { ActivityLog } from './activity.js';
import { STATUS_PAGE_HTML } from './status-page.js';

/** The stream monitor's summary of its latest run (the scheduler tick runs it locally). */
export interface StreamHealth {
  streamsInUse: number;
  maxStalenessSeconds: number;
  stuckLeases: number;
  invalidConnectionsInUse: number;
  at: string;
}

export interface StatusContext {
  activity: ActivityLog;
  queues: { polls: LocalQueue; deliveries: LocalQueue; deadLetters: LocalQueue };
  stores: ReturnType<typeof createDynamoDbStores>;
  konnektiveUrl: string;
  simulator?: RunningSimulator | undefined;
  /** The stream monitor's latest summary, when it has run. */
  streamHealth?: () => StreamHealth | undefined;
}

const sendJson = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
};

/** A summary of one dead letter without its payload (customer data stays out of the page). */
const describeDeadLetter = (message: {
  messageId: string;
  body: string;
  sentAt: number;
  reason?: string | undefined;
}) => {
  // Dead letters are delivery messages (retries exhausted) or, for older or unreadable ones, bus envelopes / raw text.
  const parsed = deliveryQueueBodySchema.safeParse(jsonOrUndefined(message.body));
  const detected = parsed.success
    ? 'detail' in parsed.data
      ? parsed.data.detail
      : parsed.data.event
    : undefined;
  const event = detected?.payload.event;
  const eventId = detected?.eventId;
  return {
    id: message.messageId,
    eventId,
    event,
    reason: message.reason,
    at: new Date(message.sentAt).toISOString(),
  };
};

export const statusSnapshot = async (context: StatusContext) => {
  const now = Date.now();
  const connections = await context.stores.connections.list();
  const subscriptions = (
    await Promise.all(
      connections.map((connection) => context.stores.subscriptions.listByConnection(connection.connectionId)),
    )
  ).flat();
  const cursors = await context.stores.cursors.list();
  const label = new Map(connections.map((c) => [c.connectionId, c.label]));
  return {
    now: new Date(now).toISOString(),
    konnektive: context.konnektiveUrl,
    simulator: context.simulator ? { url: context.simulator.url } : null,
    connections: connections.map((c) => ({
      connectionId: c.connectionId,
      label: c.label,
      status: c.status,
      timeZone: c.timeZone,
    })),
    subscriptions: subscriptions.map((s) => ({
      id: s.subscriptionId,
      connection: label.get(s.connectionId) ?? s.connectionId,
      trigger: s.trigger,
      type: s.type,
      targetUrl: s.targetUrl,
      createdAt: s.createdAt,
    })),
    cursors: cursors.map((c) => ({
      connection: label.get(c.connectionId) ?? c.connectionId,
      stream: c.stream,
      hwm: c.hwm,
      lagSeconds: Math.max(0, Math.round((now - Date.parse(c.hwm)) / 1000)),
      polling: Boolean(c.leaseOwner && (c.leaseExpiresAt ?? 0) > now),
    })),
    streamHealth: context.streamHealth?.() ?? null,
    deliveries: context.activity.latest(['delivered'], 30),
    failures: context.activity.latest(['delivery-failed', 'poll-error', 'dead-lettered', 'error'], 30),
    queues: {
      polls: context.queues.polls.stats(),
      deliveries: context.queues.deliveries.stats(),
      deadLetters: context.queues.deadLetters.stats(),
    },
    deadLetters: context.queues.deadLetters.list().map(describeDeadLetter),
  };
};

export const handleLocalRoute = async (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: StatusContext,
): Promise<boolean> => {
  const method = request.method ?? 'GET';
  if (method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(STATUS_PAGE_HTML);
    return true;
  }
  if (method === 'GET' && url.pathname === '/health') {
    sendJson(response, 200, { status: 'ok' });
    return true;
  }
  if (method === 'GET' && url.pathname === '/_local/status') {
    sendJson(response, 200, await statusSnapshot(context));
    return true;
  }
  if (method === 'POST' && url.pathname === '/_local/dead-letters/redrive') {
    const id = url.searchParams.get('id') ?? undefined;
    const moved = context.queues.deadLetters.redrive(context.queues.deliveries, id);
    context.activity.emit({ kind: 'info', message: `redrove ${moved} dead letter(s) to the delivery queue` });
    sendJson(response, 200, { redriven: moved });
    return true;
  }
  return false;
};
