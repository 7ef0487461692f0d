/**
 * Idempotency-Key handling for actions: key scoping, body hashing and the record timings.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.js';

/** How long a result is replayed for the same key. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a claim blocks a second request with the same key. Longer than the Konnektive write timeout (25 s)
 * plus our own overhead, so a live request is never taken over; a crashed one frees its key after this.
 */
export const IDEMPOTENCY_IN_PROGRESS_MS = 60_000;

/** Printable ASCII without spaces, 1–255 chars (Stripe-like); Zapier's keys are hashes or UUIDs. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The header value, or undefined when absent/blank; a malformed value is a 422 naming the header. */
export const parseIdempotencyKey = (raw: string | undefined): string | undefined => {
  const key = raw?.trim();
  if (key === undefined || key === '') return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationError('Idempotency-Key: must be 1–255 printable ASCII characters without spaces', {
      'Idempotency-Key': 'must be 1–255 printable ASCII characters without spaces',
    });
  }
  return key;
};

/** Scoped per connection and action, so two tenants (or two actions) can never collide on a key. */
export const scopedIdempotencyKey = (connectionId: string, action: string, key: string): string =>
  `${connectionId}:${action}:${key}`;

/** JSON with object keys sorted at every level and `undefined` members dropped: equal values, equal text. */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : sortKeys(item)));
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
};

/** SHA-256 (hex) of the canonical JSON of the normalized body. */
export const bodyHash = (normalized: unknown): string =>
  createHash('sha256').update(canonicalJson(normalized), 'utf8').digest('hex');
