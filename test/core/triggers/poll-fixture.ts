/**
 * A poller on fakes: stores, ledger, publisher and the in-memory Konnektive (contract switches included), one
 * connection `c1` whose streams start at T0. Shared by the poll tests.
 */
import type { ContractFindings } from '../../../functions/core/contract/findings.js';
import type { Stream } from '../../../functions/core/model.js';
import {
  DEFAULT_POLL_SETTINGS,
  type PollSettings,
  pollStream,
} from '../../../functions/core/triggers/poll-stream.js';
import type { SettledEvents } from '../../../functions/core/triggers/settled-events.js';
import { ContractKonnektive } from '../../support/contract-konnektive.js';
import {
  FakeClock,
  FakeConnectionStore,
  FakeCredentialCipher,
  FakeCursorStore,
  FakeEventLedger,
} from '../../support/fakes.js';
import { RecordingPublisher } from '../../support/trigger-fakes.js';

export const T0 = new Date('2026-11-25T12:00:00Z');

/** The stream alone: reconciliation is off unless a test turns it on. */
export const SETTINGS: PollSettings = {
  ...DEFAULT_POLL_SETTINGS,
  reconcile: { ...DEFAULT_POLL_SETTINGS.reconcile, horizonDays: 0 },
};

const cipher = new FakeCredentialCipher();

export const pollFixture = async (
  options: {
    timeZone?: string;
    contract?: ContractFindings;
    settled?: SettledEvents;
    onPublished?: (event: { occurredAt: string; detectedAt: string }) => void;
  } = {},
) => {
  const timeZone = options.timeZone ?? 'UTC';
  const clock = new FakeClock(T0);
  const connections = new FakeConnectionStore();
  const cursors = new FakeCursorStore();
  const ledger = new FakeEventLedger();
  const publisher = new RecordingPublisher();
  const konnektive = new ContractKonnektive(timeZone);
  await connections.upsert(
    {
      connectionId: 'c1',
      loginId: 'merchant',
      encryptedPassword: await cipher.encrypt('secret', { connectionId: 'c1' }),
      timeZone,
      label: 'merchant',
      status: 'active',
    },
    T0,
  );
  if (options.contract) await connections.setContract('c1', options.contract, T0);
  await cursors.reset({ connectionId: 'c1', stream: 'orders', hwm: T0.toISOString(), now: T0 });
  await cursors.reset({ connectionId: 'c1', stream: 'transactions', hwm: T0.toISOString(), now: T0 });
  const deps = {
    connections,
    cursors,
    ledger,
    publisher,
    konnektive,
    clock,
    cipher,
    settled: options.settled,
    onPublished: options.onPublished,
  };
  let run = 0;
  const poll = (
    stream: Stream = 'orders',
    remainingMs: number | (() => number) = 300_000,
    settings: PollSettings = SETTINGS,
    overlap: 'full' | 'quick' = 'full',
  ) =>
    pollStream(
      deps,
      {
        connectionId: 'c1',
        stream,
        owner: `poll-${++run}`,
        remainingMs: typeof remainingMs === 'number' ? () => remainingMs : remainingMs,
        overlap,
      },
      settings,
    );
  /** Account-zone wall time `offsetMs` after T0. */
  const at = (offsetMs: number) => konnektive.wall(new Date(T0.getTime() + offsetMs));
  const published = () => publisher.events.map((event) => `${event.type}:${event.recordId}`);
  /** Page calls made since `from` (an index into `konnektive.calls`). */
  const callsSince = (from: number) => konnektive.calls.length - from;
  return {
    deps,
    clock,
    connections,
    cursors,
    ledger,
    publisher,
    konnektive,
    poll,
    at,
    published,
    callsSince,
  };
};

export type PollFixture = Awaited<ReturnType<typeof pollFixture>>;
