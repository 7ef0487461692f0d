/**
 * How fresh every stream in use is, judged from the tables alone: the subscriptions (what is in use), the cursors
 * (high-water mark and poll lease) and the connections (active or invalid). No Konnektive call and no dependency on
 * the poller having run, so it reports exactly when polling is broken: Konnektive down, a stuck lease, a dispatcher
 * that stopped, a connection whose password was refused.
 */
import type { Connection, Cursor, Stream } from '../model.js';
import { streamOf } from '../model.js';
import type { Clock, ConnectionStore, CursorStore, SubscriptionStore } from '../ports.js';
import { DEFAULT_POLL_SETTINGS } from '../triggers/settings.js';

export interface AssessStreamsDeps {
  subscriptions: SubscriptionStore;
  cursors: CursorStore;
  connections: ConnectionStore;
  clock: Clock;
}

export interface StreamHealthSettings {
  /** The poller's lease length: a lease expiring at `t` was taken or renewed at `t − leaseMs`. */
  leaseMs: number;
  /**
   * Longer than any poll can run (the poll function's timeout plus slack): a lease renewed longer ago than this
   * belongs to a poll that is gone, and blocks the stream until it expires.
   */
  maxPollMs: number;
  /** An expired lease still recorded this long after its expiry was never released nor taken over. */
  expiredLeaseGraceMs: number;
}

/** Defaults: the poller's lease, a 5-minute poll timeout plus a minute, two dispatcher ticks of grace. */
export const DEFAULT_STREAM_HEALTH_SETTINGS: StreamHealthSettings = {
  leaseMs: DEFAULT_POLL_SETTINGS.leaseMs,
  maxPollMs: 360_000,
  expiredLeaseGraceMs: 120_000,
};

/** Where a (connection, stream) in use stands. */
export interface StreamHealth {
  connectionId: string;
  stream: Stream;
  /** `missing`: subscriptions remain for a connection that no longer exists. */
  connectionStatus: Connection['status'] | 'missing';
  /**
   * Now minus the high-water mark; for a stream never polled (no cursor yet), now minus its first subscription.
   * Undefined only when neither exists any more (a subscription deleted while we looked).
   */
  stalenessSeconds: number | undefined;
  hwm: string | undefined;
  /** `stuck`: held past its expiry, or renewed longer ago than a poll can run. */
  lease: 'free' | 'held' | 'stuck';
}

export interface StreamHealthReport {
  /** One entry per (connection, stream) with at least one subscription. */
  streams: StreamHealth[];
  /** The largest staleness over the streams of active connections; 0 when there are none. */
  maxStalenessSeconds: number;
  /** Streams of active connections whose lease is stuck. */
  stuckLeases: number;
  /** Connections that cannot be polled (invalid or missing) yet still have subscriptions. */
  invalidConnectionsInUse: number;
}

const key = (connectionId: string, stream: Stream) => `${connectionId}|${stream}`;

/** Classifies a stream's lease at `nowMs`. */
export const leaseState = (
  cursor: Pick<Cursor, 'leaseOwner' | 'leaseExpiresAt'> | undefined,
  nowMs: number,
  settings: StreamHealthSettings,
): StreamHealth['lease'] => {
  if (cursor?.leaseOwner === undefined || cursor.leaseExpiresAt === undefined) return 'free';
  const expiredFor = nowMs - cursor.leaseExpiresAt;
  const renewedAgo = nowMs - (cursor.leaseExpiresAt - settings.leaseMs);
  return expiredFor > settings.expiredLeaseGraceMs || renewedAgo > settings.maxPollMs ? 'stuck' : 'held';
};

/** One look at every stream in use. */
export const assessStreams = async (
  deps: AssessStreamsDeps,
  settings: StreamHealthSettings,
): Promise<StreamHealthReport> => {
  const [inUse, cursors, connections] = await Promise.all([
    deps.subscriptions.listActiveStreams(),
    deps.cursors.list(),
    deps.connections.list(),
  ]);
  const now = deps.clock.now().getTime();
  const cursorOf = new Map(cursors.map((cursor) => [key(cursor.connectionId, cursor.stream), cursor]));
  const statusOf = new Map(connections.map((connection) => [connection.connectionId, connection.status]));

  const streams: StreamHealth[] = [];
  const seen = new Set<string>();
  for (const { connectionId, stream } of inUse) {
    if (seen.has(key(connectionId, stream))) continue;
    seen.add(key(connectionId, stream));
    const cursor = cursorOf.get(key(connectionId, stream));
    const since = cursor?.hwm ?? (await firstSubscribedAt(deps.subscriptions, connectionId, stream));
    streams.push({
      connectionId,
      stream,
      connectionStatus: statusOf.get(connectionId) ?? 'missing',
      stalenessSeconds: since === undefined ? undefined : Math.max(0, (now - Date.parse(since)) / 1000),
      hwm: cursor?.hwm,
      lease: leaseState(cursor, now, settings),
    });
  }

  const active = streams.filter((health) => health.connectionStatus === 'active');
  return {
    streams,
    maxStalenessSeconds: Math.max(0, ...active.map((health) => health.stalenessSeconds ?? 0)),
    stuckLeases: active.filter((health) => health.lease === 'stuck').length,
    invalidConnectionsInUse: new Set(
      streams.filter((health) => health.connectionStatus !== 'active').map((health) => health.connectionId),
    ).size,
  };
};

/**
 * When the stream's first subscription was made: the staleness of a stream that was never polled (the
 * subscription creates its cursor, so this is rare: a cursor lost, or a subscription written another way).
 */
const firstSubscribedAt = async (
  subscriptions: SubscriptionStore,
  connectionId: string,
  stream: Stream,
): Promise<string | undefined> => {
  const times = (await subscriptions.listByConnection(connectionId))
    .filter((subscription) => streamOf(subscription.trigger) === stream)
    .map((subscription) => subscription.createdAt)
    .sort();
  return times[0];
};
