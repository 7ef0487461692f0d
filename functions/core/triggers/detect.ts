/**
 * Which business events a Konnektive record represents, their stable ids, and the hook payload serializer
 * shared by live deliveries and samples (Zapier maps fields from the sample; a shape mismatch blanks them). The
 * record inside a payload is serialized like every other record the API answers (functions/core/records).
 */
import type { OrderRecord, TransactionRecord } from '../konnektive.js';
import type {
  EventType,
  HookPayload,
  OrderEventType,
  Stream,
  TransactionEventType,
  Trigger,
} from '../model.js';
import { orderFields, transactionFields } from '../records/serialize.js';
import { parseKonnektiveDateTime } from '../zoned-time.js';

/** Order types that are first purchases; rebills (RECURRING …) are not "new sales". Null/absent counts as new. */
const NEW_SALE_ORDER_TYPES = new Set(['NEW_SALE']);

/**
 * Order → event. NEW_SALE: COMPLETE (including a lead converted to a sale — it keeps its orderId and dateCreated,
 * which is why the stream reads by dateUpdated); NEW_LEAD: PARTIAL; CANCELLED: CANCELLED. "First time seen" is the
 * ledger's job, not this function's.
 */
export const classifyOrder = (
  record: Pick<OrderRecord, 'orderStatus' | 'orderType'>,
): OrderEventType | undefined => {
  const status = String(record.orderStatus).toUpperCase();
  if (status === 'COMPLETE') {
    const orderType = record.orderType ? String(record.orderType).toUpperCase() : undefined;
    return orderType === undefined || NEW_SALE_ORDER_TYPES.has(orderType) ? 'NEW_SALE' : undefined;
  }
  if (status === 'PARTIAL') return 'NEW_LEAD';
  if (status === 'CANCELLED') return 'CANCELLED';
  return undefined;
};

/** Transaction types that give money back: a refund, or a void of a sale not yet settled (Konnektive may book either). */
const REFUND_TXN_TYPES = new Set(['REFUND', 'VOID']);

/**
 * Transaction → event. DECLINE: HARD_DECLINE or SOFT_DECLINE; REFUND: a successful REFUND or VOID (the payload keeps
 * `txnType`, so a Zap can tell them apart).
 */
export const classifyTransaction = (
  record: Pick<TransactionRecord, 'txnType' | 'responseType'>,
): TransactionEventType | undefined => {
  const response = String(record.responseType).toUpperCase();
  const txnType = String(record.txnType).toUpperCase();
  if (response === 'HARD_DECLINE' || response === 'SOFT_DECLINE') return 'DECLINE';
  if (REFUND_TXN_TYPES.has(txnType) && response === 'SUCCESS') return 'REFUND';
  return undefined;
};

export const triggerOf = (type: EventType): Trigger =>
  type === 'DECLINE' || type === 'REFUND' ? 'transaction' : 'order';

/** The record id an event is about. */
export const recordIdOf = (stream: Stream, record: OrderRecord | TransactionRecord): string =>
  stream === 'orders'
    ? String((record as OrderRecord).orderId)
    : String((record as TransactionRecord).transactionId);

/** Stable per (connection, type, record): NEW_SALE fires once per orderId, ever. Unique within a connection. */
export const eventIdOf = (type: EventType, recordId: string): string => `${type}-${recordId}`;

/** `order.NEW_SALE`, `transaction.REFUND`, … */
export const eventNameOf = (type: EventType): string => `${triggerOf(type)}.${type}`;

/**
 * When the event happened, in the record's own terms (account-zone wall time): a new lead when it was created;
 * a sale, a cancellation when the order was last updated (the conversion or cancel is what bumped it);
 * a transaction when it was created.
 */
export const occurredWallTime = (type: EventType, record: OrderRecord | TransactionRecord): string => {
  if (type === 'NEW_LEAD' || type === 'DECLINE' || type === 'REFUND') return String(record.dateCreated);
  return String(record.dateUpdated ?? record.dateCreated);
};

/** Account-zone wall time → UTC ISO-8601 (ambiguous fall-back times take the earlier instant; see zoned-time.ts). */
export const toUtcIso = (wallTime: string, timeZone: string): string =>
  parseKonnektiveDateTime(wallTime, timeZone).instant.toISOString();

/**
 * The hook payload: the record as the API serializes it (Konnektive's fields, dates ISO-8601 with the account
 * offset, `items` as a list, every documented field present), plus `id`, `event`, `occurredAt` (UTC) and
 * `connection` (label). Used for live hooks and for samples alike.
 */
export const serializeEvent = (args: {
  record: OrderRecord | TransactionRecord;
  type: EventType;
  recordId: string;
  timeZone: string;
  connectionLabel: string;
}): HookPayload => ({
  ...(triggerOf(args.type) === 'order'
    ? orderFields(args.record, { timeZone: args.timeZone })
    : transactionFields(args.record, { timeZone: args.timeZone })),
  id: eventIdOf(args.type, args.recordId),
  event: eventNameOf(args.type),
  occurredAt: toUtcIso(occurredWallTime(args.type, args.record), args.timeZone),
  connection: args.connectionLabel,
});
