/** SQS queues the way every queue here is made: SQS-managed encryption at rest and TLS-only access. */
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue encrypted with SQS-managed keys (EventBridge and Scheduler can send to it without a key policy) whose
 * policy denies any request not made over TLS.
 */
export const secureQueue = (scope: Construct, id: string, props: sqs.QueueProps = {}): sqs.Queue =>
  new sqs.Queue(scope, id, { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, ...props });
