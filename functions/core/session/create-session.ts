/**
 * Session auth: verify a Konnektive API user, store its password encrypted, hand out a bearer token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CredentialsRejectedError, InvalidCredentialsError, MissingPermissionsError } from '../errors.js';
import {
  type KonnektiveCredentials,
  type KonnektiveGateway,
  KonnektivePermissionError,
  type Page,
} from '../konnektive.js';
import {
  CREDENTIALS_REJECTED_MESSAGE,
  INVALID_CREDENTIALS_MESSAGE,
  toDomainError,
} from '../konnektive-access.js';
import type { Connection } from '../model.js';
import type { Clock, ConnectionStore, CredentialCipher, TokenStore } from '../ports.js';
import type { CreateSessionRequest, MeResponse, SessionResponse } from './schemas.js';

export interface SessionDeps {
  konnektive: KonnektiveGateway;
  connections: ConnectionStore;
  tokens: TokenStore;
  cipher: CredentialCipher;
  clock: Clock;
  /** The stack's fixed egress IPs, named in the "not whitelisted" message. */
  egressIps: readonly string[];
  /** A fresh bearer token; default 256 random bits, base64url. */
  newToken?: () => string;
}

/** Deterministic, so the same loginId always maps to the same tenant: `c_` + 24 hex chars of a SHA-256. */
export const connectionIdFor = (loginId: string): string =>
  `c_${createHash('sha256').update(`konnektive:${loginId}`, 'utf8').digest('hex').slice(0, 24)}`;

/** SHA-256 (hex) of a bearer token: the only form in which tokens are stored (the authenticator looks it up so). */
export const tokenHashOf = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex');

export const randomToken = (): string => randomBytes(32).toString('base64url');

const DAY_MS = 24 * 60 * 60 * 1000;

/** Reads the first page only; `break` closes the iterator so the client stops paging. */
const firstPage = async <T>(pages: AsyncIterable<Page<T>>): Promise<void> => {
  for await (const _page of pages) break;
};

/**
 * One cheap read per endpoint the integration uses (order/query, transactions/query, campaign/query); success
 * and an empty result both mean "granted". Sequential, and stopping at the first credential or whitelist
 * failure: repeated bad logins can lock a Konnektive user.
 */
export const verifyCredentials = async (
  deps: Pick<SessionDeps, 'konnektive' | 'clock' | 'egressIps'>,
  credentials: KonnektiveCredentials,
  timeZone: string,
): Promise<void> => {
  const now = deps.clock.now();
  const range = { start: new Date(now.getTime() - DAY_MS), end: now };
  const probes: Array<() => Promise<void>> = [
    () => firstPage(deps.konnektive.queryOrders(credentials, { range, timeZone, resultsPerPage: 1 })),
    () => firstPage(deps.konnektive.queryTransactions(credentials, { range, timeZone, resultsPerPage: 1 })),
    () => firstPage(deps.konnektive.queryCampaigns(credentials, { resultsPerPage: 1 })),
  ];
  const missingPermissions: string[] = [];
  for (const probe of probes) {
    try {
      await probe();
    } catch (error) {
      if (error instanceof KonnektivePermissionError) {
        if (!missingPermissions.includes(error.permission)) missingPermissions.push(error.permission);
        continue;
      }
      // A new password: a rejected login is InvalidCredentialsError, and no connection is marked.
      throw toDomainError(error, { egressIps: deps.egressIps, password: 'new' });
    }
  }
  if (missingPermissions.length > 0) {
    throw new MissingPermissionsError(
      `The Konnektive API user lacks these permissions: ${missingPermissions.join(', ')}. Grant them under Admin → Users → API user → Access Details`,
      missingPermissions,
    );
  }
};

/**
 * How long a password Konnektive refused is answered from memory: within this time, connecting a connection that
 * is `invalid` with that same password answers INVALID_CREDENTIALS without asking Konnektive (repeated bad logins
 * can lock the API user, and Zapier re-runs the session exchange on its own). After it, one attempt may reach
 * Konnektive again, in case the refusal was the API's mistake or the password was restored.
 */
export const REFUSED_PASSWORD_HOLD_MS = 60 * 60 * 1000;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Whether `password` is the one stored (already refused) for `connection`; a failure to decrypt means no. */
const isStoredPassword = async (
  deps: Pick<SessionDeps, 'cipher'>,
  connection: Connection,
  password: string,
): Promise<boolean> => {
  try {
    const stored = await deps.cipher.decrypt(connection.encryptedPassword, {
      connectionId: connection.connectionId,
    });
    return timingSafeEqual(sha256(stored), sha256(password));
  } catch {
    return false;
  }
};

/**
 * `POST /sessions`: verifies the credentials BEFORE storing anything, then creates or updates the connection
 * for this loginId (same tenant every time; status back to active), and issues a new token. Other tokens of
 * the connection (other Zapier connections) stay valid.
 *
 * A connection Konnektive already refused (`invalid`) is never tested again with the refused password within
 * REFUSED_PASSWORD_HOLD_MS; a new password it refuses replaces the stored one, so that one is not re-tested either.
 */
export const createSession = async (
  deps: SessionDeps,
  input: CreateSessionRequest,
): Promise<SessionResponse> => {
  const credentials = { loginId: input.loginId, password: input.password };
  const connectionId = connectionIdFor(input.loginId);
  const known = await deps.connections.get(connectionId);
  const refused = known?.status === 'invalid' ? known : undefined;
  if (
    refused !== undefined &&
    deps.clock.now().getTime() - Date.parse(refused.updatedAt) < REFUSED_PASSWORD_HOLD_MS &&
    (await isStoredPassword(deps, refused, input.password))
  ) {
    throw new InvalidCredentialsError(INVALID_CREDENTIALS_MESSAGE);
  }
  try {
    await verifyCredentials(deps, credentials, input.timeZone);
  } catch (error) {
    if (refused !== undefined && error instanceof InvalidCredentialsError) {
      await deps.connections.upsert(
        {
          connectionId,
          loginId: refused.loginId,
          encryptedPassword: await deps.cipher.encrypt(input.password, { connectionId }),
          timeZone: refused.timeZone,
          label: refused.label,
          status: 'invalid',
        },
        deps.clock.now(),
      );
    }
    throw error;
  }

  const encryptedPassword = await deps.cipher.encrypt(input.password, { connectionId });
  const now = deps.clock.now();
  const connection = await deps.connections.upsert(
    {
      connectionId,
      loginId: input.loginId,
      encryptedPassword,
      timeZone: input.timeZone,
      label: input.loginId,
      status: 'active',
    },
    now,
  );
  const token = (deps.newToken ?? randomToken)();
  await deps.tokens.put({ tokenHash: tokenHashOf(token), connectionId, createdAt: now.toISOString() });
  return { token, ...describeConnection(connection) };
};

/**
 * `GET /me`, Zapier's connection test. A connection whose stored password Konnektive rejected answers 403
 * CREDENTIALS_REJECTED (the app asks the user to reconnect); 401 is only for an unknown or revoked token.
 */
export const describeMe = (connection: Connection): MeResponse => {
  if (connection.status === 'invalid') {
    throw new CredentialsRejectedError(CREDENTIALS_REJECTED_MESSAGE);
  }
  return describeConnection(connection);
};

/** The public fields of a connection. */
export const describeConnection = (connection: Connection): MeResponse => ({
  connectionId: connection.connectionId,
  label: connection.label,
  loginId: connection.loginId,
  timeZone: connection.timeZone,
});

/** `DELETE /sessions/current`: forgets the token's hash (idempotent). */
export const revokeToken = async (deps: { tokens: TokenStore }, token: string): Promise<void> => {
  await deps.tokens.delete(tokenHashOf(token));
};
