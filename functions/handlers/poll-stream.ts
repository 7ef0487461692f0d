/**
 * SQS poll-request consumer: polls one (connection, stream) per message, within the invocation's time budget.
 * Konnektive failures are counted and logged, then left to the next tick (the window is re-read); anything else fails
 * the message so SQS retries it and, in the end, dead-letters it.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { konnektiveFailureOf } from '../core/konnektive-access.js';
import { type PollDeps, type PollSettings, pollStream } from '../core/triggers/poll-stream.js';
import { pollRequestSchema } from '../core/triggers/schemas.js';
import type { Dependencies } from '../shared/dependencies.js';
import { backgroundHandler, jsonOrUndefined } from '../shared/lambda.js';
import { emitMetric, logger } from '../shared/observability.js';

export const createPollHandler = (deps: PollDeps, settings: PollSettings) =>
  backgroundHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const parsed = pollRequestSchema.safeParse(jsonOrUndefined(record.body));
      if (!parsed.success) {
        logger.error('malformed poll request dropped', { messageId: record.messageId });
        continue;
      }
      const { connectionId, stream } = parsed.data;
      try {
        const result = await pollStream(
          deps,
          {
            connectionId,
            stream,
            owner: `${context.awsRequestId}:${record.messageId}`,
            remainingMs: () => context.getRemainingTimeInMillis(),
            overlap: parsed.data.overlap,
          },
          settings,
        );
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
          if (change.from === 'none')
            logger.info('poll strategy chosen', { ...fields, reason: change.reason });
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
          continue;
        }
        logger.error('poll failed', { connectionId, stream, error: error as Error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });

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
    },
    deps.pollSettings,
  );
