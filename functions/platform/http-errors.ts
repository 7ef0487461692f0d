/**
 * The one place where errors become HTTP responses. Domain errors are mapped by `instanceof` (what a Konnektive
 * failure means is decided before, in functions/core/konnektive-access.ts); only client errors (< 500) expose their
 * message; server errors answer a generic text with the request id, unless their message was written for the user.
 */
import * as z from 'zod';
import {
  CredentialsRejectedError,
  DeclinedError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidCredentialsError,
  MissingPermissionsError,
  NotFoundError,
  NotWhitelistedError,
  OutcomeUnknownError,
  RateLimitedError,
  RedirectRequiredError,
  UpstreamError,
  UpstreamUnavailableError,
  ValidationError,
} from '../core/errors.js';

/**
 * An error that already knows its HTTP status; `expose` says whether its message may reach the client: client
 * errors always, server errors only when the message was written for the user (`exposeMessage`), e.g. the 503
 * that tells a Zap Konnektive is down, or that a sale's outcome is unknown.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
    private readonly exposeMessage = false,
  ) {
    super(message);
    this.name = 'HttpError';
  }
  get expose(): boolean {
    return this.statusCode < 500 || this.exposeMessage;
  }
}

/** Zapier shows at most 250 characters of an error. */
const MAX_MESSAGE = 250;
const clip = (message: string) =>
  message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message;

/** Turns zod issues into `{ "a.b": "message" }` and one sentence naming the fields. */
export const describeZodError = (error: z.ZodError): { message: string; fields: Record<string, string> } => {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(body)';
    fields[path] ??= issue.message;
  }
  const message = Object.entries(fields)
    .map(([field, text]) => `${field}: ${text}`)
    .join('; ');
  return { message: `Invalid input — ${message}`, fields };
};

/** Maps any thrown value to an HttpError. Unknown errors become a 500 whose message is never exposed. */
export const toHttpError = (error: unknown): HttpError => {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError) {
    const { message, fields } = describeZodError(error);
    return new HttpError(422, 'VALIDATION_FAILED', message, { fields });
  }
  if (error instanceof ValidationError) {
    return new HttpError(422, 'VALIDATION_FAILED', error.message, { fields: error.fields });
  }
  if (error instanceof NotFoundError) return new HttpError(404, 'NOT_FOUND', error.message);
  if (error instanceof InvalidCredentialsError)
    return new HttpError(403, 'INVALID_CREDENTIALS', error.message);
  // 403, not 401: with session auth every 401 makes Zapier re-run the session exchange, which would try the stale
  // password against Konnektive again on every step. Only an unknown or revoked token answers 401.
  if (error instanceof CredentialsRejectedError)
    return new HttpError(403, 'CREDENTIALS_REJECTED', error.message);
  if (error instanceof MissingPermissionsError) {
    return new HttpError(403, 'PERMISSION_DENIED', error.message, {
      missingPermissions: error.missingPermissions,
    });
  }
  if (error instanceof NotWhitelistedError) {
    return new HttpError(403, 'IP_NOT_WHITELISTED', error.message, { egressIps: error.egressIps });
  }
  if (error instanceof IdempotencyInProgressError) {
    return new HttpError(409, 'IDEMPOTENCY_IN_PROGRESS', error.message, {}, { 'Retry-After': '2' });
  }
  if (error instanceof IdempotencyKeyReusedError)
    return new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', error.message);
  if (error instanceof UpstreamUnavailableError) {
    // Our own sentence for the user (never Konnektive's text or a stack), so it is shown despite the 5xx.
    return new HttpError(
      503,
      'KONNEKTIVE_UNAVAILABLE',
      error.message,
      {},
      {
        'Retry-After': String(error.retryAfterSeconds),
      },
      true,
    );
  }
  if (error instanceof RateLimitedError) {
    return new HttpError(
      429,
      'RATE_LIMITED',
      error.message,
      {},
      { 'Retry-After': String(error.retryAfterSeconds) },
      true,
    );
  }
  // 502, never 503: a 503 invites an automatic retry, and this request may already have charged a card.
  if (error instanceof OutcomeUnknownError)
    return new HttpError(502, 'OUTCOME_UNKNOWN', error.message, {}, {}, true);
  if (error instanceof DeclinedError) return new HttpError(422, 'DECLINED', error.message);
  if (error instanceof RedirectRequiredError) return new HttpError(422, 'REDIRECT_REQUIRED', error.message);
  if (error instanceof UpstreamError) return new HttpError(502, 'KONNEKTIVE_ERROR', error.message);
  return new HttpError(500, 'INTERNAL', 'Internal error');
};

/** The JSON body of an error response. */
export const errorBody = (error: HttpError, requestId: string | undefined) => ({
  message: error.expose ? clip(error.message) : `Internal error (request ${requestId ?? 'unknown'})`,
  code: error.code,
  ...(requestId ? { requestId } : {}),
  ...(error.expose ? error.details : {}),
});
