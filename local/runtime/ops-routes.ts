/**
 * The ops CLI's admin routes in the local runtime (`npm run ops -- --local …`, scripts/ops/local-backend.ts): the
 * same use cases as against a stage (functions/core/operations) on the runtime's own stores, queues and bus archive.
 * Loopback callers only; never part of the AWS API.
 *
 *   GET  /_ops/connections                    connections with status, subscriptions and lag
 *   POST /_ops/connections/{id}/retest        mark an invalid connection for re-test
 *   GET  /_ops/dead-letters?queue=&sample=    count and a redacted sample per dead-letter queue
 *   POST /_ops/dead-letters/redrive           { queue, max, fresh }
 *   POST /_ops/replay                         { from, to, subscriptionId }
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { createDynamoDbStores } from '../../functions/adapters/dynamodb/index.js';
import { NotFoundError, ValidationError } from '../../functions/core/errors.js';
import { DEFAULT_STREAM_HEALTH_SETTINGS } from '../../functions/core/monitoring/assess-streams.js';
import { listConnections, retestConnection } from '../../functions/core/operations/connections.js';
import {
  DEAD_LETTER_QUEUES,
  type DeadLetterQueueName,
  listDeadLetters,
  type OpsQueue,
  type OpsQueueMessage,
  redriveDeadLetters,
} from '../../functions/core/operations/dead-letters.js';
import { replayToSubscription } from '../../functions/core/operations/replay.js';
import type { Clock, DeliveryQueue } from '../../functions/core/ports.js';
import type { LocalEventArchive } from '../queue/local-event-archive.js';
import type { LocalQueue } from '../queue/local-queue.js';
import type { ActivityLog } from './activity.js';

export interface OpsContext {
  stores: ReturnType<typeof createDynamoDbStores>;
  queues: { deliveries: LocalQueue; deadLetters: LocalQueue };
  /** Where replayed delivery messages go (the runtime's delivery queue port). */
  deliveryQueue: Pick<DeliveryQueue, 'send'>;
  archive: LocalEventArchive;
  activity: ActivityLog;
  clock: Clock;
}

/** A local queue as the ops use cases see it. */
export const localOpsQueue = (queue: LocalQueue): OpsQueue => ({
  count: async () => queue.stats().total,
  receive: async (max) => {
    const received = queue.receive(max);
    const reasons = new Map(queue.list().map((message) => [message.messageId, message.reason]));
    return received.map(
      (message): OpsQueueMessage => ({
        id: message.messageId,
        handle: message.receiptHandle,
        body: message.body,
        sentAt: new Date(message.sentAt).toISOString(),
        reason: reasons.get(message.messageId),
      }),
    );
  },
  release: async (messages) => {
    for (const message of messages) queue.changeVisibility(message.handle, 0);
  },
  delete: async (message) => {
    queue.delete(message.handle);
  },
  send: async (bodies) => {
    for (const body of bodies) queue.send(body);
  },
});

/** The runtime has one dead-letter queue, the delivery queue's; polls are retried by the next tick. */
const LOCAL_QUEUES: readonly DeadLetterQueueName[] = ['delivery'];

const queueParam = z
  .enum(DEAD_LETTER_QUEUES, { error: `queue must be one of ${DEAD_LETTER_QUEUES.join(', ')}` })
  .refine((queue) => LOCAL_QUEUES.includes(queue), {
    error: 'the local runtime has only the delivery dead-letter queue (polls are retried by the next tick)',
  });

const listQuerySchema = z.object({
  queue: queueParam.optional(),
  sample: z.coerce.number({ error: 'sample must be a number' }).int().min(0).max(50).default(10),
});
const redriveBodySchema = z.object({
  queue: queueParam.default('delivery'),
  max: z.number({ error: 'max must be a number' }).int().positive().max(100_000).default(1000),
  fresh: z.boolean().default(false),
});

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
export const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && LOOPBACK.has(address);

const sendJson = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
};

const readJson = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new ValidationError('request body over 64 KB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('request body is not JSON');
  }
};

const parse = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.');
  throw new ValidationError(`${field ? `${field}: ` : ''}${issue?.message ?? 'invalid'}`);
};

/** Handles `/_ops/…`; false for any other path. */
export const handleOpsRoute = async (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: OpsContext,
): Promise<boolean> => {
  if (!url.pathname.startsWith('/_ops/')) return false;
  if (!isLoopback(request.socket.remoteAddress)) {
    sendJson(response, 403, { message: 'ops routes answer loopback callers only', code: 'FORBIDDEN' });
    return true;
  }
  const method = request.method ?? 'GET';
  const deps = {
    connections: context.stores.connections,
    subscriptions: context.stores.subscriptions,
    cursors: context.stores.cursors,
    clock: context.clock,
  };
  const deadLetters = localOpsQueue(context.queues.deadLetters);
  try {
    if (method === 'GET' && url.pathname === '/_ops/connections') {
      sendJson(response, 200, { connections: await listConnections(deps, DEFAULT_STREAM_HEALTH_SETTINGS) });
      return true;
    }
    const retest = /^\/_ops\/connections\/([^/]+)\/retest$/.exec(url.pathname);
    if (method === 'POST' && retest?.[1]) {
      const result = await retestConnection(deps, decodeURIComponent(retest[1]));
      if (result.marked) {
        context.activity.emit({
          kind: 'info',
          message: `connection ${result.connectionId} marked for re-test`,
        });
      }
      sendJson(response, 200, result);
      return true;
    }
    if (method === 'GET' && url.pathname === '/_ops/dead-letters') {
      const query = parse(listQuerySchema, Object.fromEntries(url.searchParams));
      const names = query.queue ? [query.queue] : LOCAL_QUEUES;
      const queues = [];
      for (const name of names) queues.push(await listDeadLetters(deadLetters, name, query.sample));
      sendJson(response, 200, { queues });
      return true;
    }
    if (method === 'POST' && url.pathname === '/_ops/dead-letters/redrive') {
      const body = parse(redriveBodySchema, await readJson(request));
      const result = await redriveDeadLetters(
        { deadLetters, source: localOpsQueue(context.queues.deliveries), clock: context.clock },
        body.queue,
        { max: body.max, fresh: body.fresh },
      );
      context.activity.emit({
        kind: 'info',
        message: `redrove ${result.redriven} dead letter(s) to the delivery queue`,
      });
      sendJson(response, 200, result);
      return true;
    }
    if (method === 'POST' && url.pathname === '/_ops/replay') {
      const result = await replayToSubscription(
        {
          connections: context.stores.connections,
          subscriptions: context.stores.subscriptions,
          archive: context.archive,
          deliveries: context.deliveryQueue,
          clock: context.clock,
        },
        await readJson(request),
      );
      context.activity.emit({
        kind: 'info',
        message: `replay: ${result.queued} event(s) queued for subscription ${result.subscriptionId}`,
      });
      sendJson(response, 200, result);
      return true;
    }
    sendJson(response, 404, { message: `No ops route ${method} ${url.pathname}`, code: 'NOT_FOUND' });
    return true;
  } catch (error) {
    if (error instanceof ValidationError) {
      sendJson(response, 400, { message: error.message, code: 'VALIDATION_ERROR' });
    } else if (error instanceof NotFoundError) {
      sendJson(response, 404, { message: error.message, code: 'NOT_FOUND' });
    } else {
      sendJson(response, 500, {
        message: `ops: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        code: 'INTERNAL',
      });
    }
    return true;
  }
};
