import { createHash } from 'node:crypto';
import type { Bundle, PlainInputField, ZObject } from 'zapier-platform-core';
import { apiUrl } from '../config.js';
import { isRecord, stableStringify } from '../json.js';

/** The five actions of our API (`POST /actions/{action}`), FIXED keys of the Zapier app. */
export type ActionKey =
  | 'create_sale'
  | 'create_lead'
  | 'update_fulfillment'
  | 'cancel_order'
  | 'update_customer';

/** Bumped if the key derivation changes, so a new app version never reuses an old key for a different body. */
const IDEMPOTENCY_KEY_VERSION = 1;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'off']);

const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const toNumber = (value: unknown, pattern: RegExp): unknown => {
  if (typeof value === 'string' && pattern.test(value.trim())) return Number(value.trim());
  return value;
};

const toBoolean = (value: unknown): unknown => {
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
};

/**
 * One input value as our API expects it: blanks dropped (undefined), numbers and booleans typed, text trimmed.
 * Dates (`datetime` fields, ISO 8601 from Zapier) go as they are: the API turns an instant into the Konnektive
 * account's local date, which only it knows. A value that cannot be converted is sent as it is, so the API's
 * validation can name the field instead of the value silently disappearing.
 */
export const normalizeValue = (type: PlainInputField['type'], value: unknown): unknown => {
  if (isBlank(value)) return undefined;
  switch (type) {
    case 'integer':
      return toNumber(value, INTEGER);
    case 'number':
      return toNumber(value, DECIMAL);
    case 'boolean':
      return toBoolean(value);
    default:
      if (typeof value === 'string') return value.trim();
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
  }
};

/**
 * Line items of a parent field. Zapier passes them as an array of objects under the parent key; a step whose
 * items were typed in rather than mapped may carry the single item's child values at the top level instead
 * (zapier-platform-core's InferInputData types both shapes), so that is read as one item.
 */
const lineItems = (field: PlainInputField, input: Record<string, unknown>): Record<string, unknown>[] => {
  const raw = input[field.key];
  const rows: unknown[] = Array.isArray(raw) ? raw : isRecord(raw) ? [raw] : [input];
  return rows.flatMap((row) => {
    if (!isRecord(row)) return [];
    const item = buildActionBody(field.children ?? [], row);
    return Object.keys(item).length > 0 ? [item] : [];
  });
};

/**
 * The request body of an action: exactly the declared input fields, under their (Konnektive) keys, normalized.
 * Keys Zapier adds that are not input fields are not sent.
 */
export const buildActionBody = (
  fields: readonly PlainInputField[],
  input: Record<string, unknown>,
): Record<string, unknown> => {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.type === 'copy') continue;
    if (field.children) {
      const items = lineItems(field, input);
      if (items.length > 0) body[field.key] = items;
      continue;
    }
    const value = normalizeValue(field.type, input[field.key]);
    if (value !== undefined) body[field.key] = value;
  }
  return body;
};

/**
 * The `Idempotency-Key` of an action call: SHA-256 of the action, the connection's login id and the normalized
 * body. A Zapier replay or Autoreplay of a step re-runs it with the same input, gets the same key, and our API
 * answers with the first result instead of calling Konnektive again (no second charge).
 *
 * Zapier documents no run or step id that is stable across a replay: `bundle.meta.zap.id` is deprecated and is
 * the same for every run of a Zap anyway. So the key comes from the input alone; the trade-off is that two runs
 * with byte-identical input within the API's 24 h window count as one (see README, "Idempotency").
 * The login id keeps two Konnektive accounts from ever sharing a key.
 */
export const idempotencyKey = (
  action: ActionKey,
  loginId: string | undefined,
  body: Record<string, unknown>,
): string =>
  createHash('sha256')
    .update(stableStringify({ v: IDEMPOTENCY_KEY_VERSION, action, loginId: loginId ?? null, body }))
    .digest('hex');

/** The `perform` of an action: POST the body with its Idempotency-Key and return the API's flat result object. */
export const actionPerform =
  (action: ActionKey, fields: readonly PlainInputField[]) =>
  async (z: ZObject, bundle: Bundle): Promise<Record<string, unknown>> => {
    const body = buildActionBody(fields, bundle.inputData ?? {});
    const response = await z.request({
      method: 'POST',
      url: apiUrl(`/actions/${action}`),
      headers: { 'Idempotency-Key': idempotencyKey(action, bundle.authData?.loginId, body) },
      body,
    });
    const result: unknown = response.data;
    if (!isRecord(result)) {
      throw new z.errors.Error(
        'The Konnektive service returned no result for this action.',
        'BAD_RESPONSE',
        502,
      );
    }
    return result;
  };
