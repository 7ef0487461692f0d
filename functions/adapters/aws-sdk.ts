/**
 * The AWS SDK modules the adapters use, each loaded on first use with `require`. A Lambda function then loads only
 * the clients it builds (a function that reads DynamoDB never loads KMS, SQS or EventBridge), and loads them through
 * Node's CommonJS loader: the SDK ships CommonJS, which `require` loads about twice as fast as an ESM `import` of
 * the same package does (docs/architecture.md, "Cold start"). Types come from the packages as usual.
 */
// Not `createRequire`: the bundles' banner declares that name at their top (lib/bundling.ts).
import { createRequire as createSdkRequire } from 'node:module';
import { lazily } from '../core/lazy.js';

/** Resolves from this module (the bundle in Lambda: its directory, then the runtime's `NODE_PATH`). */
const load = createSdkRequire(import.meta.url);

export interface AwsSdk {
  readonly dynamodb: typeof import('@aws-sdk/client-dynamodb');
  readonly documents: typeof import('@aws-sdk/lib-dynamodb');
  readonly sqs: typeof import('@aws-sdk/client-sqs');
  readonly kms: typeof import('@aws-sdk/client-kms');
  readonly eventBridge: typeof import('@aws-sdk/client-eventbridge');
}

export const awsSdk = lazily<AwsSdk>({
  dynamodb: () => load('@aws-sdk/client-dynamodb'),
  documents: () => load('@aws-sdk/lib-dynamodb'),
  sqs: () => load('@aws-sdk/client-sqs'),
  kms: () => load('@aws-sdk/client-kms'),
  eventBridge: () => load('@aws-sdk/client-eventbridge'),
});
