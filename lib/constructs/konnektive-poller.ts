/**
 * Polling (docs/polling.md): EventBridge Scheduler ticks the dispatcher every minute; the dispatcher enqueues the
 * tick's poll requests per (connection, stream) in use, spaced by the cadence with queue delays; the poller (in the
 * VPC, fixed egress) reads Konnektive, records events in the ledger and publishes them to the bus.
 *
 * The two dead-letter queues ({@link PollDeadLetterQueues}) hold what needs a human, so they live in the stateful
 * stack and are retained. The poll request queue stays here: the dispatcher regenerates its content every tick.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_POLL_SETTINGS } from '../../functions/core/triggers/settings.js';
import { BACKGROUND_HANDLERS } from '../../functions/handlers/catalog.js';
import { createFunctionSchedule } from './function-schedule.js';
import { createHandlerFunction, type HandlerContext } from './handler-function.js';
import { secureQueue } from './queues.js';
import type { ServiceFunction } from './service-function.js';

/** One poll of one (connection, stream) checkpoints within this budget (catch-up walks bounded slices). */
export const POLL_FUNCTION_TIMEOUT = Duration.seconds(300);
/**
 * The poll lease: short and renewed all through a poll, so a poll that crashed or timed out frees its stream within
 * it; far shorter than the function's timeout (docs/polling.md, "Cadence").
 */
export const POLL_LEASE = Duration.seconds(DEFAULT_POLL_SETTINGS.leaseMs / 1000);
/**
 * How far behind now a poll reads. Short: a row committed late behind the high-water mark is still found by the next
 * poll's overlap re-check (quick: 10 s, full: 5 min), so the settle lag only buys detection latency.
 */
export const POLL_SETTLE = Duration.seconds(2);
export const DISPATCH_FUNCTION_TIMEOUT = Duration.seconds(60);

/** The poll queue's and the schedule's dead-letter queues: retained, they outlive the poller. */
export class PollDeadLetterQueues extends Construct {
  /** Poll requests that failed three times. */
  public readonly pollDeadLetterQueue: sqs.Queue;
  /** The scheduler's invocations that failed after its retries. */
  public readonly scheduleDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.pollDeadLetterQueue = secureQueue(this, 'PollDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.pollDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is the poll queue's dead-letter queue (that queue lives in the service stack); it needs none of its own",
    });
    this.scheduleDeadLetterQueue = secureQueue(this, 'ScheduleDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.scheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the EventBridge Scheduler target's dead-letter queue; it needs none of its own",
    });
  }
}

export interface KonnektivePollerProps {
  readonly context: HandlerContext;
  readonly eventBus: events.IEventBus;
  /** The stateful stack's dead-letter queues ({@link PollDeadLetterQueues}). */
  readonly pollDeadLetterQueue: sqs.IQueue;
  readonly scheduleDeadLetterQueue: sqs.IQueue;
  /** Minutes between dispatcher ticks. @default 1 */
  readonly pollRateMinutes?: number;
  /** Seconds between two polls of one (connection, stream), within each tick. @default 10 */
  readonly pollIntervalSeconds?: number;
}

export class KonnektivePoller extends Construct {
  public readonly schedule: scheduler.Schedule;
  /** Receives the scheduler's invocations that failed after its retries. */
  public readonly scheduleDeadLetterQueue: sqs.IQueue;
  public readonly dispatchFunction: ServiceFunction;
  public readonly pollQueue: sqs.Queue;
  public readonly pollDeadLetterQueue: sqs.IQueue;
  public readonly pollFunction: ServiceFunction;

  constructor(scope: Construct, id: string, props: KonnektivePollerProps) {
    super(scope, id);
    const pollRateMinutes = props.pollRateMinutes ?? 1;
    if (!Number.isInteger(pollRateMinutes) || pollRateMinutes < 1) {
      throw new Error(`pollRateMinutes must be a positive integer, got ${pollRateMinutes}`);
    }

    const pollIntervalSeconds = props.pollIntervalSeconds ?? 10;
    if (
      !Number.isInteger(pollIntervalSeconds) ||
      pollIntervalSeconds < 1 ||
      pollIntervalSeconds > 60 * pollRateMinutes
    ) {
      throw new Error(
        `pollIntervalSeconds must be a whole number of seconds within a tick, got ${pollIntervalSeconds}`,
      );
    }
    if (POLL_LEASE.toSeconds() >= POLL_FUNCTION_TIMEOUT.toSeconds()) {
      throw new Error('the poll lease must be shorter than the poll function timeout');
    }

    this.pollDeadLetterQueue = props.pollDeadLetterQueue;
    this.scheduleDeadLetterQueue = props.scheduleDeadLetterQueue;
    this.pollQueue = secureQueue(this, 'PollQueue', {
      // AWS guidance: at least 6× the consumer's timeout, so a slow poll is not handed to a second consumer.
      visibilityTimeout: Duration.seconds(POLL_FUNCTION_TIMEOUT.toSeconds() * 6),
      // A poll request is only worth something for a while: the dispatcher enqueues a fresh one every tick.
      retentionPeriod: Duration.days(1),
      // A request that failed three times (not a Konnektive outage: the poller absorbs those) needs a human.
      deadLetterQueue: { queue: this.pollDeadLetterQueue, maxReceiveCount: 3 },
    });

    this.dispatchFunction = createHandlerFunction(
      this,
      'dispatch-polls',
      BACKGROUND_HANDLERS['dispatch-polls'],
      props.context,
      {
        timeout: DISPATCH_FUNCTION_TIMEOUT,
        memorySize: 256,
        environment: {
          POLL_QUEUE_URL: this.pollQueue.queueUrl,
          POLL_INTERVAL_SECONDS: String(pollIntervalSeconds),
          SCHEDULER_TICK_SECONDS: String(pollRateMinutes * 60),
        },
        // The next tick re-dispatches everything; a Lambda-level retry would only duplicate poll requests.
        retryAttempts: 0,
      },
    );
    this.dispatchFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.pollQueue.queueArn] }),
    );

    this.schedule = createFunctionSchedule(this, {
      target: this.dispatchFunction,
      targetName: 'the poll dispatcher',
      description: 'Dispatches Konnektive polls',
      deadLetterQueue: this.scheduleDeadLetterQueue,
      rateMinutes: pollRateMinutes,
    });

    this.pollFunction = createHandlerFunction(
      this,
      'poll-stream',
      BACKGROUND_HANDLERS['poll-stream'],
      props.context,
      {
        timeout: POLL_FUNCTION_TIMEOUT,
        memorySize: 1024,
        environment: {
          EVENT_BUS_NAME: props.eventBus.eventBusName,
          POLL_LEASE_SECONDS: String(POLL_LEASE.toSeconds()),
          POLL_SETTLE_SECONDS: String(POLL_SETTLE.toSeconds()),
        },
      },
    );
    this.pollFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.eventBus.eventBusArn] }),
    );
    this.pollFunction.function.addEventSource(
      new SqsEventSource(this.pollQueue, { batchSize: 1, reportBatchItemFailures: true }),
    );
  }
}
