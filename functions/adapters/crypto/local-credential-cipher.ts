/**
 * CredentialCipher for the local runtime: AES-256-GCM with a random key kept in the local data directory.
 * The connectionId is the additional authenticated data, so (like the KMS encryption context) a ciphertext only
 * decrypts for the connection it was made for, and any tampering fails the tag check.
 *
 * Format: `v1:<iv>:<tag>:<ciphertext>`, each part base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CredentialCipher } from '../../core/ports.js';
import { CredentialCipherError } from './errors.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

export class LocalCredentialCipher implements CredentialCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) {
      throw new CredentialCipherError(
        `The local credential key must be ${KEY_BYTES} bytes, got ${key.length}`,
      );
    }
    this.key = Buffer.from(key);
  }

  /**
   * Reads the key file, creating it (32 random bytes, mode 0600, parent directories as needed) when missing.
   * Creation uses the exclusive flag, so two processes starting together end up with the same key.
   */
  static fromKeyFile(path: string): LocalCredentialCipher {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, randomBytes(KEY_BYTES), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CredentialCipherError(`Cannot create the local credential key ${path}`, { cause: error });
      }
    }
    // The umask may have widened the mode; the key must be readable by its owner only.
    chmodSync(path, 0o600);
    return new LocalCredentialCipher(readFileSync(path));
  }

  async encrypt(plaintext: string, context: { connectionId: string }): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context.connectionId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  async decrypt(ciphertext: string, context: { connectionId: string }): Promise<string> {
    const parts = ciphertext.split(':');
    const [version, iv, tag, body] = parts;
    if (
      parts.length !== 4 ||
      version !== VERSION ||
      iv === undefined ||
      tag === undefined ||
      body === undefined
    ) {
      throw new CredentialCipherError(`Unrecognized credential ciphertext for ${context.connectionId}`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context.connectionId, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch (error) {
      // Wrong key, wrong connection or tampered data: GCM cannot tell them apart, and neither should we.
      throw new CredentialCipherError(`Cannot decrypt the credential of ${context.connectionId}`, {
        cause: error,
      });
    }
  }
}
