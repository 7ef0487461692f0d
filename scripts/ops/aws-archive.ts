/**
 * The bus archive read back for `replay` in AWS. EventBridge replays an archive only onto its bus, so for one replay
 * this sets up, and always removes after: a rule on the bus matching only this replay's events (its `replay-name`)
 * of the subscription's connection, trigger and type; a temporary SQS queue as that rule's target, whose policy
 * admits only that rule; a replay (`StartReplay`) whose destination is that rule alone, so the bus's delivery rule
 * never sees these events and no other subscription is touched. The events are read from the temporary queue while
 * the replay runs; the use case turns them into targeted `redeliver` messages.
 */
import {
  CancelReplayCommand,
  DeleteRuleCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { EVENT_SOURCE } from '../../functions/adapters/eventbridge/event-bridge-publisher.js';
import { jsonOrUndefined } from '../../functions/core/json.js';
import type { DetectedEvent } from '../../functions/core/model.js';
import type { ArchiveQuery, EventArchive } from '../../functions/core/operations/replay.js';
import { busEnvelopeSchema } from '../../functions/core/triggers/schemas.js';

export interface BusArchiveOptions {
  archiveName: string;
  eventBusName: string;
  events: EventBridgeClient;
  sqs: SQSClient;
  /** A name unique to this replay (rule, queue and replay are named after it). */
  replayName?: string;
  sleep?: (ms: number) => Promise<void>;
  /** Gives up (and cancels the replay) after this long. @default 1 hour */
  timeoutMs?: number;
  now?: () => number;
  /** Progress lines (the CLI prints them on stderr). */
  log?: (line: string) => void;
}

const TARGET_ID = 'ops-replay';

export class ReplayFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayFailedError';
  }
}

export const opsReplayName = (now: Date = new Date()) =>
  `kz-ops-replay-${now
    .toISOString()
    .replace(/[^0-9]/g, '')
    .slice(0, 14)}-${Math.random().toString(36).slice(2, 8)}`;

/** The temporary queue's policy: EventBridge may send to it from this one rule only. */
export const replayQueuePolicy = (queueArn: string, ruleArn: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  });

/** The rule's pattern: this replay's events of one connection, trigger and type. */
export const replayEventPattern = (replayName: string, query: ArchiveQuery) =>
  JSON.stringify({
    'replay-name': [replayName],
    source: [EVENT_SOURCE],
    detail: { connectionId: [query.connectionId], trigger: [query.trigger], type: [query.type] },
  });

export const busArchive = (options: BusArchiveOptions): EventArchive => ({
  events: (query) => replayArchive(options, query),
});

async function* replayArchive(
  options: BusArchiveOptions,
  query: ArchiveQuery,
): AsyncGenerator<DetectedEvent[]> {
  const { events, sqs } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const name = options.replayName ?? opsReplayName();

  const archive = await events.send(new DescribeArchiveCommand({ ArchiveName: options.archiveName }));
  const busArn = archive.EventSourceArn;
  if (!busArn) throw new ReplayFailedError(`archive ${options.archiveName} names no event bus`);

  const cleanups: Array<{ what: string; run: () => Promise<unknown> }> = [];
  let replayRunning = false;
  try {
    const rule = await events.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: options.eventBusName,
        EventPattern: replayEventPattern(name, query),
        State: 'ENABLED',
        Description: 'Temporary: one ops replay to one subscription (removed when the replay ends)',
      }),
    );
    cleanups.push({
      what: `rule ${name}`,
      run: () => events.send(new DeleteRuleCommand({ Name: name, EventBusName: options.eventBusName })),
    });
    if (!rule.RuleArn) throw new ReplayFailedError('PutRule returned no rule ARN');

    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { MessageRetentionPeriod: '86400', SqsManagedSseEnabled: 'true' },
      }),
    );
    const queueUrl = created.QueueUrl;
    if (!queueUrl) throw new ReplayFailedError('CreateQueue returned no queue URL');
    cleanups.push({
      what: `queue ${name}`,
      run: () => sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })),
    });
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queueArn = attributes.Attributes?.QueueArn;
    if (!queueArn) throw new ReplayFailedError('GetQueueAttributes returned no queue ARN');
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { Policy: replayQueuePolicy(queueArn, rule.RuleArn) },
      }),
    );

    const targets = await events.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: options.eventBusName,
        Targets: [{ Id: TARGET_ID, Arn: queueArn }],
      }),
    );
    if (targets.FailedEntryCount) {
      throw new ReplayFailedError(
        `PutTargets failed: ${targets.FailedEntries?.[0]?.ErrorMessage ?? 'unknown'}`,
      );
    }
    cleanups.unshift({
      what: `target of rule ${name}`,
      run: () =>
        events.send(
          new RemoveTargetsCommand({ Rule: name, EventBusName: options.eventBusName, Ids: [TARGET_ID] }),
        ),
    });

    await events.send(
      new StartReplayCommand({
        ReplayName: name,
        EventSourceArn: busArn,
        EventStartTime: query.from,
        EventEndTime: query.to,
        Destination: { Arn: busArn, FilterArns: [rule.RuleArn] },
        Description: `ops replay of ${query.trigger}.${query.type} for connection ${query.connectionId}`,
      }),
    );
    replayRunning = true;
    log(`replay ${name} started`);

    const deadline = now() + (options.timeoutMs ?? 3_600_000);
    let emptyAfterDone = 0;
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
      );
      const batch: DetectedEvent[] = [];
      for (const message of Messages) {
        const envelope = busEnvelopeSchema.safeParse(jsonOrUndefined(message.Body ?? ''));
        if (envelope.success) batch.push(envelope.data.detail);
      }
      if (batch.length > 0) yield batch;
      if (Messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: Messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle ?? '',
            })),
          }),
        );
        emptyAfterDone = 0;
        continue;
      }
      const replay = await events.send(new DescribeReplayCommand({ ReplayName: name }));
      const state = replay.State ?? 'UNKNOWN';
      if (state === 'FAILED' || state === 'CANCELLED') {
        replayRunning = false;
        throw new ReplayFailedError(`replay ${name} ${state}: ${replay.StateReason ?? 'no reason given'}`);
      }
      if (state === 'COMPLETED') {
        replayRunning = false;
        // Events of a completed replay may still be on their way to the queue: drain until it stays empty.
        if (++emptyAfterDone >= 3) break;
      } else if (now() > deadline) {
        throw new ReplayFailedError(
          `replay ${name} still ${state} after ${(options.timeoutMs ?? 3_600_000) / 1000} s`,
        );
      }
      await sleep(2_000);
    }
    log(`replay ${name} completed`);
  } finally {
    if (replayRunning) {
      await events.send(new CancelReplayCommand({ ReplayName: name })).catch(() => undefined);
    }
    for (const cleanup of cleanups) {
      await cleanup.run().catch((error: unknown) => {
        log(`could not remove ${cleanup.what}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }
}
