/**
 * performList samples (docs/http-api.md, Records): the newest 3 real records of the last 30 days for a trigger/type, serialized by
 * the same serializer as hook payloads; a static, obviously fake sample (id `sample-…`) when there are none.
 */
import { NotFoundError } from '../errors.js';
import type {
  KonnektiveCredentials,
  KonnektiveGateway,
  OrderRecord,
  TransactionRecord,
} from '../konnektive.js';
import { type KonnektiveAccessDeps, withStoredCredentials } from '../konnektive-access.js';
import {
  type Connection,
  type EventType,
  type HookPayload,
  ORDER_TYPES,
  TRANSACTION_TYPES,
  type Trigger,
} from '../model.js';
import { classifyOrder, classifyTransaction, recordIdOf, serializeEvent } from './detect.js';
import { SAMPLE_ORDER, SAMPLE_TRANSACTION } from './static-samples.js';

/** Samples read Konnektive under the access policy (an invalid connection is refused, a rejected one marked). */
export type SampleDeps = KonnektiveAccessDeps;

const SAMPLE_COUNT = 3;
const LOOKBACK_MS = 30 * 86_400_000;

/** Validates the trigger/type pair (404 for an unknown trigger, 422 naming `type` otherwise). */
export const parseTriggerType = (
  trigger: string,
  type: string,
): { trigger: Trigger; type: EventType } | undefined => {
  if (trigger === 'order' && (ORDER_TYPES as readonly string[]).includes(type)) {
    return { trigger, type: type as EventType };
  }
  if (trigger === 'transaction' && (TRANSACTION_TYPES as readonly string[]).includes(type)) {
    return { trigger, type: type as EventType };
  }
  if (trigger !== 'order' && trigger !== 'transaction')
    throw new NotFoundError(`Unknown trigger "${trigger}"`);
  return undefined;
};

export const getSamples = async (
  deps: SampleDeps,
  connection: Connection,
  trigger: Trigger,
  type: EventType,
): Promise<{ source: 'live' | 'static'; samples: HookPayload[] }> => {
  const now = deps.clock.now();
  const range = { start: new Date(now.getTime() - LOOKBACK_MS), end: now };
  const records = await withStoredCredentials<Array<OrderRecord | TransactionRecord>>(
    deps,
    connection,
    (konnektive, credentials) =>
      trigger === 'order'
        ? newestOrders(konnektive, credentials, range, type)
        : newestTransactions(konnektive, credentials, range, type),
  );
  const serialize = (record: OrderRecord | TransactionRecord) =>
    serializeEvent({
      record,
      type,
      recordId: recordIdOf(trigger === 'order' ? 'orders' : 'transactions', record),
      timeZone: connection.timeZone,
      connectionLabel: connection.label,
    });
  if (records.length > 0) return { source: 'live', samples: records.map(serialize) };
  const fallback = trigger === 'order' ? staticOrder(type) : staticTransaction(type);
  return {
    source: 'static',
    samples: [{ ...serializeFallback(fallback, type, connection), id: `sample-${type}` }],
  };
};

const serializeFallback = (
  record: OrderRecord | TransactionRecord,
  type: EventType,
  connection: Connection,
) =>
  serializeEvent({
    record,
    type,
    recordId: 'sample',
    timeZone: connection.timeZone,
    connectionLabel: connection.label,
  });

const ORDER_STATUS: Record<string, 'COMPLETE' | 'PARTIAL' | 'CANCELLED'> = {
  NEW_SALE: 'COMPLETE',
  NEW_LEAD: 'PARTIAL',
  CANCELLED: 'CANCELLED',
};

const newestOrders = async (
  konnektive: KonnektiveGateway,
  credentials: KonnektiveCredentials,
  range: { start: Date; end: Date },
  type: EventType,
) => {
  const found: OrderRecord[] = [];
  const pages = konnektive.queryOrders(credentials, {
    range,
    dateRangeType: 'dateUpdated',
    orderStatus: ORDER_STATUS[type],
    sortDir: 0,
    resultsPerPage: 25,
  });
  for await (const page of pages) {
    found.push(...page.records.filter((record) => classifyOrder(record) === type));
    if (found.length >= SAMPLE_COUNT) break;
  }
  return newestFirst(found, 'dateUpdated').slice(0, SAMPLE_COUNT);
};

const newestTransactions = async (
  konnektive: KonnektiveGateway,
  credentials: KonnektiveCredentials,
  range: { start: Date; end: Date },
  type: EventType,
) => {
  const queries =
    type === 'REFUND'
      ? [
          { txnType: 'REFUND' as const, responseType: 'SUCCESS' as const },
          // Konnektive may book a reversal as a void: the Refund trigger fires for both.
          { txnType: 'VOID' as const, responseType: 'SUCCESS' as const },
        ]
      : [{ responseType: 'HARD_DECLINE' as const }, { responseType: 'SOFT_DECLINE' as const }];
  const found: TransactionRecord[] = [];
  for (const filter of queries) {
    let fromThisQuery = 0;
    const pages = konnektive.queryTransactions(credentials, {
      ...filter,
      range,
      dateRangeType: 'dateCreated',
      sortDir: 0,
      resultsPerPage: 25,
    });
    for await (const page of pages) {
      const matching = page.records.filter((record) => classifyTransaction(record) === type);
      found.push(...matching);
      fromThisQuery += matching.length;
      if (fromThisQuery >= SAMPLE_COUNT) break;
    }
  }
  return newestFirst(found, 'dateCreated').slice(0, SAMPLE_COUNT);
};

/** Konnektive wall times sort as strings (`YYYY-MM-DD HH:MM:SS`); the account zone is the same for all. */
const newestFirst = <T extends Record<string, unknown>>(records: T[], field: string) =>
  [...records].sort((a, b) =>
    String(b[field] ?? b.dateCreated).localeCompare(String(a[field] ?? a.dateCreated)),
  );

const staticOrder = (type: EventType): OrderRecord => ({
  ...SAMPLE_ORDER,
  orderStatus: ORDER_STATUS[type] ?? 'COMPLETE',
});

const staticTransaction = (type: EventType): TransactionRecord =>
  type === 'REFUND'
    ? {
        ...SAMPLE_TRANSACTION,
        txnType: 'REFUND',
        responseType: 'SUCCESS',
        responseText: 'Refund approved',
        refundReason: 'Customer request',
      }
    : SAMPLE_TRANSACTION;
