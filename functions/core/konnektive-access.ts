/**
 * The one policy for talking to Konnektive with a stored connection: refuse a connection already marked invalid,
 * decrypt its password, run the call, and turn a Konnektive failure into a domain error (functions/core/errors.ts):
 *
 * | Konnektive said | domain error | and |
 * | --- | --- | --- |
 * | stored credentials rejected | CredentialsRejectedError | the connection is marked invalid |
 * | IP not whitelisted | NotWhitelistedError, listing the egress IPs | |
 * | permission missing | MissingPermissionsError | |
 * | HTTP 429 | RateLimitedError (Retry-After) | |
 * | timeout, 5xx, garbage | UpstreamUnavailableError (Retry-After) | |
 * | declined / redirect / invalid input / not found | DeclinedError / RedirectRequiredError / ValidationError / NotFoundError | |
 * | anything else | UpstreamError | |
 *
 * Session verification tests a NEW password: it skips the stored-connection steps, and a rejected login there is
 * InvalidCredentialsError (`toDomainError(error, { egressIps, password: 'new' })`). A write that was sent and got no
 * answer is not decided here: whether it may be repeated depends on the action (functions/core/actions/run-action.ts).
 *
 * Time: a request's calls are held within its deadline (`withinDeadline`, applied by the API chain to every route
 * that calls Konnektive), so a slow Konnektive ends as a transient failure — a 503 with Retry-After — before the
 * function's own time runs out.
 */
import {
  CredentialsRejectedError,
  DeclinedError,
  InvalidCredentialsError,
  MissingPermissionsError,
  NotFoundError,
  NotWhitelistedError,
  RateLimitedError,
  RedirectRequiredError,
  UpstreamError,
  UpstreamUnavailableError,
  ValidationError,
} from './errors.js';
import {
  KonnektiveAuthError,
  type KonnektiveCredentials,
  KonnektiveDeclinedError,
  KonnektiveError,
  type KonnektiveGateway,
  KonnektiveNotFoundError,
  KonnektiveNotWhitelistedError,
  KonnektivePermissionError,
  KonnektiveRedirectError,
  KonnektiveTransientError,
  KonnektiveValidationError,
  type ReadOptions,
  type WriteOptions,
} from './konnektive.js';
import type { Connection } from './model.js';
import type { Clock, ConnectionStore, CredentialCipher } from './ports.js';

/** How long to ask a client to wait after Konnektive was unreachable. */
export const UPSTREAM_RETRY_AFTER_SECONDS = 30;

/** What a 403 CREDENTIALS_REJECTED says. */
export const CREDENTIALS_REJECTED_MESSAGE =
  'Konnektive rejected the stored credentials (was the API user password changed?); reconnect the account';

/** What a rejected login says when connecting. */
export const INVALID_CREDENTIALS_MESSAGE =
  'Konnektive rejected the login ID or password. Check the API user (Admin → Users) and that the password has no "&"';

/** The message of a 403 IP_NOT_WHITELISTED: exactly which IPs the merchant must add. */
export const whitelistMessage = (egressIps: readonly string[], callerIp?: string): string => {
  const seen = callerIp ? ` (it saw ${callerIp})` : '';
  return egressIps.length > 0
    ? `Konnektive refused our IP address${seen}. Add these IPs to the API user's IP whitelist: ${egressIps.join(', ')}`
    : `Konnektive refused our IP address${seen}. Add the stack's EgressIps output to the API user's IP whitelist`;
};

/** The 503 for Konnektive being down or timing out (or an outcome that cannot be known). */
export const upstreamUnavailable = (
  cause: unknown,
  message = 'Konnektive is unavailable or timed out; retry later',
): UpstreamUnavailableError => new UpstreamUnavailableError(message, UPSTREAM_RETRY_AFTER_SECONDS, { cause });

export interface ErrorContext {
  /** The stack's fixed egress IPs, named in the "not whitelisted" message. */
  egressIps: readonly string[];
  /** `stored`: a connection's saved password (default); `new`: a password being connected. */
  password?: 'stored' | 'new';
}

/**
 * The domain error a Konnektive failure means; anything that is not a Konnektive failure comes back unchanged.
 * Pure: marking a connection invalid is `withStoredCredentials`' job.
 */
export const toDomainError = (error: unknown, context: ErrorContext): unknown => {
  if (!(error instanceof KonnektiveError)) return error;
  const cause = { cause: error };
  const connecting = context.password === 'new';
  if (error instanceof KonnektiveAuthError) {
    return connecting
      ? new InvalidCredentialsError(INVALID_CREDENTIALS_MESSAGE, cause)
      : new CredentialsRejectedError(CREDENTIALS_REJECTED_MESSAGE, cause);
  }
  if (error instanceof KonnektiveNotWhitelistedError) {
    return new NotWhitelistedError(
      whitelistMessage(context.egressIps, error.callerIp),
      [...context.egressIps],
      cause,
    );
  }
  if (error instanceof KonnektivePermissionError) {
    return new MissingPermissionsError(
      `The Konnektive API user lacks the "${error.permission}" permission`,
      [error.permission],
      cause,
    );
  }
  if (error instanceof KonnektiveTransientError && error.status === 429) {
    return new RateLimitedError(
      'Konnektive is refusing requests for their rate; retry later',
      UPSTREAM_RETRY_AFTER_SECONDS,
      cause,
    );
  }
  if (error instanceof KonnektiveTransientError) {
    return upstreamUnavailable(
      error,
      connecting ? 'Konnektive is unavailable or timed out; try connecting again shortly' : undefined,
    );
  }
  if (error instanceof KonnektiveDeclinedError) return new DeclinedError(error.message, cause);
  if (error instanceof KonnektiveRedirectError) return new RedirectRequiredError(undefined, cause);
  if (error instanceof KonnektiveValidationError) {
    return new ValidationError(`Konnektive rejected the input: ${error.message}`, error.fields, cause);
  }
  if (error instanceof KonnektiveNotFoundError) return new NotFoundError(error.message, cause);
  return new UpstreamError(undefined, cause);
};

/** The Konnektive failure behind a domain error made by this policy (for logs and metrics), if any. */
export const konnektiveFailureOf = (error: unknown): KonnektiveError | undefined => {
  if (error instanceof KonnektiveError) return error;
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof KonnektiveError ? cause : undefined;
};

/**
 * Reads a connection's stored credentials. The one place passwords are decrypted (the ciphertext is bound to the
 * connectionId), so a per-process cache can wrap it.
 */
export interface CredentialReader {
  read(connection: Connection): Promise<KonnektiveCredentials>;
}

export const decryptingReader = (cipher: CredentialCipher): CredentialReader => ({
  read: async (connection) => ({
    loginId: connection.loginId,
    password: await cipher.decrypt(connection.encryptedPassword, { connectionId: connection.connectionId }),
  }),
});

/** How long a warm container keeps a decrypted password, and how many it keeps. */
export const DEFAULT_DECRYPTION_CACHE = { ttlMs: 5 * 60_000, maxEntries: 1_000 } as const;

/**
 * A cipher whose decryptions are kept per process for `ttlMs` (no KMS call per poll): keyed by the ciphertext and
 * its connectionId, so a reconnect (a new ciphertext) is never answered from the cache. A failed decryption is not
 * kept; concurrent decryptions of one ciphertext share one call. Past `maxEntries` the oldest entry goes.
 */
export const cachingDecryption = (
  cipher: CredentialCipher,
  options: { clock: Clock; ttlMs?: number; maxEntries?: number },
): CredentialCipher => {
  const ttlMs = options.ttlMs ?? DEFAULT_DECRYPTION_CACHE.ttlMs;
  const maxEntries = options.maxEntries ?? DEFAULT_DECRYPTION_CACHE.maxEntries;
  const entries = new Map<string, { expiresAt: number; plaintext: Promise<string> }>();
  return {
    encrypt: (plaintext, context) => cipher.encrypt(plaintext, context),
    decrypt: (ciphertext, context) => {
      const key = `${context.connectionId}\u0000${ciphertext}`;
      const now = options.clock.now().getTime();
      const cached = entries.get(key);
      if (cached && cached.expiresAt > now) return cached.plaintext;
      entries.delete(key);
      const plaintext = cipher.decrypt(ciphertext, context);
      entries.set(key, { expiresAt: now + ttlMs, plaintext });
      plaintext.catch(() => {
        if (entries.get(key)?.plaintext === plaintext) entries.delete(key);
      });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return plaintext;
    },
  };
};

export interface KonnektiveAccessDeps {
  konnektive: KonnektiveGateway;
  connections: ConnectionStore;
  cipher: CredentialCipher;
  clock: Clock;
  egressIps: readonly string[];
  /** How stored passwords are read; default: decrypted with `cipher` on every call. */
  credentials?: CredentialReader;
  /**
   * Told after Konnektive refused a stored password and the connection was marked invalid (the functions count
   * it as `StoredCredentialsRejected`). Never called for a password being connected: that is the merchant typing.
   */
  onStoredCredentialsRejected?: (connectionId: string) => void;
}

/**
 * A connection's credentials, guarded: a connection already marked `invalid` is refused without calling
 * Konnektive (repeating a rejected login can lock the API user). The 403 CREDENTIALS_REJECTED makes the Zapier app
 * ask the user to reconnect; connecting again with a working password reactivates the connection.
 */
export const storedCredentials = async (
  deps: Pick<KonnektiveAccessDeps, 'cipher' | 'credentials'>,
  connection: Connection,
): Promise<KonnektiveCredentials> => {
  if (connection.status === 'invalid') throw new CredentialsRejectedError(CREDENTIALS_REJECTED_MESSAGE);
  return (deps.credentials ?? decryptingReader(deps.cipher)).read(connection);
};

/**
 * Marks the connection invalid after Konnektive rejected its stored password, tells `onStoredCredentialsRejected`,
 * and returns the 403 error. Failing to record the status must not hide the 403: `onStoreError` hears about it
 * instead.
 */
export const rejectStoredCredentials = async (
  deps: Pick<KonnektiveAccessDeps, 'connections' | 'clock' | 'onStoredCredentialsRejected'>,
  connection: Pick<Connection, 'connectionId'>,
  cause: unknown,
  onStoreError?: (error: unknown) => void,
): Promise<CredentialsRejectedError> => {
  try {
    await deps.connections.setStatus(connection.connectionId, 'invalid', deps.clock.now());
  } catch (error) {
    if (!onStoreError) throw error;
    onStoreError(error);
  }
  deps.onStoredCredentialsRejected?.(connection.connectionId);
  return new CredentialsRejectedError(CREDENTIALS_REJECTED_MESSAGE, { cause });
};

/**
 * Runs `call` with the connection's stored credentials under the policy above: guard, decrypt, call, and on
 * failure the domain error (a rejected password also marks the connection invalid).
 */
export const withStoredCredentials = async <T>(
  deps: KonnektiveAccessDeps,
  connection: Connection,
  call: (konnektive: KonnektiveGateway, credentials: KonnektiveCredentials) => Promise<T>,
): Promise<T> => {
  const credentials = await storedCredentials(deps, connection);
  try {
    return await call(deps.konnektive, credentials);
  } catch (error) {
    if (error instanceof KonnektiveAuthError) throw await rejectStoredCredentials(deps, connection, error);
    throw toDomainError(error, { egressIps: deps.egressIps });
  }
};

/**
 * The least time a write is sent with. With less left, it is not sent at all (a clean 503: nothing happened) rather
 * than sent and cut off by the deadline (a 502 OUTCOME_UNKNOWN: a sale may have gone through).
 */
export const MIN_WRITE_MS = 2_000;

const earliest = (a: number | undefined, b: number): number => (a === undefined ? b : Math.min(a, b));

/**
 * `gateway` with every call held within `deadline` (epoch ms). Reads get the earlier of their own deadline and this
 * one: the client caps each attempt's timeout at the time left and starts no attempt or retry past it, so attempts
 * × timeouts never outlast the deadline. A write is sent only with at least MIN_WRITE_MS left, and abandoned at the
 * deadline. Either way the failure is a KonnektiveTransientError (`notSent` when nothing left), which the policy
 * above turns into a 503 with Retry-After — or, for a write that was sent, the action's own rule (502).
 */
export const withinDeadline = (
  gateway: KonnektiveGateway,
  deadline: number,
  now: () => number = Date.now,
): KonnektiveGateway => {
  const read = (options: ReadOptions | undefined): ReadOptions => ({
    ...options,
    deadline: earliest(options?.deadline, deadline),
  });
  const write = <T>(
    endpoint: string,
    options: WriteOptions | undefined,
    send: (options: WriteOptions) => Promise<T>,
  ): Promise<T> => {
    const left = deadline - now();
    if (left < MIN_WRITE_MS) {
      return Promise.reject(
        new KonnektiveTransientError(
          `Konnektive ${endpoint}: not sent, ${Math.max(0, Math.round(left))} ms left of the request's time`,
          endpoint,
          { notSent: true },
        ),
      );
    }
    return send({ ...options, deadline: earliest(options?.deadline, deadline) });
  };
  return {
    queryOrders: (credentials, query, options) => gateway.queryOrders(credentials, query, read(options)),
    queryTransactions: (credentials, query, options) =>
      gateway.queryTransactions(credentials, query, read(options)),
    queryCampaigns: (credentials, query, options) =>
      gateway.queryCampaigns(credentials, query, read(options)),
    queryCustomers: (credentials, query, options) =>
      gateway.queryCustomers(credentials, query, read(options)),
    importOrder: (credentials, params, options) =>
      write('order/import', options, (bounded) => gateway.importOrder(credentials, params, bounded)),
    importLead: (credentials, params, options) =>
      write('leads/import', options, (bounded) => gateway.importLead(credentials, params, bounded)),
    updateFulfillment: (credentials, params, options) =>
      write('fulfillment/update', options, (bounded) =>
        gateway.updateFulfillment(credentials, params, bounded),
      ),
    cancelOrder: (credentials, params, options) =>
      write('order/cancel', options, (bounded) => gateway.cancelOrder(credentials, params, bounded)),
    updateCustomer: (credentials, params, options) =>
      write('customer/update', options, (bounded) => gateway.updateCustomer(credentials, params, bounded)),
  };
};

/** `deps` whose Konnektive gateway is held within `deadline` (everything else unchanged). */
export const konnektiveWithin = <D extends { konnektive: KonnektiveGateway }>(
  deps: D,
  deadline: number,
): D => ({
  ...deps,
  konnektive: withinDeadline(deps.konnektive, deadline),
});
