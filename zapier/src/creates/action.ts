import { createHash } from 'node:crypto';
import type { Bundle, PlainInputField, ZObject } from 'zapier-platform-core';
import { apiUrl } from '../config.js';
import { isRecord, stableStringify } from '../json.js';

/** The five actions of our API (`POST /actions/{action}`); Zaps store these keys, so they never change. */
export type ActionKey =
  | 'create_sale'
  | 'create_lead'
  | 'update_fulfillment'
  | 'cancel_order'
  | 'update_customer';

/** Bumped if the key derivation changes, so a new app version never reuses an old key for a different request. */
const IDEMPOTENCY_KEY_VERSION = 2;

/** The input that names the source of a create (e.g. the store's order number): it feeds the key, never the body. */
export const UNIQUE_SOURCE_ID = 'uniqueSourceId';

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
 * The `Idempotency-Key` of a create that must never run twice (a sale charges a card; a second lead is a duplicate).
 * Our API stores the answer under the key for 24 h: a Zapier replay, Autoreplay or retry after a timeout re-runs the
 * step, sends the same key, and gets the first answer instead of a second charge.
 *
 * Zapier gives no id that stays the same across a replay of a step and differs between runs (`bundle.meta.zap.id`
 * is deprecated and the same for every run anyway), so the key comes from the step itself:
 *
 * - with a Unique Source ID (e.g. the shop's order number): the action, the login id and that id, and nothing else.
 *   One source order is then one sale, whatever else changed: a replay with edited input is refused by the API
 *   (`IDEMPOTENCY_KEY_REUSED`) instead of charging again;
 * - without one: the action, the login id and the normalized body, so two runs with byte-identical input within
 *   24 h count as one (README, "Idempotency").
 *
 * The login id keeps two Konnektive accounts from ever sharing a key.
 */
export const idempotencyKey = (
  action: IdempotentAction,
  loginId: string | undefined,
  body: Record<string, unknown>,
  uniqueSourceId?: string,
): string => {
  const identity = uniqueSourceId === undefined ? { body } : { source: uniqueSourceId };
  return createHash('sha256')
    .update(stableStringify({ v: IDEMPOTENCY_KEY_VERSION, action, loginId: loginId ?? null, ...identity }))
    .digest('hex');
};

/** How one action is called. */
export interface ActionSpec {
  action: ActionKey;
  /** The step's input fields; only these (minus `uniqueSourceId`) are sent. */
  fields: readonly PlainInputField[];
}

/**
 * The creates whose requests carry an Idempotency-Key. The updates set a state: running one twice is harmless, and
 * replaying a stored answer would swallow a real later change (Update Customer A → B → A within 24 h).
 */
export const IDEMPOTENT_ACTIONS = ['create_sale', 'create_lead'] as const;
export type IdempotentAction = (typeof IDEMPOTENT_ACTIONS)[number];

const isIdempotent = (action: ActionKey): action is IdempotentAction =>
  (IDEMPOTENT_ACTIONS as readonly string[]).includes(action);

/**
 * The `perform` of an action: POST the body (with an Idempotency-Key for the creates that need one) and return the
 * API's answer, the resource's new state (the order, lead or customer record).
 */
export const actionPerform =
  ({ action, fields }: ActionSpec) =>
  async (z: ZObject, bundle: Bundle): Promise<Record<string, unknown>> => {
    const input = bundle.inputData ?? {};
    const body = buildActionBody(
      fields.filter((field) => field.key !== UNIQUE_SOURCE_ID),
      input,
    );
    const headers: Record<string, string> = {};
    if (isIdempotent(action)) {
      const source = normalizeValue('string', input[UNIQUE_SOURCE_ID]);
      headers['Idempotency-Key'] = idempotencyKey(
        action,
        bundle.authData?.loginId,
        body,
        typeof source === 'string' ? source : undefined,
      );
    }
    const response = await z.request({
      method: 'POST',
      url: apiUrl(`/actions/${action}`),
      headers,
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

/** The optional Unique Source ID input of the creates that carry an Idempotency-Key. */
export const uniqueSourceIdField = (noun: 'sale' | 'lead'): PlainInputField => ({
  key: UNIQUE_SOURCE_ID,
  label: 'Unique Source ID',
  type: 'string',
  required: false,
  helpText:
    `Recommended: an ID that is unique to this ${noun} where it comes from, e.g. your store's order number. ` +
    `Runs with the same Unique Source ID within 24 hours make one ${noun}: a replay or retry gets the first ` +
    `result instead of ${noun === 'sale' ? 'charging again' : 'creating another lead'}. Without it, only ` +
    'runs with identical input count as the same. Not sent to Konnektive.',
});
