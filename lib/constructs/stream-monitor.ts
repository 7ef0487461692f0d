/**
 * The stream monitor: a function on its own EventBridge Scheduler schedule (every minute) that reads the
 * subscriptions, cursors and connections tables and publishes stream staleness, stuck leases, invalid connections in
 * use and its own heartbeat. It calls no Konnektive API and runs outside the VPC, so it keeps reporting when polls,
 * the NAT or the dispatcher's schedule fail; its alarms treat missing data as breaching.
 */
import { Duration } from 'aws-cdk-lib';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BACKGROUND_HANDLERS } from '../../functions/handlers/catalog.js';
import { createFunctionSchedule } from './function-schedule.js';
import { createHandlerFunction, type HandlerContext } from './handler-function.js';
import { POLL_FUNCTION_TIMEOUT, POLL_LEASE } from './konnektive-poller.js';
import type { ServiceFunction } from './service-function.js';

export const MONITOR_FUNCTION_TIMEOUT = Duration.seconds(60);
/** A lease renewed longer ago than this belongs to a poll that is gone: the poll timeout plus a minute. */
export const MAX_POLL_DURATION = Duration.seconds(POLL_FUNCTION_TIMEOUT.toSeconds() + 60);

export interface StreamMonitorProps {
  readonly context: HandlerContext;
  /** Receives the scheduler's invocations that failed after its retries (the stateful stack's schedule DLQ). */
  readonly scheduleDeadLetterQueue: sqs.IQueue;
}

export class StreamMonitor extends Construct {
  public readonly monitorFunction: ServiceFunction;
  public readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: StreamMonitorProps) {
    super(scope, id);

    this.monitorFunction = createHandlerFunction(
      this,
      'monitor-streams',
      BACKGROUND_HANDLERS['monitor-streams'],
      props.context,
      {
        timeout: MONITOR_FUNCTION_TIMEOUT,
        memorySize: 256,
        environment: {
          MONITOR_MAX_POLL_SECONDS: String(MAX_POLL_DURATION.toSeconds()),
          POLL_LEASE_SECONDS: String(POLL_LEASE.toSeconds()),
        },
        // The next minute measures again; a Lambda-level retry would only publish a stale measurement late.
        retryAttempts: 0,
      },
    );

    this.schedule = createFunctionSchedule(this, {
      target: this.monitorFunction,
      targetName: 'the stream monitor',
      description: 'Measures the freshness of every Konnektive stream in use',
      deadLetterQueue: props.scheduleDeadLetterQueue,
    });
  }
}
