/**
 * Classification of Konnektive's `{result, message}` envelope, in one place.
 *
 * Konnektive answers HTTP 200 for success and failure alike; only `result` and the text of `message` tell them
 * apart, and most failure texts are undocumented. The rules below are ordered: the first match wins.
 */
import * as z from 'zod';
import {
  KonnektiveAuthError,
  KonnektiveDeclinedError,
  KonnektiveError,
  KonnektiveNotFoundError,
  KonnektiveNotWhitelistedError,
  KonnektivePermissionError,
  KonnektiveRedirectError,
  KonnektiveValidationError,
} from '../../core/konnektive.js';
import type { EndpointSpec } from './endpoints.js';

/** What an envelope means for the caller. Errors are returned, not thrown, so the table is easy to test. */
export type EnvelopeOutcome =
  | { kind: 'success'; message: unknown }
  /** The "No … matching those parameters could be found" ERROR of a query: an empty result, not a failure. */
  | { kind: 'empty'; message: string }
  | { kind: 'error'; error: KonnektiveError };

const envelopeSchema = z.object({ result: z.string(), message: z.unknown() });

/** `IP must be whitelisted - 203.0.113.7` (the IP Konnektive saw follows the dash). */
const WHITELIST = /IP must be whitelisted/i;
const WHITELIST_IP = /IP must be whitelisted\s*-\s*(\S+)/i;
/** Anchored: a decline reason may itself say "authentication" or "not allowed" (3-DS, "Transaction not allowed"). */
const DECLINED = /^Transaction Declined:\s*(.*)$/is;
const AUTH = /could not authenticate|invalid (login|credential)|authenticat/i;
/** Konnektive's permission text is undocumented; these are the usual phrasings. */
const PERMISSION = /permission|not authori[sz]ed|access denied|not allowed|access to/i;
const EMPTY = /^No\b.*\b(found|matching)\b/is;
const NOT_FOUND = /not found|does not exist|invalid order ?id|no such/i;

const identity = (text: string): string => text;

/**
 * Turns a parsed JSON body into an outcome. `sanitize` is applied to every Konnektive text that ends up in an
 * error message (the client uses it to redact credentials Konnektive might echo).
 *
 * Order for `ERROR` with a string message: IP whitelist → `Transaction Declined:` prefix → authentication →
 * permission → (queries only) empty result → not found → fallback (validation for writes; a plain
 * `KonnektiveError` for reads, since an unknown read failure says nothing about the input).
 */
export function classifyEnvelope(
  body: unknown,
  endpoint: EndpointSpec,
  sanitize: (text: string) => string = identity,
): EnvelopeOutcome {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) {
    // JSON, but not Konnektive's envelope: a contract violation, not something a retry fixes.
    return {
      kind: 'error',
      error: new KonnektiveError(
        `Konnektive answered ${endpoint.path} with JSON that is not a {result, message} envelope`,
        endpoint.path,
      ),
    };
  }
  const { result, message } = parsed.data;
  const at = endpoint.path;

  if (result === 'SUCCESS') return { kind: 'success', message };

  if (result === 'MERC_REDIRECT') {
    return {
      kind: 'error',
      error: new KonnektiveRedirectError(
        'Konnektive asked for a payment redirect (MERC_REDIRECT, e.g. 3-D Secure) that a Zap cannot follow',
        at,
        message,
      ),
    };
  }

  if (result !== 'ERROR') {
    return {
      kind: 'error',
      error: new KonnektiveError(
        `Konnektive answered ${at} with unexpected result "${sanitize(result)}"`,
        at,
      ),
    };
  }

  if (typeof message === 'string') return classifyErrorText(message, endpoint, sanitize);

  if (message !== null && typeof message === 'object') {
    const fields = fieldErrors(message, sanitize);
    const summary = Object.entries(fields)
      .map(([field, text]) => `${field}: ${text}`)
      .join('; ');
    return {
      kind: 'error',
      error: new KonnektiveValidationError(summary || 'Konnektive rejected the input', at, fields),
    };
  }

  return {
    kind: 'error',
    error: new KonnektiveError(`Konnektive answered ${at} with an ERROR without a message`, at),
  };
}

function classifyErrorText(
  raw: string,
  endpoint: EndpointSpec,
  sanitize: (text: string) => string,
): EnvelopeOutcome {
  const at = endpoint.path;
  const text = sanitize(raw.trim());
  const fail = (error: KonnektiveError): EnvelopeOutcome => ({ kind: 'error', error });

  if (WHITELIST.test(text)) {
    return fail(new KonnektiveNotWhitelistedError(text, at, WHITELIST_IP.exec(text)?.[1]));
  }
  const declined = DECLINED.exec(text);
  if (declined !== null) return fail(new KonnektiveDeclinedError(text, at, (declined[1] ?? '').trim()));
  if (AUTH.test(text)) return fail(new KonnektiveAuthError(text, at));
  if (PERMISSION.test(text)) return fail(new KonnektivePermissionError(text, at, endpoint.permission));
  if (endpoint.kind === 'read' && EMPTY.test(text)) return { kind: 'empty', message: text };
  if (NOT_FOUND.test(text)) return fail(new KonnektiveNotFoundError(text, at));
  if (endpoint.kind === 'write') return fail(new KonnektiveValidationError(text, at));
  return fail(new KonnektiveError(text, at));
}

/** `{field: text}` (or PHP's list form `[text, …]`) → `{field: text}` with every value a string. */
function fieldErrors(message: object, sanitize: (text: string) => string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [field, value] of Object.entries(message)) {
    fields[field] = sanitize(describe(value));
  }
  return fields;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(describe).join(', ');
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
