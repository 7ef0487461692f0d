/**
 * The per-tick dispatcher (docs/polling.md, "Cadence"): for each (connection, stream) in use — never per
 * subscription — it queues the polls of one tick, spaced `intervalSeconds` apart with queue delays, so a stream is
 * polled every interval although the scheduler ticks once a minute. Of each tick's requests the first re-reads the
 * full overlap and the others a short one; each carries when it is due and when the next one supersedes it, so a
 * request delivered late (after an outage, a crash, a slow consumer) is dropped instead of replayed back to back.
 * Each stream starts its tick at its own offset (a hash of its key), so many streams do not all hit Konnektive at
 * second :00.
 */

import type { Stream } from '../model.js';
import type { Clock, SubscriptionStore } from '../ports.js';

export interface PollRequest {
  connectionId: string;
  stream: Stream;
  /** `full` re-reads the whole overlap; `quick` only a short one. Default `full`. */
  overlap?: 'full' | 'quick';
  /** ISO time the request is meant to run at. */
  dueAt?: string;
  /** ISO time after which the request is stale (the next one is due): dropped, not run. */
  expiresAt?: string;
}

/** A poll request with the queue delay it is sent with (SQS `DelaySeconds`: whole seconds, 0–900). */
export type QueuedPollRequest = PollRequest & { delaySeconds?: number };

/** Where poll requests go (SQS in AWS, a local queue with the same delays locally). */
export interface PollRequestQueue {
  enqueue(requests: QueuedPollRequest[]): Promise<void>;
}

export interface DispatchSettings {
  /** Seconds between two scheduler ticks (60 in AWS: EventBridge Scheduler's finest rate). */
  tickSeconds: number;
  /** Seconds between two polls of one stream (the cadence). */
  intervalSeconds: number;
  /** Start each stream's polls at its own offset within the interval (many streams, few egress IPs). */
  spread: boolean;
}

export const DEFAULT_DISPATCH_SETTINGS: DispatchSettings = {
  tickSeconds: 60,
  intervalSeconds: 10,
  spread: true,
};

/** SQS's longest message delay. */
const MAX_DELAY_SECONDS = 900;

/** A stable offset in `[0, spreadSeconds)` whole seconds for a stream: FNV-1a of its key. */
export const streamOffsetSeconds = (connectionId: string, stream: Stream, spreadSeconds: number): number => {
  const spread = Math.floor(spreadSeconds);
  if (spread <= 1) return 0;
  let hash = 0x811c9dc5;
  for (const char of `${connectionId}|${stream}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % spread;
};

/** The requests of one tick for one stream: `tick ÷ interval` polls, the first of them full. */
export const tickRequests = (
  stream: { connectionId: string; stream: Stream },
  now: Date,
  settings: DispatchSettings,
): QueuedPollRequest[] => {
  const count = Math.max(1, Math.round(settings.tickSeconds / settings.intervalSeconds));
  const offset = settings.spread
    ? streamOffsetSeconds(stream.connectionId, stream.stream, settings.intervalSeconds)
    : 0;
  const requests: QueuedPollRequest[] = [];
  for (let k = 0; k < count; k++) {
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.round(offset + k * settings.intervalSeconds));
    const dueMs = now.getTime() + delaySeconds * 1000;
    requests.push({
      connectionId: stream.connectionId,
      stream: stream.stream,
      overlap: k === 0 ? 'full' : 'quick',
      dueAt: new Date(dueMs).toISOString(),
      // Superseded once the next poll is due (at least a second later, so a fractional local interval still runs).
      expiresAt: new Date(dueMs + Math.max(1000, settings.intervalSeconds * 1000)).toISOString(),
      delaySeconds,
    });
  }
  return requests;
};

export const dispatchPolls = async (
  deps: { subscriptions: SubscriptionStore; pollQueue: PollRequestQueue; clock?: Clock },
  settings: DispatchSettings = DEFAULT_DISPATCH_SETTINGS,
): Promise<{ streams: number; requested: number }> => {
  const now = deps.clock?.now() ?? new Date();
  const active = await deps.subscriptions.listActiveStreams();
  const unique = new Map(active.map((s) => [`${s.connectionId}|${s.stream}`, s]));
  const requests = [...unique.values()].flatMap((s) => tickRequests(s, now, settings));
  if (requests.length > 0) await deps.pollQueue.enqueue(requests);
  return { streams: unique.size, requested: requests.length };
};

/** Why a poll request read nothing (the `reason` of `PollsSkipped`). */
export const POLL_SKIP_REASONS = ['stale', 'busy', 'idle'] as const;

/** Whether a request is stale at `now` (its successor is due): dropped unread. */
export const isStale = (request: Pick<PollRequest, 'expiresAt'>, now: Date): boolean =>
  request.expiresAt !== undefined && Date.parse(request.expiresAt) < now.getTime();
