/**
 * The per-tick dispatcher (design §2.3): one poll request per (connection, stream) in use — never one per
 * subscription — so Konnektive sees at most one query per stream per idle tick whatever the number of Zaps.
 */
import type { Stream } from '../model.js';
import type { SubscriptionStore } from '../ports.js';

export interface PollRequest {
  connectionId: string;
  stream: Stream;
}

/** Where poll requests go (SQS in AWS; the local runtime polls directly). */
export interface PollRequestQueue {
  enqueue(requests: PollRequest[]): Promise<void>;
}

export const dispatchPolls = async (deps: {
  subscriptions: SubscriptionStore;
  pollQueue: PollRequestQueue;
}): Promise<{ requested: number }> => {
  const streams = await deps.subscriptions.listActiveStreams();
  const unique = new Map(streams.map((s) => [`${s.connectionId}|${s.stream}`, s]));
  const requests = [...unique.values()].map(({ connectionId, stream }) => ({ connectionId, stream }));
  if (requests.length > 0) await deps.pollQueue.enqueue(requests);
  return { requested: requests.length };
};
