/**
 * A connection's Konnektive credentials: decrypting the stored password, and what happens when Konnektive
 * rejects it later (the API user's password was changed).
 */
import { CredentialsRejectedError } from '../errors.js';
import type { KonnektiveCredentials } from '../konnektive.js';
import type { Connection } from '../model.js';
import type { Clock, ConnectionStore, CredentialCipher } from '../ports.js';

/** What a 401 CREDENTIALS_REJECTED says. */
export const CREDENTIALS_REJECTED_MESSAGE =
  'Konnektive rejected the stored credentials (was the API user password changed?); reconnect the account';

/**
 * Decrypts the password of `connection` (the ciphertext is bound to its connectionId). A connection already
 * marked `invalid` is refused without calling Konnektive: repeating a rejected login can lock the API user, and
 * the 401 makes Zapier re-run the session exchange, which re-verifies and reactivates it.
 */
export const credentialsFor = async (
  cipher: CredentialCipher,
  connection: Connection,
): Promise<KonnektiveCredentials> => {
  if (connection.status === 'invalid') throw new CredentialsRejectedError(CREDENTIALS_REJECTED_MESSAGE);
  const password = await cipher.decrypt(connection.encryptedPassword, {
    connectionId: connection.connectionId,
  });
  return { loginId: connection.loginId, password };
};

/** Marks the connection invalid and returns the 401 error to throw. */
export const rejectStoredCredentials = async (
  deps: { connections: ConnectionStore; clock: Clock },
  connection: Connection,
  cause: unknown,
): Promise<CredentialsRejectedError> => {
  await deps.connections.setStatus(connection.connectionId, 'invalid', deps.clock.now());
  return new CredentialsRejectedError(CREDENTIALS_REJECTED_MESSAGE, { cause });
};
