/**
 * SQS poll-request consumer: polls one (connection, stream) per message, within the invocation's time budget, through
 * Powertools' BatchProcessor (one record after another; each fails on its own). Konnektive failures are counted and
 * logged, then left to the next tick (the window is re-read); anything else fails the record so SQS retries it and,
 * in the end, dead-letters it. A record not started because the invocation's time is short is handed back (failed).
 * A request received after its successor was due is dropped unread (`PollsSkipped` stale): after an outage the
 * queue's backlog is not replayed back to back.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { jsonOrUndefined } from '../core/json.js';
import { konnektiveFailureOf } from '../core/konnektive-access.js';
import { isStale } from '../core/triggers/dispatch.js';
import { type PollDeps, type PollSettings, pollStream } from '../core/triggers/poll-stream.js';
import { ReadTimeouts } from '../core/triggers/read-timeouts.js';
import { pollRequestSchema } from '../core/triggers/schemas.js';
import type { Dependencies } from '../platform/dependencies.js';
import { backgroundHandler } from '../platform/lambda.js';
import {
  emitDetectionLatency,
  emitMetric,
  logger,
  recordStoredCredentialsRejected,
} from '../platform/observability.js';

export const createPollHandler = (deps: PollDeps, settings: PollSettings) =>
  backgroundHandler(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      // One poll at a time; each record fails or succeeds on its own.
      processPartialResponse(
        event,
        (record: SQSRecord) => pollRecord(deps, settings, record, context),
        new BatchProcessor(EventType.SQS),
        { context, processInParallel: false, throwOnFullBatchFailure: false },
      ),
  );

/** Thrown for a record not started because the invocation's time is short: SQS hands it out again. */
export class PollHandedBackError extends Error {
  constructor(messageId: string) {
    super(`poll request ${messageId} not started: too little time left in this invocation`);
    this.name = 'PollHandedBackError';
  }
}

const pollRecord = async (deps: PollDeps, settings: PollSettings, record: SQSRecord, context: Context) => {
  const parsed = pollRequestSchema.safeParse(jsonOrUndefined(record.body));
  if (!parsed.success) {
    logger.error('malformed poll request dropped', { messageId: record.messageId });
    return;
  }
  if (context.getRemainingTimeInMillis() < settings.minRemainingMs) {
    throw new PollHandedBackError(record.messageId);
  }
  const { connectionId, stream } = parsed.data;
  if (isStale(parsed.data, deps.clock.now())) {
    emitMetric('PollsSkipped', 1, { reason: 'stale' });
    logger.debug('stale poll request dropped', { connectionId, stream, expiresAt: parsed.data.expiresAt });
    return;
  }
  try {
    const result = await pollStream(
      // Each event's detection latency as it is published (Powertools flushes a metric every 100 values).
      { ...deps, onPublished: emitDetectionLatency },
      {
        connectionId,
        stream,
        owner: `${context.awsRequestId}:${record.messageId}`,
        remainingMs: () => context.getRemainingTimeInMillis(),
        overlap: parsed.data.overlap,
        notAfter: parsed.data.expiresAt === undefined ? undefined : new Date(parsed.data.expiresAt),
      },
      settings,
    );
    if (result.status === 'busy' || result.status === 'idle') {
      emitMetric('PollsSkipped', 1, { reason: result.status });
      return;
    }
    let published = 0;
    for (const [type, count] of Object.entries(result.published)) {
      emitMetric('EventsDetected', count, { type });
      published += count;
    }
    if (published > 0) emitMetric('EventsPublished', published);
    emitMetric('KonnektiveCallsPerPoll', result.calls);
    for (const change of result.strategyChanges) {
      // A first choice is news only in the log; a move on evidence, a re-check or a probe is worth a look.
      const fields = { connectionId, stream, from: change.from, to: change.to, sorted: change.sorted };
      if (change.from === 'none') logger.info('poll strategy chosen', { ...fields, reason: change.reason });
      else logger.warn('poll strategy changed', { ...fields, evidence: change.reason });
      emitMetric('PollStrategyChanged', 1, { strategy: change.to });
    }
    if (result.reconciled && result.reconciled.missed > 0) {
      emitMetric('ReconciledEvents', result.reconciled.missed);
      logger.warn('reconciliation found events the dateUpdated stream could not see', {
        connectionId,
        missed: result.reconciled.missed,
      });
    }
    if (result.lagSeconds !== undefined) emitMetric('PollLagSeconds', result.lagSeconds);
    if (result.rejected.length > 0) {
      emitMetric('RecordsRejected', result.rejected.length);
      for (const rejected of result.rejected) {
        logger.error('Konnektive record failed validation (schema drift)', {
          connectionId,
          stream,
          recordId: rejected.id,
          issue: rejected.issue,
        });
      }
    }
    logger.info('polled', {
      connectionId,
      stream,
      status: result.status,
      windows: result.windows,
      calls: result.calls,
      strategy: result.strategy?.name,
      published: result.published,
      hwm: result.hwm,
    });
  } catch (error) {
    emitMetric('PollErrors', 1);
    // The core already turned it into a domain error (and marked a rejected connection invalid).
    const konnektive = konnektiveFailureOf(error);
    if (konnektive) {
      logger.warn('poll failed at Konnektive; the next tick re-reads the window', {
        connectionId,
        stream,
        errorClass: konnektive.errorClass,
        message: konnektive.message,
      });
      return;
    }
    logger.error('poll failed', { connectionId, stream, error: error as Error });
    throw error;
  }
};

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createPollHandler(
    {
      connections: deps.stores.connections,
      cursors: deps.stores.cursors,
      ledger: deps.stores.ledger,
      cipher: deps.cipher,
      konnektive: deps.konnektive,
      publisher: deps.publisher,
      clock: deps.clock,
      settled: deps.settledEvents,
      wait: deps.wait,
      // Per container: small reads learn their timeouts from the latencies this process saw.
      readTimeouts: new ReadTimeouts(),
      // A stored password Konnektive now refuses is counted (StoredCredentialsRejected) and its connection logged.
      onStoredCredentialsRejected: recordStoredCredentialsRejected,
    },
    deps.pollSettings,
  );
