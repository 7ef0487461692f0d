/**
 * CredentialCipher over AWS KMS: the password is encrypted under the stack's key with the encryption context
 * `{connectionId}`, so a ciphertext copied onto another connection's item does not decrypt (and CloudTrail shows
 * which connection each Decrypt served).
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { CredentialCipher } from '../../core/ports.js';
import { awsSdk } from '../aws-sdk.js';
import { CredentialCipherError } from './errors.js';

export class KmsCredentialCipher implements CredentialCipher {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  /** Base64 of KMS's ciphertext blob (passwords are far below KMS's 4 KB direct-encryption limit). */
  async encrypt(plaintext: string, context: { connectionId: string }): Promise<string> {
    try {
      const output = await this.kms.send(
        new awsSdk.kms.EncryptCommand({
          KeyId: this.keyId,
          Plaintext: Buffer.from(plaintext, 'utf8'),
          EncryptionContext: { connectionId: context.connectionId },
        }),
      );
      if (output.CiphertextBlob === undefined) throw new Error('KMS returned no ciphertext');
      return Buffer.from(output.CiphertextBlob).toString('base64');
    } catch (error) {
      throw new CredentialCipherError(`KMS could not encrypt the credential of ${context.connectionId}`, {
        cause: error,
      });
    }
  }

  /** Passing KeyId pins decryption to our key (KMS would otherwise use whichever key the blob names). */
  async decrypt(ciphertext: string, context: { connectionId: string }): Promise<string> {
    try {
      const output = await this.kms.send(
        new awsSdk.kms.DecryptCommand({
          KeyId: this.keyId,
          CiphertextBlob: Buffer.from(ciphertext, 'base64'),
          EncryptionContext: { connectionId: context.connectionId },
        }),
      );
      if (output.Plaintext === undefined) throw new Error('KMS returned no plaintext');
      return Buffer.from(output.Plaintext).toString('utf8');
    } catch (error) {
      throw new CredentialCipherError(`KMS could not decrypt the credential of ${context.connectionId}`, {
        cause: error,
      });
    }
  }
}
