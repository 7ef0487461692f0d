/**
 * An EventBridge Scheduler schedule that invokes one function at a fixed rate, with its own role (trusting the
 * scheduler of this account only), a bounded retry policy and a dead-letter queue. A tick older than a minute is
 * superseded by the next one, so two quick retries cover a transient failure and nothing older is worth running.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ServiceFunction } from './service-function.js';

export interface FunctionScheduleProps {
  readonly target: ServiceFunction;
  /** What the function is for, as the role and schedule descriptions say it (e.g. "the poll dispatcher"). */
  readonly targetName: string;
  readonly description: string;
  /** Receives the invocations that failed after the scheduler's retries. */
  readonly deadLetterQueue: sqs.IQueue;
  /** @default 1 */
  readonly rateMinutes?: number;
}

/** Creates `SchedulerRole` and `Schedule` under `scope` (construct IDs are part of the logical-ID contract). */
export const createFunctionSchedule = (
  scope: Construct,
  props: FunctionScheduleProps,
): scheduler.Schedule => {
  const role = new iam.Role(scope, 'SchedulerRole', {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: `EventBridge Scheduler: invoke ${props.targetName}, dead-letter failed invocations`,
  });
  const schedule = new scheduler.Schedule(scope, 'Schedule', {
    description: props.description,
    schedule: scheduler.ScheduleExpression.rate(Duration.minutes(props.rateMinutes ?? 1)),
    timeWindow: scheduler.TimeWindow.off(),
    target: new LambdaInvoke(props.target.function, {
      role,
      deadLetterQueue: props.deadLetterQueue,
      retryAttempts: 2,
      maxEventAge: Duration.seconds(60),
    }),
  });
  const functionId = Stack.of(scope).resolve(
    (props.target.function.node.defaultChild as lambda.CfnFunction).logicalId,
  ) as string;
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
    reason: `LambdaInvoke grants lambda:InvokeFunction on ${props.targetName} and its qualified ARNs (versions/aliases) only`,
  });
  return schedule;
};
