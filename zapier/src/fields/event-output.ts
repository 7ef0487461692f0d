import type { PlainOutputField } from 'zapier-platform-core';
import { orderFields, orderSampleFields, transactionFields, transactionSampleFields } from './records.js';

/**
 * Output fields and static samples of the hook triggers. A payload is the Konnektive record (see records.ts) plus
 * four fields our backend adds: `id` (stable per event, e.g. `NEW_SALE-0A1B2C3D4E`), `event`, `occurredAt` (UTC)
 * and `connection`.
 */

/** The four fields the backend adds to every event. */
export const eventEnvelopeFields: PlainOutputField[] = [
  { key: 'id', label: 'Event ID', type: 'string', required: true },
  { key: 'event', label: 'Event', type: 'string' },
  { key: 'occurredAt', label: 'Occurred At', type: 'datetime' },
  { key: 'connection', label: 'Connection (Login ID)', type: 'string' },
];

export const orderOutputFields: PlainOutputField[] = [...eventEnvelopeFields, ...orderFields];

/** Static order sample: Zapier shows it when the account has no recent order of the chosen type. */
export const orderSample: Record<string, unknown> = {
  id: 'NEW_SALE-0A1B2C3D4E',
  event: 'order.NEW_SALE',
  occurredAt: '2026-01-15T15:31:05.000Z',
  connection: 'sample-api-user',
  ...orderSampleFields,
};

export const transactionOutputFields: PlainOutputField[] = [...eventEnvelopeFields, ...transactionFields];

/** Static transaction sample (a decline). */
export const transactionSample: Record<string, unknown> = {
  id: 'DECLINE-5001',
  event: 'transaction.DECLINE',
  occurredAt: '2026-01-15T15:30:00.000Z',
  connection: 'sample-api-user',
  ...transactionSampleFields,
};
