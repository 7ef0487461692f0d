import type { Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { isRecord, nonEmptyString, stringArray } from './json.js';

/**
 * How an error answer of our API becomes a Zapier error. Our API always answers errors with
 * `{ message (≤ 250 chars), code, requestId?, fields?, egressIps?, missingPermissions? }` (docs/http-api.md).
 *
 * | status | Zapier error | why |
 * | --- | --- | --- |
 * | 401 | (never reaches us) | session auth: core turns it into RefreshAuthError first, Zapier re-runs the session exchange |
 * | 429 | ThrottledError | core throws it before app middleware (v18+); mapped here too in case that is switched off |
 * | 503 | ThrottledError(Retry-After) | Konnektive is down: retry later instead of failing the run |
 * | 409 `IDEMPOTENCY_IN_PROGRESS` | ThrottledError(short) | the first attempt with this key is still running; a retry will get its stored result |
 * | 403 `IP_NOT_WHITELISTED` | Error, message lists the IPs | the user has to add our egress IPs to the API user |
 * | any other 4xx/5xx | Error(message, code, status) | the API's own message, e.g. which field is invalid |
 */

/** Delay for a 503/429 without a usable Retry-After: Zapier's documented default for throttled hooks. */
export const DEFAULT_THROTTLE_SECONDS = 60;
/** Delay before retrying while the first request with the same Idempotency-Key is still being processed. */
export const IN_PROGRESS_RETRY_SECONDS = 15;

interface ApiErrorBody {
  message?: string | undefined;
  code?: string | undefined;
  requestId?: string | undefined;
  egressIps?: string[] | undefined;
  missingPermissions?: string[] | undefined;
}

const parseErrorBody = (data: unknown): ApiErrorBody => {
  if (!isRecord(data)) return {};
  return {
    message: nonEmptyString(data.message),
    code: nonEmptyString(data.code),
    requestId: nonEmptyString(data.requestId),
    egressIps: stringArray(data.egressIps),
    missingPermissions: stringArray(data.missingPermissions),
  };
};

/**
 * Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date; at least 1.
 * Undefined when absent or unreadable.
 */
export const retryAfterSeconds = (
  header: string | undefined,
  now: number = Date.now(),
): number | undefined => {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Math.max(1, Number.parseInt(value, 10));
  // An HTTP date starts with the day name ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone would also
  // accept strings such as "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(1, Math.ceil((at - now) / 1000));
};

/** Appends the values the message does not already name, e.g. egress IPs the API sent as a separate list. */
const mentionAll = (message: string, intro: string, values: readonly string[] | undefined): string => {
  const missing = (values ?? []).filter((value) => !message.includes(value));
  return missing.length > 0 ? `${message} ${intro}: ${missing.join(', ')}.` : message;
};

/**
 * Replaces any credential of this connection found in the text. Our API never echoes them, but an error message
 * is shown to the user and kept in Zapier's task history, so it is checked rather than trusted.
 */
export const redactSecrets = (text: string, bundle: Bundle | undefined): string => {
  const secrets = [bundle?.authData?.password, bundle?.authData?.sessionKey, bundle?.inputData?.password]
    .filter((secret): secret is string => typeof secret === 'string' && secret !== '')
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  return secrets.reduce((result, secret) => result.split(secret).join(':redacted:'), text);
};

/** The Zapier error for an error response of our API (status ≥ 400). */
export const apiErrorFor = (response: HttpResponse, z: ZObject, bundle: Bundle | undefined): Error => {
  const { status } = response;
  const body = parseErrorBody(response.data);
  const code = body.code ?? `HTTP_${status}`;
  let message =
    body.message ??
    `The Konnektive service answered HTTP ${status} without an explanation${body.requestId ? ` (request ${body.requestId})` : ''}.`;

  if (status === 403 && code === 'IP_NOT_WHITELISTED') {
    message = mentionAll(message, "Add these IPs to the Konnektive API user's IP whitelist", body.egressIps);
  } else if (status === 403 && code === 'PERMISSION_DENIED') {
    message = mentionAll(message, 'Grant the Konnektive API user', body.missingPermissions);
  }
  message = redactSecrets(message, bundle);

  if (status === 503 || status === 429) {
    return new z.errors.ThrottledError(
      message,
      retryAfterSeconds(response.getHeader('retry-after')) ?? DEFAULT_THROTTLE_SECONDS,
    );
  }
  if (status === 409 && code === 'IDEMPOTENCY_IN_PROGRESS') {
    return new z.errors.ThrottledError(
      message,
      retryAfterSeconds(response.getHeader('retry-after')) ?? IN_PROGRESS_RETRY_SECONDS,
    );
  }
  return new z.errors.Error(message, code, status);
};
