/**
 * Session auth (design §2.1): verify a Konnektive API user, store its password encrypted, hand out a bearer token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { CredentialsRejectedError, MissingPermissionsError } from '../errors.js';
import {
  type KonnektiveCredentials,
  type KonnektiveGateway,
  KonnektivePermissionError,
  type Page,
} from '../konnektive.js';
import { CREDENTIALS_REJECTED_MESSAGE, toDomainError } from '../konnektive-access.js';
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
 * `POST /sessions`: verifies the credentials BEFORE storing anything, then creates or updates the connection
 * for this loginId (same tenant every time; status back to active), and issues a new token. Other tokens of
 * the connection (other Zapier connections) stay valid.
 */
export const createSession = async (
  deps: SessionDeps,
  input: CreateSessionRequest,
): Promise<SessionResponse> => {
  const credentials = { loginId: input.loginId, password: input.password };
  await verifyCredentials(deps, credentials, input.timeZone);

  const connectionId = connectionIdFor(input.loginId);
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
 * `GET /me`, Zapier's connection test. A connection whose stored password Konnektive rejected answers 401
 * CREDENTIALS_REJECTED: Zapier then re-runs the session exchange, which re-verifies (and reactivates) it or tells
 * the user that Konnektive rejects the login.
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
