/**
 * Errors of the DynamoDB adapters, and the one place SDK failures are classified.
 *
 * Conditional-check failures are expected outcomes (a lease is taken, an event was seen) and each store turns
 * them into a port result. Everything else becomes a StoreError that keeps the SDK error as `cause` and says
 * whether retrying can help, so callers (SQS/EventBridge redelivery, the poller's next tick) decide without
 * importing AWS types.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { awsSdk } from '../aws-sdk.js';

/** Where a failure happened, for the message and for logs. */
export interface StoreErrorContext {
  /** The store method, e.g. `CursorStore.checkpoint`. */
  readonly operation: string;
  readonly tableName: string;
}

/**
 * A DynamoDB call failed for a reason the store cannot handle (throttling, a missing table, a malformed item).
 * `retryable` is true for throttling, server-side and network failures: the caller should let its message be
 * redelivered rather than dead-letter it.
 */
export class StoreError extends Error {
  readonly operation: string;
  readonly tableName: string;
  readonly retryable: boolean;

  constructor(message: string, context: StoreErrorContext & { retryable: boolean; cause?: unknown }) {
    super(message, { cause: context.cause });
    this.name = 'StoreError';
    this.operation = context.operation;
    this.tableName = context.tableName;
    this.retryable = context.retryable;
  }
}

/**
 * `SubscriptionStore.put` found a different subscription under the same id (ids are generated, so this is a
 * bug or a replayed request with other content, never something to retry).
 */
export class SubscriptionExistsError extends StoreError {
  constructor(subscriptionId: string, context: StoreErrorContext) {
    super(`Subscription ${subscriptionId} already exists with different content`, {
      ...context,
      retryable: false,
    });
    this.name = 'SubscriptionExistsError';
  }
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** Throttling, server faults and network failures are worth retrying; validation and missing tables are not. */
export const isRetryableSdkError = (error: unknown): boolean => {
  if (
    error instanceof awsSdk.dynamodb.ProvisionedThroughputExceededException ||
    error instanceof awsSdk.dynamodb.RequestLimitExceeded ||
    error instanceof awsSdk.dynamodb.ThrottlingException ||
    error instanceof awsSdk.dynamodb.LimitExceededException ||
    error instanceof awsSdk.dynamodb.InternalServerError ||
    error instanceof awsSdk.dynamodb.TransactionConflictException
  ) {
    return true;
  }
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { $retryable?: unknown; $fault?: unknown; code?: unknown; name?: unknown };
  if (candidate.$retryable) return true;
  if (candidate.$fault === 'server') return true;
  // Socket-level failures carry a Node errno code and no $metadata; the SDK's own timeout is a TimeoutError.
  if (typeof candidate.code === 'string' && NETWORK_ERROR_CODES.has(candidate.code)) return true;
  return candidate.name === 'TimeoutError';
};

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : `non-error value ${typeof error}`;

/** Wraps any failure in a StoreError (an existing StoreError passes through unchanged). */
export const toStoreError = (error: unknown, context: StoreErrorContext): StoreError => {
  if (error instanceof StoreError) return error;
  return new StoreError(
    `DynamoDB ${context.operation} on table ${context.tableName} failed: ${describe(error)}`,
    {
      ...context,
      retryable: isRetryableSdkError(error),
      cause: error,
    },
  );
};

/** Runs one SDK call (or a pagination loop), wrapping every failure in a StoreError. */
export const guard = async <T>(context: StoreErrorContext, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    throw toStoreError(error, context);
  }
};

/** Result of a conditional write: the output, or the item that failed the condition (when asked for). */
export type ConditionalResult<T> =
  | { readonly ok: true; readonly output: T }
  | { readonly ok: false; readonly oldItem: Record<string, AttributeValue> | undefined };

/**
 * Runs one conditional write. A failed condition is a result, not an error; `oldItem` is the raw item DynamoDB
 * returns with `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'` (the document client does not unmarshall it:
 * decode it with `decodeItem`). Every other failure becomes a StoreError.
 */
export const conditional = async <T>(
  context: StoreErrorContext,
  call: () => Promise<T>,
): Promise<ConditionalResult<T>> => {
  try {
    return { ok: true, output: await call() };
  } catch (error) {
    if (error instanceof awsSdk.dynamodb.ConditionalCheckFailedException)
      return { ok: false, oldItem: error.Item };
    throw toStoreError(error, context);
  }
};
