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
const WHITELIST = /whitelist/i;
const WHITELIST_IP = /IP must be whitelisted\s*-\s*(\S+)/i;
/** An IPv4 address, or an IPv6 one (at least two colons), anywhere in a text. */
const IP_ADDRESS = /\b(?:\d{1,3}\.){3}\d{1,3}\b|(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:\.\d{1,3}){0,3}/i;
/** A refusal that names the IP it saw (`Invalid IP address 1.2.3.4`, `1.2.3.4 is not an authorized IP address`). */
const IP_REFUSAL = /\bIP\b/i;
/** Anchored: a decline reason may itself say "authentication" or "not allowed" (3-DS, "Transaction not allowed"). */
const DECLINED = /^Transaction Declined:\s*(.*)$/is;
/**
 * Only texts that clearly say the login or password is wrong. A refusal we do not recognise must never land here:
 * the poller marks a connection invalid on this class, which would lock a good connection out.
 */
const AUTH =
  /could not authenticate|invalid (?:login|user ?name|credentials?|password)\b|(?:incorrect|wrong) (?:login|user ?name|password|credentials)|authentication failed|login failed|bad credentials/i;
/** Konnektive's permission text is undocumented; these are the usual phrasings. */
const PERMISSION =
  /permission|not authori[sz]ed|access denied|not allowed|(?:does not|doesn't) have access|no access\b|access to\b|forbidden/i;
/**
 * An empty result of a query, in any plausible phrasing: only `No orders matching those parameters could be found`
 * has been seen; others (`There are no transactions matching …`, `Transactions not found`, `No campaigns found`,
 * `0 results`) are guesses, and an empty page is the only sensible reading of them for a read.
 */
const EMPTY = [
  /^No\b.*\b(?:found|matching|match|results?|records?|exist)\b/is,
  /\bthere (?:are|were|is) no\b/i,
  /\bnot found\b/i,
  /^\s*0 (?:results|records|matches)\b/i,
  /\bno (?:results|records|data|matches)\b/i,
  /\bnothing (?:found|matched|matching)\b/i,
];
const NOT_FOUND = /not found|does not exist|invalid order ?id|no such/i;

const identity = (text: string): string => text;

/**
 * Turns a parsed JSON body into an outcome. `sanitize` is applied to every Konnektive text that ends up in an
 * error message (the client uses it to redact credentials Konnektive might echo).
 *
 * Order for `ERROR` with a string message: `Transaction Declined:` prefix → IP refusal (says "whitelist", or names
 * an IP address next to the word "IP") → wrong credentials (strict phrasings only) → permission → (queries only)
 * empty result → not found → fallback (validation for writes; a plain `KonnektiveError` for reads, since an unknown
 * read failure says nothing about the input — and never bad credentials).
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

  const declined = DECLINED.exec(text);
  if (declined !== null) return fail(new KonnektiveDeclinedError(text, at, (declined[1] ?? '').trim()));
  const ip = IP_ADDRESS.exec(text)?.[0];
  if (WHITELIST.test(text) || (ip !== undefined && IP_REFUSAL.test(text))) {
    return fail(new KonnektiveNotWhitelistedError(text, at, WHITELIST_IP.exec(text)?.[1] ?? ip));
  }
  if (AUTH.test(text)) return fail(new KonnektiveAuthError(text, at));
  if (PERMISSION.test(text)) return fail(new KonnektivePermissionError(text, at, endpoint.permission));
  if (endpoint.kind === 'read' && EMPTY.some((pattern) => pattern.test(text))) {
    return { kind: 'empty', message: text };
  }
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
