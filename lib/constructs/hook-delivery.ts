/**
 * Delivery (design §2.5): a bus rule routes detected events to the delivery queue; the deliverer (outside the VPC: a
 * hook needs no fixed IP) POSTs each to the matching Zapier hooks. The handler paces its own retries with
 * ChangeMessageVisibility (30 s doubling to a 1 h cap for ≥ 96 h) and dead-letters explicitly when it gives up; the
 * queue's redrive policy is the backstop.
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

export const DELIVER_FUNCTION_TIMEOUT = Duration.seconds(60);
/** Messages per invocation; the handler reports each failure on its own (ReportBatchItemFailures). */
export const DELIVER_BATCH_SIZE = 10;
/**
 * The handler's backoff reaches its 96 h horizon in about 100 receives; 120 leaves room for receives that end in a
 * throttle or crash. Beyond that the message goes to the dead-letter queue.
 */
export const DELIVERY_MAX_RECEIVE_COUNT = 120;

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
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queue = secureQueue(this, 'Queue', {
      // AWS guidance: at least 6× the consumer's timeout.
      visibilityTimeout: Duration.seconds(DELIVER_FUNCTION_TIMEOUT.toSeconds() * 6),
      // The retry horizon is 96 h; the SQS maximum keeps a margin for a long Zapier or deliverer outage.
      retentionPeriod: Duration.days(14),
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
      new SqsEventSource(this.queue, { batchSize: DELIVER_BATCH_SIZE, reportBatchItemFailures: true }),
    );
    this.deliverFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // Per-message backoff (the event source mapping's own grant includes it too; stated here because the
        // handler calls it directly).
        actions: ['sqs:ChangeMessageVisibility'],
        resources: [this.queue.queueArn],
      }),
    );
    this.deliverFunction.role.addToPrincipalPolicy(
      // Explicit dead-lettering once the retry horizon is over.
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );
  }
}
