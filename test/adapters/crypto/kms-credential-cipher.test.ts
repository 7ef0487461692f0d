import { DecryptCommand, EncryptCommand, KMSClient, KMSInvalidStateException } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialCipherError, KmsCredentialCipher } from '../../../functions/adapters/crypto/index.js';

const kms = mockClient(KMSClient);
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';

afterEach(() => kms.reset());

describe('KmsCredentialCipher', () => {
  it('encrypts under the key with the connection as encryption context, returning base64', async () => {
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Uint8Array.from([1, 2, 3, 250]) });
    const cipher = new KmsCredentialCipher(new KMSClient({ region: 'us-east-1' }), KEY);
    const ciphertext = await cipher.encrypt('fake-password', { connectionId: 'c_abc' });
    expect(ciphertext).toBe(Buffer.from([1, 2, 3, 250]).toString('base64'));
    const [call] = kms.commandCalls(EncryptCommand);
    expect(call?.args[0].input.KeyId).toBe(KEY);
    expect(call?.args[0].input.EncryptionContext).toEqual({ connectionId: 'c_abc' });
    expect(Buffer.from(call?.args[0].input.Plaintext ?? []).toString('utf8')).toBe('fake-password');
  });

  it('decrypts with the same encryption context and pins the key', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('fake-password', 'utf8') });
    const cipher = new KmsCredentialCipher(new KMSClient({ region: 'us-east-1' }), KEY);
    await expect(
      cipher.decrypt(Buffer.from([9, 9]).toString('base64'), { connectionId: 'c_abc' }),
    ).resolves.toBe('fake-password');
    const [call] = kms.commandCalls(DecryptCommand);
    expect(call?.args[0].input).toMatchObject({ KeyId: KEY, EncryptionContext: { connectionId: 'c_abc' } });
    expect(Buffer.from(call?.args[0].input.CiphertextBlob ?? [])).toEqual(Buffer.from([9, 9]));
  });

  it('wraps KMS failures (e.g. a context mismatch) without the plaintext in the message', async () => {
    kms.on(EncryptCommand).rejects(new KMSInvalidStateException({ message: 'disabled', $metadata: {} }));
    kms.on(DecryptCommand).rejects(new Error('InvalidCiphertextException'));
    const cipher = new KmsCredentialCipher(new KMSClient({ region: 'us-east-1' }), KEY);
    const encryptError = await cipher
      .encrypt('fake-password', { connectionId: 'c_abc' })
      .catch((e: unknown) => e);
    expect(encryptError).toBeInstanceOf(CredentialCipherError);
    expect((encryptError as Error).message).not.toContain('fake-password');
    expect((encryptError as Error).cause).toBeInstanceOf(KMSInvalidStateException);
    await expect(cipher.decrypt('AAAA', { connectionId: 'c_other' })).rejects.toBeInstanceOf(
      CredentialCipherError,
    );
  });
});
