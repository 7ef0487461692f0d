/**
 * On-call's view of the connections, and marking one for re-test. Read from the tables alone (connections,
 * subscriptions, cursors), the same in AWS (the ops CLI on DynamoDB) and locally (the runtime's admin routes), and
 * never a password or its ciphertext.
 */
import * as z from 'zod';
import { NotFoundError } from '../errors.js';
import { type Connection, STREAMS, type Stream, streamOf } from '../model.js';
import { leaseState, type StreamHealthSettings } from '../monitoring/assess-streams.js';
import type { Clock, ConnectionStore, CursorStore, SubscriptionStore } from '../ports.js';

export interface ConnectionOperationsDeps {
  connections: ConnectionStore;
  subscriptions: SubscriptionStore;
  cursors: CursorStore;
  clock: Clock;
}

const isoInstant = z.iso.datetime({ offset: true });

/** One stream of a connection that has subscriptions. */
export const streamReportSchema = z.object({
  stream: z.enum(STREAMS),
  subscriptions: z.number().int().nonnegative(),
  /** Everything up to here was published; absent when the stream was never polled. */
  hwm: isoInstant.optional(),
  /** Now − hwm, in whole seconds. */
  lagSeconds: z.number().int().nonnegative().optional(),
  /** How the stream is read (`time-window`, `newest-first`, `day-scan`), once decided. */
  strategy: z.string().optional(),
  lease: z.enum(['free', 'held', 'stuck']),
});

/** What `connections list` shows for one connection. */
export const connectionReportSchema = z.object({
  connectionId: z.string(),
  loginId: z.string(),
  label: z.string(),
  status: z.enum(['active', 'invalid']),
  timeZone: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  retestRequestedAt: z.string().optional(),
  /** Subscriptions by `trigger.TYPE`, and their total. */
  subscriptions: z.object({
    total: z.number().int().nonnegative(),
    byType: z.record(z.string(), z.number()),
  }),
  /** The streams in use (with at least one subscription). */
  streams: z.array(streamReportSchema),
  /** The contract probe's findings, one variant per unknown, when a probe ran. */
  contract: z.object({ checkedAt: z.string(), variants: z.record(z.string(), z.string()) }).optional(),
});
export type ConnectionReport = z.output<typeof connectionReportSchema>;
export type StreamReport = z.output<typeof streamReportSchema>;

export const connectionReportsSchema = z.object({ connections: z.array(connectionReportSchema) });

/** The contract probe's findings in one line per unknown. */
const contractSummary = (connection: Connection): ConnectionReport['contract'] => {
  const { contract } = connection;
  if (contract === undefined) return undefined;
  const { checkedAt, ...findings } = contract;
  return {
    checkedAt,
    variants: Object.fromEntries(Object.entries(findings).map(([name, finding]) => [name, finding.variant])),
  };
};

/** Every connection, oldest first, with its streams in use, their lag, strategy and lease, and its subscriptions. */
export const listConnections = async (
  deps: ConnectionOperationsDeps,
  settings: Pick<StreamHealthSettings, 'leaseMs' | 'maxPollMs' | 'expiredLeaseGraceMs'>,
): Promise<ConnectionReport[]> => {
  const [connections, cursors] = await Promise.all([deps.connections.list(), deps.cursors.list()]);
  const now = deps.clock.now().getTime();
  const cursorOf = new Map(cursors.map((cursor) => [`${cursor.connectionId}|${cursor.stream}`, cursor]));
  const reports: ConnectionReport[] = [];
  for (const connection of [...connections].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    const subscriptions = await deps.subscriptions.listByConnection(connection.connectionId);
    const byType: Record<string, number> = {};
    const perStream = new Map<Stream, number>();
    for (const subscription of subscriptions) {
      const key = `${subscription.trigger}.${subscription.type}`;
      byType[key] = (byType[key] ?? 0) + 1;
      const stream = streamOf(subscription.trigger);
      perStream.set(stream, (perStream.get(stream) ?? 0) + 1);
    }
    const streams = STREAMS.filter((stream) => perStream.has(stream)).map((stream): StreamReport => {
      const cursor = cursorOf.get(`${connection.connectionId}|${stream}`);
      return {
        stream,
        subscriptions: perStream.get(stream) ?? 0,
        ...(cursor
          ? {
              hwm: cursor.hwm,
              lagSeconds: Math.max(0, Math.round((now - Date.parse(cursor.hwm)) / 1000)),
            }
          : {}),
        ...(cursor?.strategy ? { strategy: cursor.strategy.name } : {}),
        lease: leaseState(cursor, now, settings),
      };
    });
    const contract = contractSummary(connection);
    reports.push({
      connectionId: connection.connectionId,
      loginId: connection.loginId,
      label: connection.label,
      status: connection.status,
      timeZone: connection.timeZone,
      createdAt: connection.createdAt,
      updatedAt: connection.updatedAt,
      ...(connection.retestRequestedAt ? { retestRequestedAt: connection.retestRequestedAt } : {}),
      subscriptions: { total: subscriptions.length, byType },
      streams,
      ...(contract ? { contract } : {}),
    });
  }
  return reports;
};

export const retestResultSchema = z.object({
  connectionId: z.string(),
  status: z.enum(['active', 'invalid']),
  /** Whether a re-test was requested (only an `invalid` connection has anything to re-test). */
  marked: z.boolean(),
  message: z.string(),
});
export type RetestResult = z.output<typeof retestResultSchema>;

/**
 * `connections retest <id>`: an `invalid` connection is marked so that the next `POST /sessions` with its refused
 * password (the user reconnecting in Zapier) is tested once against Konnektive; if Konnektive accepts it, the
 * connection is active again and its polls resume. An active connection has nothing to re-test: it is polled every
 * tick, so a fixed whitelist or permission shows in its lag at once.
 */
export const retestConnection = async (
  deps: Pick<ConnectionOperationsDeps, 'connections' | 'clock'>,
  connectionId: string,
): Promise<RetestResult> => {
  const connection = await deps.connections.get(connectionId);
  if (connection === undefined) throw new NotFoundError(`No connection ${connectionId}`);
  if (connection.status === 'active') {
    return {
      connectionId,
      status: 'active',
      marked: false,
      message:
        'active: nothing to re-test (its streams are polled every tick; `connections list` shows their lag)',
    };
  }
  if (!(await deps.connections.requestRetest(connectionId, deps.clock.now()))) {
    throw new NotFoundError(`No connection ${connectionId}`);
  }
  return {
    connectionId,
    status: 'invalid',
    marked: true,
    message:
      'marked for re-test: the next connect with the stored password (the user reconnecting in Zapier) is tested ' +
      'once against Konnektive; if accepted, the connection is active again and its polls resume',
  };
};
