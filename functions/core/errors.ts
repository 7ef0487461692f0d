/**
 * Domain errors raised by the use cases (Konnektive failures become these in functions/core/konnektive-access.ts).
 * The HTTP layer maps them in one place (functions/platform/http-errors.ts).
 */

/** Input failed validation; `fields` maps a field path to what is wrong with it. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ValidationError';
  }
}

/** The thing asked for does not exist for this caller (also used for other tenants' ids). */
export class NotFoundError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotFoundError';
  }
}

/** Konnektive rejected the loginId/password given when connecting. */
export class InvalidCredentialsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidCredentialsError';
  }
}

/** Konnektive rejected the stored credentials during an action or query: the user must reconnect. */
export class CredentialsRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialsRejectedError';
  }
}

/** The connecting API user lacks endpoint permissions we need. */
export class MissingPermissionsError extends Error {
  constructor(
    message: string,
    readonly missingPermissions: string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MissingPermissionsError';
  }
}

/** Our egress IPs are not on the API user's whitelist; carries the IPs to whitelist. */
export class NotWhitelistedError extends Error {
  constructor(
    message: string,
    readonly egressIps: string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NotWhitelistedError';
  }
}

/** A request with the same Idempotency-Key is still being processed. */
export class IdempotencyInProgressError extends Error {
  constructor(message = 'A request with this Idempotency-Key is still in progress; retry shortly') {
    super(message);
    this.name = 'IdempotencyInProgressError';
  }
}

/** The Idempotency-Key was used before with a different body. */
export class IdempotencyKeyReusedError extends Error {
  constructor(message = 'This Idempotency-Key was already used with a different request body') {
    super(message);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/**
 * Konnektive is down, timing out or answering garbage, and nothing was changed by this request (it never reached
 * Konnektive, or it only read); retry after `retryAfterSeconds`.
 */
export class UpstreamUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamUnavailableError';
  }
}

/**
 * A write reached Konnektive and no answer came back (timeout, HTTP 5xx, an unreadable answer): it may or may not
 * have happened. Retrying blindly could charge twice, so the caller must look in Konnektive first.
 */
export class OutcomeUnknownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutcomeUnknownError';
  }
}

/** Konnektive refused the request for its rate (HTTP 429) without processing it; retry after `retryAfterSeconds`. */
export class RateLimitedError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RateLimitedError';
  }
}

/** Konnektive declined the payment; `message` is Konnektive's own text (scrubbed of card data). */
export class DeclinedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeclinedError';
  }
}

/** Konnektive wants a redirect (3-D Secure or an alternative payment page) that a Zap cannot follow. */
export class RedirectRequiredError extends Error {
  constructor(
    message = 'Konnektive asked for a redirect (3-D Secure or an alternative payment page) that a Zap cannot follow',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RedirectRequiredError';
  }
}

/** Konnektive answered with an error we do not know how to read. */
export class UpstreamError extends Error {
  constructor(message = 'Konnektive answered with an unexpected error', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}
