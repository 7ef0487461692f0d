/** A credential could not be encrypted or decrypted (wrong key, wrong connection, tampered, KMS refused). */
export class CredentialCipherError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialCipherError';
  }
}
