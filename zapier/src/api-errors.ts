import type { Bundle, HttpResponse, ZObject } from 'zapier-platform-core';
import { isRecord, nonEmptyString, stringArray } from './json.js';

/**
 * How an error answer of our API becomes a Zapier error. Our API always answers errors with
 * `{ message (≤ 250 chars), code, requestId?, fields?, egressIps?, missingPermissions? }` (zapier/README.md).
 * Zapier treats the classes differently, so the class is chosen for what the user should see and what Zapier
 * should do next:
 *
 * | answer | Zapier error | why |
 * | --- | --- | --- |
 * | 401 | (never reaches us) | session auth: core turns it into RefreshAuthError first, Zapier re-runs the session exchange |
 * | 403 `CREDENTIALS_REJECTED` | ExpiredAuthError | Konnektive rejects the stored password: only the user can fix it; a refresh would re-try the stale password and could lock the API user |
 * | 422 `DECLINED`, `REDIRECT_REQUIRED` | HaltedError | an expected business outcome, not a failure: must not count toward Zapier turning the Zap off |
 * | `OUTCOME_UNKNOWN` (502) | Error | a sale was sent and no answer came back: a retry gets the same stored answer, so it must not be Throttled; the user checks Konnektive |
 * | 429, 503 | ThrottledError(Retry-After) | the request never reached Konnektive (or was a read): retrying later is safe |
 * | 409 `IDEMPOTENCY_IN_PROGRESS` | ThrottledError(short) | the first attempt with this key is still running; a retry will get its stored result |
 * | 403 `IP_NOT_WHITELISTED` / `PERMISSION_DENIED` | Error, message lists the IPs / permissions | the user has to change the Konnektive API user |
 * | any other 4xx/5xx | Error(message, code, status) | the API's own message, e.g. which field is invalid |
 */

/** Error codes of our API that the app treats specially. */
export const API_ERROR_CODES = {
  credentialsRejected: 'CREDENTIALS_REJECTED',
  invalidCredentials: 'INVALID_CREDENTIALS',
  declined: 'DECLINED',
  redirectRequired: 'REDIRECT_REQUIRED',
  outcomeUnknown: 'OUTCOME_UNKNOWN',
  idempotencyInProgress: 'IDEMPOTENCY_IN_PROGRESS',
  ipNotWhitelisted: 'IP_NOT_WHITELISTED',
  permissionDenied: 'PERMISSION_DENIED',
} as const;

/** Expected outcomes of a payment: the step stops without counting as an error. */
const HALTING_CODES: ReadonlySet<string> = new Set([
  API_ERROR_CODES.declined,
  API_ERROR_CODES.redirectRequired,
]);

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

/**
 * Marks an error so zapier-platform-core shows its message as it is. Core appends a "What happened" trail to
 * errors without this mark (`AppError` and `ThrottledError` have it, `HaltedError` and `ExpiredAuthError` do not),
 * and that trail holds the step's whole input: a declined sale would show its card number and security code in the
 * Zap history.
 */
export const shownAsIs = <E extends Error>(error: E): E => Object.assign(error, { doNotContextify: true });

/** What an error answer says, ready to show: its code, and its message completed and scrubbed of secrets. */
export interface ApiErrorInfo {
  status: number;
  code: string;
  message: string;
}

/** Reads an error answer of our API (status ≥ 400) into the code and the message the user will see. */
export const describeApiError = (response: HttpResponse, bundle: Bundle | undefined): ApiErrorInfo => {
  const { status } = response;
  const body = parseErrorBody(response.data);
  const code = body.code ?? `HTTP_${status}`;
  let message =
    body.message ??
    `The Konnektive service answered HTTP ${status} without an explanation${body.requestId ? ` (request ${body.requestId})` : ''}.`;
  if (code === API_ERROR_CODES.ipNotWhitelisted) {
    message = mentionAll(message, "Add these IPs to the Konnektive API user's IP whitelist", body.egressIps);
  } else if (code === API_ERROR_CODES.permissionDenied) {
    message = mentionAll(message, 'Grant the Konnektive API user', body.missingPermissions);
  }
  return { status, code, message: redactSecrets(message, bundle) };
};

/** The Zapier error for an error response of our API (status ≥ 400). */
export const apiErrorFor = (response: HttpResponse, z: ZObject, bundle: Bundle | undefined): Error => {
  const { status, code, message } = describeApiError(response, bundle);

  // Codes first: they say what happened whatever the status (an OUTCOME_UNKNOWN must never become a retry).
  if (code === API_ERROR_CODES.outcomeUnknown) return new z.errors.Error(message, code, status);
  if (code === API_ERROR_CODES.credentialsRejected) return shownAsIs(new z.errors.ExpiredAuthError(message));
  if (HALTING_CODES.has(code)) return shownAsIs(new z.errors.HaltedError(message));
  if (code === API_ERROR_CODES.idempotencyInProgress) {
    return new z.errors.ThrottledError(
      message,
      retryAfterSeconds(response.getHeader('retry-after')) ?? IN_PROGRESS_RETRY_SECONDS,
    );
  }
  if (status === 503 || status === 429) {
    return new z.errors.ThrottledError(
      message,
      retryAfterSeconds(response.getHeader('retry-after')) ?? DEFAULT_THROTTLE_SECONDS,
    );
  }
  return new z.errors.Error(message, code, status);
};
