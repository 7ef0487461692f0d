/**
 * Reading items back: every item is parsed with a zod schema (the table is a boundary: an item written by an
 * older version or by hand must fail loudly, not flow on as a wrong type), and raw AttributeValue maps from
 * conditional-check failures are decoded here.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { z } from 'zod';
import { StoreError, type StoreErrorContext } from './errors.js';

/**
 * Decodes a raw DynamoDB attribute into a plain value. Covers the types our items use (S, N, BOOL, NULL and
 * nested M/L); sets and binary never occur in our tables, so meeting one is reported rather than guessed.
 * (`@aws-sdk/util-dynamodb`'s `unmarshall` would do, but it is only a transitive dependency here.)
 */
export const decodeAttribute = (value: AttributeValue): unknown => {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return decodeItem(value.M);
  if (value.L !== undefined) return value.L.map(decodeAttribute);
  throw new TypeError(`Unsupported DynamoDB attribute type: ${Object.keys(value).join(',') || 'none'}`);
};

/** Decodes a raw item (e.g. `ConditionalCheckFailedException.Item`) into a plain object. */
export const decodeItem = (item: Record<string, AttributeValue>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, decodeAttribute(value)]));

/** Parses a stored item with `schema`; a malformed item is a non-retryable StoreError naming the table. */
export const parseItem = <S extends z.ZodType>(
  schema: S,
  item: unknown,
  context: StoreErrorContext,
): z.output<S> => {
  const result = schema.safeParse(item);
  if (result.success) return result.data;
  // Only issue paths and codes go into the message: item values may be ciphertext or customer data.
  const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`);
  throw new StoreError(
    `Malformed item in table ${context.tableName} (${context.operation}): ${issues.join('; ')}`,
    { ...context, retryable: false, cause: result.error },
  );
};

/** Decodes and parses the old item of a failed condition; a missing one is a StoreError (we always ask for it). */
export const parseOldItem = <S extends z.ZodType>(
  schema: S,
  oldItem: Record<string, AttributeValue> | undefined,
  context: StoreErrorContext,
): z.output<S> => {
  if (oldItem === undefined) {
    throw new StoreError(
      `DynamoDB ${context.operation} on table ${context.tableName}: condition failed but no old item was returned`,
      { ...context, retryable: true },
    );
  }
  let decoded: Record<string, unknown>;
  try {
    decoded = decodeItem(oldItem);
  } catch (error) {
    throw new StoreError(`Malformed item in table ${context.tableName} (${context.operation})`, {
      ...context,
      retryable: false,
      cause: error,
    });
  }
  return parseItem(schema, decoded, context);
};

/** Options of the stores that scan or query. */
export interface PagedStoreOptions {
  /** Items per DynamoDB page (`Limit`); omitted = DynamoDB's 1 MB pages. Small values exercise pagination. */
  pageSize?: number | undefined;
}

/** Drains a paginator (scan or query), following `LastEvaluatedKey` to the last page. */
export const collectItems = async (
  pages: AsyncIterable<{ Items?: Record<string, unknown>[] | undefined }>,
): Promise<Record<string, unknown>[]> => {
  const collected: Record<string, unknown>[] = [];
  for await (const page of pages) collected.push(...(page.Items ?? []));
  return collected;
};

/** Epoch seconds, the unit DynamoDB TTL reads. */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
