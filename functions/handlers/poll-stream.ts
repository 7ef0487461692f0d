/**
 * SQS poll-request consumer: polls one (connection, stream) per message, within the invocation's time budget, through
 * Powertools' BatchProcessor (one record after another; each fails on its own). Konnektive failures are counted and
 * logged, then left to the next tick (the window is re-read); anything else fails the record so SQS retries it and,
 * in the end, dead-letters it. A record not started because the invocation's time is short is handed back (failed).
 */

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { EventBridgePublisher } from '../adapters/eventbridge/event-bridge-publisher.js';
import { KonnektiveAuthError, KonnektiveError } from '../core/konnektive.js';
import { type PollDeps, type PollSettings, pollStream } from '../core/triggers/poll-stream.js';
import { pollRequestSchema } from '../core/triggers/schemas.js';
import { SettledEvents } from '../core/triggers/settled-events.js';
import { dynamoStores, systemClock } from '../shared/aws.js';
import { cipherConfig, konnektiveConfig, loadConfig, pollConfig, storageConfig } from '../shared/config.js';
import { kmsCredentialCipher } from '../shared/kms.js';
import { createKonnektiveClient } from '../shared/konnektive.js';
import { backgroundHandler, jsonOrUndefined } from '../shared/lambda.js';
import { dimensionedMetric, logger, MetricUnit, metrics } from '../shared/observability.js';
import { pollSettingsFrom } from '../shared/settings.js';

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
  try {
    const result = await pollStream(
      deps,
      {
        connectionId,
        stream,
        owner: `${context.awsRequestId}:${record.messageId}`,
        remainingMs: () => context.getRemainingTimeInMillis(),
      },
      settings,
    );
    for (const [type, count] of Object.entries(result.published))
      dimensionedMetric('EventsDetected', 'type', type, count);
    if (result.lagSeconds !== undefined)
      metrics.addMetric('PollLagSeconds', MetricUnit.Seconds, result.lagSeconds);
    if (result.rejected.length > 0) {
      metrics.addMetric('RecordsRejected', MetricUnit.Count, result.rejected.length);
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
      published: result.published,
      hwm: result.hwm,
    });
  } catch (error) {
    metrics.addMetric('PollErrors', MetricUnit.Count, 1);
    if (error instanceof KonnektiveError) {
      logger.warn('poll failed at Konnektive; the next tick re-reads the window', {
        connectionId,
        stream,
        errorClass: error.errorClass,
        message: error.message,
      });
      if (error instanceof KonnektiveAuthError)
        await deps.connections.setStatus(connectionId, 'invalid', deps.clock.now());
      return;
    }
    logger.error('poll failed', { connectionId, stream, error: error as Error });
    throw error;
  }
};

const config = loadConfig(
  storageConfig.extend(konnektiveConfig.shape).extend(cipherConfig.shape).extend(pollConfig.shape),
);
const stores = dynamoStores(config);
export const handler = createPollHandler(
  {
    connections: stores.connections(),
    cursors: stores.cursors(),
    ledger: stores.ledger(),
    cipher: kmsCredentialCipher(config),
    konnektive: createKonnektiveClient(config),
    publisher: new EventBridgePublisher(
      new EventBridgeClient({ region: config.AWS_REGION }),
      config.EVENT_BUS_NAME,
    ),
    clock: systemClock,
    // Module scope: warm invocations remember which overlap events are settled and skip their ledger writes.
    settled: new SettledEvents(),
  },
  pollSettingsFrom(config),
);
