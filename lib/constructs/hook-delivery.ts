/**
 * Delivery: a bus rule routes detected events to the delivery queue; the deliverer (outside the VPC: a hook needs no
 * fixed IP) POSTs each to the matching Zapier hooks. Retries and rate deferrals are fresh messages the handler sends
 * with a delay (never messages held in flight), the per-URL rate is shared by every container through DynamoDB, and
 * the handler dead-letters explicitly when a delivery's retry horizon is over. The numbers below follow from those
 * choices; docs/delivery.md has the reasoning.
 *
 * Two halves: {@link DeliveryQueues} (rule, queue, dead-letter queue) holds days of pending retries, so it lives in
 * the stateful stack and is retained; {@link HookDelivery} (the deliverer and its grants) lives in the service stack.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BACKGROUND_HANDLERS } from '../../functions/handlers/catalog.js';
import { EVENT_DETAIL_TYPE, EVENT_SOURCE } from '../event-contract.js';
import { createHandlerFunction, type HandlerContext } from './handler-function.js';
import { secureQueue } from './queues.js';
import type { ServiceFunction } from './service-function.js';

/**
 * One round of POSTs (15 s attempt timeout) and the writes after it, three times over: the handler starts no POST with
 * less than attempt timeout + 5 s left, so a fan-out to many Zaps gets about 40 s of POSTs and hands the rest back.
 */
export const DELIVER_FUNCTION_TIMEOUT = Duration.seconds(60);
/** Messages per invocation, handled in parallel, each reported on its own (ReportBatchItemFailures). */
export const DELIVER_BATCH_SIZE = 10;
/**
 * Concurrent invocations the queue may drive. The per-URL rate no longer depends on it (it is shared through
 * DynamoDB); the cap bounds the load on DynamoDB and on the account's Lambda concurrency. 50 × 10 messages at a few
 * hundred ms each is over 1,000 messages/s, and leaves room for the ~15 invocations one slow hook can hold at once
 * (a hook answering slower than 10 s is slowed to one request per second, each waiting at most 15 s).
 */
export const DELIVER_MAX_CONCURRENCY = 50;
/** AWS guidance: at least six times the function timeout. */
export const DELIVERY_VISIBILITY_TIMEOUT = Duration.seconds(DELIVER_FUNCTION_TIMEOUT.toSeconds() * 6);
/**
 * Receives of one copy before SQS dead-letters it. Retries are fresh copies, so a copy is received again only when
 * its handler failed or crashed, once per visibility timeout; 1,000 × 6 min = 100 h, longer than the 96 h retry
 * horizon, so not even a handler that crashes on every message (a bad deploy) dead-letters one before the horizon.
 * At the horizon the handler dead-letters explicitly; this is the backstop.
 */
export const DELIVERY_MAX_RECEIVE_COUNT = 1000;
/** SQS's maximum; a copy lives at most ~100 h (crash loop), a delayed one 15 min. */
export const DELIVERY_RETENTION = Duration.days(14);

export interface DeliveryQueuesProps {
  readonly eventBus: events.IEventBus;
}

/** The delivery queue, its dead-letter queue and the bus rule feeding it: retained, they outlive the deliverer. */
export class DeliveryQueues extends Construct {
  public readonly rule: events.Rule;
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeliveryQueuesProps) {
    super(scope, id);

    this.deadLetterQueue = secureQueue(this, 'DeadLetterQueue', {
      retentionPeriod: DELIVERY_RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queue = secureQueue(this, 'Queue', {
      visibilityTimeout: DELIVERY_VISIBILITY_TIMEOUT,
      retentionPeriod: DELIVERY_RETENTION,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.rule = new events.Rule(this, 'Rule', {
      eventBus: props.eventBus,
      description: 'Detected Konnektive events → hook delivery queue',
      eventPattern: { source: [EVENT_SOURCE], detailType: [EVENT_DETAIL_TYPE] },
      targets: [
        new targets.SqsQueue(this.queue, {
          // If EventBridge cannot reach the queue for 24 h, the event lands next to the undeliverable ones (the
          // message body is the same event JSON either way) instead of being dropped.
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}

export interface HookDeliveryProps {
  readonly context: HandlerContext;
  /** The stateful stack's delivery queue and its dead-letter queue ({@link DeliveryQueues}). */
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

export class HookDelivery extends Construct {
  public readonly queue: sqs.IQueue;
  public readonly deadLetterQueue: sqs.IQueue;
  public readonly deliverFunction: ServiceFunction;

  constructor(scope: Construct, id: string, props: HookDeliveryProps) {
    super(scope, id);
    this.queue = props.queue;
    this.deadLetterQueue = props.deadLetterQueue;

    this.deliverFunction = createHandlerFunction(
      this,
      'deliver-events',
      BACKGROUND_HANDLERS['deliver-events'],
      props.context,
      {
        timeout: DELIVER_FUNCTION_TIMEOUT,
        environment: {
          DELIVERY_QUEUE_URL: this.queue.queueUrl,
          DELIVERY_DLQ_URL: this.deadLetterQueue.queueUrl,
        },
      },
    );
    this.deliverFunction.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: DELIVER_BATCH_SIZE,
        maxConcurrency: DELIVER_MAX_CONCURRENCY,
        reportBatchItemFailures: true,
      }),
    );
    this.deliverFunction.role.addToPrincipalPolicy(
      // Retries, rate deferrals and hops are sent back to the delivery queue with a delay; exhausted deliveries go
      // to the dead-letter queue explicitly.
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn, this.deadLetterQueue.queueArn],
      }),
    );
  }
}
