/**
 * `POST /actions/{action}`: validate, claim the Idempotency-Key (creates only), call Konnektive once, answer the
 * resource's new state, and remember that answer for 24 h, so a Zapier replay after a timeout never charges a card
 * twice.
 *
 * Only `create_sale` and `create_lead` honour an Idempotency-Key: the updates set a state, sending them twice is
 * harmless, and replaying a stored answer would swallow a later change (A → B → A). A key keeps only what must
 * not be sent again: a success, or an outcome nobody knows. Every definitive refusal frees it, so the corrected
 * request (or the same one, once the cause is fixed) reaches Konnektive. docs/actions.md explains the trade-offs:
 *
 * | failure | Konnektive processed it? | answer | key |
 * | --- | --- | --- | --- |
 * | decline, validation, not found, redirect | yes, and refused it | 422 / 404 | freed |
 * | auth, not whitelisted, permission | no (refused before processing) | 403 | freed |
 * | HTTP 429, or never sent (DNS, refused connection, no time left) | no | 429 / 503 + Retry-After | freed |
 * | sent, no answer (timeout, 5xx, unreadable) | unknown (maybe charged) | 502 OUTCOME_UNKNOWN | stored: never re-sent |
 */
import { IdempotencyInProgressError, IdempotencyKeyReusedError, OutcomeUnknownError } from '../errors.js';
import {
  KonnektiveAuthError,
  type KonnektiveCredentials,
  KonnektiveDeclinedError,
  KonnektiveError,
  type KonnektiveGateway,
  KonnektiveNotFoundError,
  KonnektiveNotWhitelistedError,
  type KonnektiveParams,
  KonnektivePermissionError,
  KonnektiveRedirectError,
  KonnektiveTransientError,
  KonnektiveValidationError,
} from '../konnektive.js';
import {
  type CredentialReader,
  type KonnektiveAccessDeps,
  rejectStoredCredentials,
  storedCredentials,
  toDomainError,
  UPSTREAM_RETRY_AFTER_SECONDS,
} from '../konnektive-access.js';
import type { Connection } from '../model.js';
import type { Clock, ConnectionStore, CredentialCipher, IdempotencyStore } from '../ports.js';
import { serializeCustomer, serializeOrder } from '../records/serialize.js';
import { readCustomer, readOrder } from '../searches/find-records.js';
import { type ActionDefinition, findAction, type PreparedAction } from './catalog.js';
import {
  bodyHash,
  IDEMPOTENCY_IN_PROGRESS_MS,
  IDEMPOTENCY_TTL_SECONDS,
  parseIdempotencyKey,
  scopedIdempotencyKey,
} from './idempotency.js';
import { type CoreLogger, type MetricSink, silentLogger } from './observability.js';

/** A status and JSON body, as stored for replays. */
export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

export interface RunActionDeps {
  konnektive: KonnektiveGateway;
  connections: ConnectionStore;
  idempotency: IdempotencyStore;
  cipher: CredentialCipher;
  /** How stored passwords are read; default: decrypted with `cipher`. */
  credentials?: CredentialReader;
  clock: Clock;
  /** The stack's fixed egress IPs, named in the "not whitelisted" answer. */
  egressIps: readonly string[];
  /** Told when Konnektive refused the stored password and the connection was marked invalid. */
  onStoredCredentialsRejected?: KonnektiveAccessDeps['onStoredCredentialsRejected'];
  /** How long reading the record back after a write may take; default READ_BACK_TIMEOUT_MS. */
  readBackTimeoutMs?: number;
  metrics: MetricSink;
  logger?: CoreLogger;
  /**
   * The response an error gets (the one error → HTTP mapping, functions/platform/http-errors.ts), so an error answer that is
   * stored replays exactly as it was first sent.
   */
  describeError(error: unknown, requestId: string | undefined): StoredResponse;
}

export interface RunActionInput {
  connection: Connection;
  /** The `{action}` path segment. */
  action: string;
  /** The parsed JSON body, not yet validated. */
  body: unknown;
  /**
   * The `Idempotency-Key` header as sent; absent = no idempotency. Checked (`parseIdempotencyKey`) and used only by
   * the actions that honour one (`create_sale`, `create_lead`); the others ignore it.
   */
  idempotencyKey?: string | undefined;
  requestId?: string | undefined;
}

export interface ActionResponse extends StoredResponse {
  headers: Record<string, string>;
  replayed: boolean;
}

/** What a 502 OUTCOME_UNKNOWN says: what may have happened, and whether running the step again is safe. */
export const outcomeUnknownMessage = (definition: ActionDefinition, keyKept: boolean): string => {
  const unknown = `Konnektive did not answer (timeout or server error), so ${definition.subject} may or may not have gone through. Check Konnektive`;
  if (definition.retrySafe) return `${unknown}; running the step again is safe`;
  return keyKept
    ? `${unknown} before running it again: this Idempotency-Key will not send it again for 24 hours`
    : `${unknown} before retrying (send an Idempotency-Key to make retries safe)`;
};

/** Why a transient failure can be retried without risk: the request never left (no connection was made). */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True when the request never left: its deadline came before it was sent, or the cause chain shows the connection
 * was never established (so Konnektive saw nothing).
 */
export const requestNeverSent = (error: unknown): boolean => {
  if (error instanceof KonnektiveTransientError && error.notSent) return true;
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
    stack.push(cause);
    if (Array.isArray(errors)) stack.push(...errors);
  }
  return false;
};

/** Konnektive handled the request and answered definitively: safe (and right) to replay that answer. */
const isDefinitive = (error: unknown): boolean =>
  error instanceof KonnektiveDeclinedError ||
  error instanceof KonnektiveValidationError ||
  error instanceof KonnektiveNotFoundError ||
  error instanceof KonnektiveRedirectError;

/** Konnektive refused before processing anything. */
const isRefusedBeforeProcessing = (error: unknown): boolean =>
  error instanceof KonnektiveAuthError ||
  error instanceof KonnektiveNotWhitelistedError ||
  error instanceof KonnektivePermissionError;

/** Parameters whose values must never come back in a message (Konnektive texts are shown to users). */
const SECRET_PARAMS = ['cardNumber', 'achAccountNumber', 'achRoutingNumber', 'iban'] as const;
/** 12–19 digit runs, optionally spaced or dashed: anything card-like. */
const CARD_LIKE = /\b(?:\d[ -]?){11,18}\d\b/g;

/** Masks our own secret values and anything card-like in a Konnektive text. */
export const scrubText = (text: string, params: KonnektiveParams): string => {
  let result = text;
  for (const name of SECRET_PARAMS) {
    const value = params[name];
    if (value !== undefined && String(value).length >= 6)
      result = result.split(String(value)).join('[redacted]');
  }
  return result.replace(CARD_LIKE, '[redacted]');
};

/**
 * A copy of a definitive Konnektive error whose texts cannot echo card or account numbers back to the Zap
 * (Konnektive has not been seen doing it, but its texts are passed on verbatim and kept in Zapier's history).
 */
const withoutSecrets = (error: unknown, params: KonnektiveParams): unknown => {
  const scrub = (text: string) => scrubText(text, params);
  if (error instanceof KonnektiveDeclinedError) {
    return new KonnektiveDeclinedError(scrub(error.message), error.endpoint, scrub(error.reason));
  }
  if (error instanceof KonnektiveValidationError) {
    const fields = Object.fromEntries(
      Object.entries(error.fields).map(([field, text]) => [field, scrub(text)]),
    );
    return new KonnektiveValidationError(scrub(error.message), error.endpoint, fields);
  }
  if (error instanceof KonnektiveNotFoundError)
    return new KonnektiveNotFoundError(scrub(error.message), error.endpoint);
  return error;
};

const replayHeaders = (statusCode: number): Record<string, string> => ({
  'Idempotency-Replayed': 'true',
  // Records stored before unknown outcomes became 502 hold a 503.
  ...(statusCode === 503 ? { 'Retry-After': String(UPSTREAM_RETRY_AFTER_SECONDS) } : {}),
});

/**
 * Runs one action for `connection`. Returns the success (or a replayed answer); throws the error to answer
 * otherwise (the HTTP mapping turns it into the status code).
 */
export const runAction = async (deps: RunActionDeps, input: RunActionInput): Promise<ActionResponse> => {
  const definition = findAction(input.action);
  deps.metrics.count('ActionCalls', { action: definition.name });
  try {
    return await execute(deps, input, definition);
  } catch (error) {
    deps.metrics.count('ActionErrors', { action: definition.name });
    throw error;
  }
};

const execute = async (
  deps: RunActionDeps,
  input: RunActionInput,
  definition: ActionDefinition,
): Promise<ActionResponse> => {
  const { connection } = input;
  // Validation first: a 422 for bad input never touches the key, so the corrected request can reuse it.
  const prepared = definition.prepare(input.body, { timeZone: connection.timeZone });
  const idempotencyKey = definition.retrySafe ? undefined : parseIdempotencyKey(input.idempotencyKey);
  const credentials = await storedCredentials(deps, connection);

  const key =
    idempotencyKey === undefined
      ? undefined
      : scopedIdempotencyKey(connection.connectionId, definition.name, idempotencyKey);
  if (key !== undefined) {
    const claim = await deps.idempotency.claim({
      key,
      bodyHash: bodyHash(prepared.normalized),
      now: deps.clock.now(),
      inProgressMs: IDEMPOTENCY_IN_PROGRESS_MS,
      ttlSeconds: IDEMPOTENCY_TTL_SECONDS,
    });
    if (claim.status === 'in_progress') throw new IdempotencyInProgressError();
    if (claim.status === 'mismatch') throw new IdempotencyKeyReusedError();
    if (claim.status === 'completed') {
      const stored = claim.record.response;
      // A COMPLETED record always carries its response; without one it cannot be replayed, so say "in progress"
      // rather than call Konnektive a second time.
      if (stored === undefined) throw new IdempotencyInProgressError();
      return { ...stored, headers: replayHeaders(stored.statusCode), replayed: true };
    }
  }

  let message: unknown;
  try {
    message = await prepared.send(deps.konnektive, credentials);
  } catch (error) {
    throw await settleFailure(deps, { input, definition, key, error, params: prepared.params });
  }
  // The write happened. What is known of the record goes under the key at once: a function that dies while reading
  // the record back then leaves an answer to replay, not a claim that expires and lets a retry charge again.
  const known = serializeRecord(definition, prepared.fallback(message), connection);
  if (key !== undefined) await store(deps, key, { statusCode: 200, body: known });
  const current = await readBack(deps, { connection, definition, prepared, message, credentials });
  if (current === undefined) return { statusCode: 200, body: known, headers: {}, replayed: false };
  const response: StoredResponse = {
    statusCode: 200,
    body: serializeRecord(definition, current, connection),
  };
  if (key !== undefined) await store(deps, key, response);
  return { ...response, headers: {}, replayed: false };
};

/** The action's record as `GET /orders` or `GET /customers` answers it. */
const serializeRecord = (
  definition: ActionDefinition,
  record: Record<string, unknown>,
  connection: Connection,
): Record<string, unknown> =>
  definition.resource === 'order'
    ? serializeOrder(record, { timeZone: connection.timeZone, connectionLabel: connection.label })
    : serializeCustomer(record, { timeZone: connection.timeZone });

/** How long the read-back after a write may take before the answer goes out without it. */
export const READ_BACK_TIMEOUT_MS = 5_000;

const timeout = (ms: number): { promise: Promise<never>; clear: () => void } => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
};

/**
 * The resource's new state, the answer of a successful write: the order (or customer) read back from Konnektive, or
 * undefined when that fails or takes longer than READ_BACK_TIMEOUT_MS (the write already happened, so the action
 * still succeeds, answering what is known without it: Konnektive's answer and the request's own fields, every other
 * field null).
 */
const readBack = async (
  deps: RunActionDeps,
  args: {
    connection: Connection;
    definition: ActionDefinition;
    prepared: PreparedAction;
    message: unknown;
    credentials: KonnektiveCredentials;
  },
): Promise<Record<string, unknown> | undefined> => {
  const { connection, definition, prepared, message, credentials } = args;
  const id = prepared.target(message);
  if (id === undefined) return undefined;
  const limit = timeout(deps.readBackTimeoutMs ?? READ_BACK_TIMEOUT_MS);
  try {
    const read =
      definition.resource === 'order'
        ? readOrder(deps.konnektive, credentials, String(id), connection.timeZone)
        : readCustomer(deps.konnektive, credentials, Number(id), connection.timeZone);
    return await Promise.race([read, limit.promise]);
  } catch (error) {
    (deps.logger ?? silentLogger).warn('could not read the record back after the write', {
      action: definition.name,
      errorClass: error instanceof KonnektiveError ? error.errorClass : 'timeout',
    });
    return undefined;
  } finally {
    limit.clear();
  }
};

/** Decides what a Konnektive failure does to the key, and which error the client gets. */
const settleFailure = async (
  deps: RunActionDeps,
  args: {
    input: RunActionInput;
    definition: ActionDefinition;
    key: string | undefined;
    error: unknown;
    params: KonnektiveParams;
  },
): Promise<unknown> => {
  const { input, definition, key, error } = args;
  const free = async () => {
    if (key !== undefined) await release(deps, key);
  };

  if (isRefusedBeforeProcessing(error)) {
    await free();
    if (error instanceof KonnektiveAuthError) {
      return await rejectStoredCredentials(deps, input.connection, error, (storeError) =>
        (deps.logger ?? silentLogger).warn('could not mark the connection invalid', {
          errorName: storeError instanceof Error ? storeError.name : typeof storeError,
        }),
      );
    }
    return toDomainError(error, { egressIps: deps.egressIps });
  }
  if (error instanceof KonnektiveTransientError && (error.status === 429 || requestNeverSent(error))) {
    // Refused for its rate, or never left: nothing happened, so a retry (with the same key) is safe.
    await free();
    return toDomainError(error, { egressIps: deps.egressIps });
  }
  if (isDefinitive(error)) {
    // Konnektive refused it. Not stored: the same key must reach Konnektive once the card or input is fixed.
    await free();
    return toDomainError(withoutSecrets(error, args.params), { egressIps: deps.egressIps });
  }
  if (error instanceof KonnektiveError) {
    // Sent, and no answer we can read (timeout, 5xx, garbage): Konnektive may or may not have acted on it.
    const unknown = new OutcomeUnknownError(outcomeUnknownMessage(definition, key !== undefined), {
      cause: error,
    });
    if (key !== undefined) {
      await store(deps, key, deps.describeError(unknown, input.requestId));
      deps.logger?.warn('action outcome unknown; key kept so a retry cannot repeat it', {
        action: definition.name,
        errorClass: error.errorClass,
      });
    }
    return unknown;
  }
  // Our own failure (a bug, the cipher): nothing reached Konnektive's processing that we know of.
  await free();
  return error;
};

/**
 * Stores the answer. A failure here is logged, not thrown: the action already happened in Konnektive and the
 * caller must hear about it; the claim then expires after IDEMPOTENCY_IN_PROGRESS_MS (the residual risk).
 */
const store = async (deps: RunActionDeps, key: string, response: StoredResponse): Promise<void> => {
  try {
    await deps.idempotency.complete({ key, response });
  } catch (error) {
    (deps.logger ?? silentLogger).warn('could not store the idempotent response', {
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
};

/** Frees the key so a retry calls Konnektive again. A failure is logged: the claim expires on its own. */
const release = async (deps: RunActionDeps, key: string): Promise<void> => {
  try {
    await deps.idempotency.release(key);
  } catch (error) {
    (deps.logger ?? silentLogger).warn('could not release the idempotency claim', {
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
};
