import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CredentialCipherError, LocalCredentialCipher } from '../../../functions/adapters/crypto/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cipher-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const context = { connectionId: 'c_0123456789abcdef01234567' };

describe('LocalCredentialCipher', () => {
  it('creates a 32-byte key file readable by its owner only, in missing directories', () => {
    const path = join(dir, 'nested', 'data', 'credential.key');
    LocalCredentialCipher.fromKeyFile(path);
    expect(readFileSync(path)).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('round-trips, with a fresh IV each time and no plaintext in the output', async () => {
    const cipher = LocalCredentialCipher.fromKeyFile(join(dir, 'k'));
    const a = await cipher.encrypt('fake-password-123', context);
    const b = await cipher.encrypt('fake-password-123', context);
    expect(a).toMatch(/^v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('fake-password');
    await expect(cipher.decrypt(a, context)).resolves.toBe('fake-password-123');
    await expect(cipher.decrypt(b, context)).resolves.toBe('fake-password-123');
  });

  it('reuses an existing key file: another instance decrypts what the first encrypted', async () => {
    const path = join(dir, 'k');
    const ciphertext = await LocalCredentialCipher.fromKeyFile(path).encrypt('fake-pw', context);
    await expect(LocalCredentialCipher.fromKeyFile(path).decrypt(ciphertext, context)).resolves.toBe(
      'fake-pw',
    );
  });

  it('fails on another connection (AAD), a tampered ciphertext or tag, and another key', async () => {
    const cipher = LocalCredentialCipher.fromKeyFile(join(dir, 'k'));
    const ciphertext = await cipher.encrypt('fake-pw', context);
    await expect(cipher.decrypt(ciphertext, { connectionId: 'c_other' })).rejects.toBeInstanceOf(
      CredentialCipherError,
    );

    const [version, iv, tag, body] = ciphertext.split(':') as [string, string, string, string];
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      return bytes.toString('base64url');
    };
    await expect(cipher.decrypt([version, iv, tag, flip(body)].join(':'), context)).rejects.toThrow(
      CredentialCipherError,
    );
    await expect(cipher.decrypt([version, iv, flip(tag), body].join(':'), context)).rejects.toThrow(
      CredentialCipherError,
    );
    await expect(cipher.decrypt([version, flip(iv), tag, body].join(':'), context)).rejects.toThrow(
      CredentialCipherError,
    );
    await expect(cipher.decrypt('v2:a:b:c', context)).rejects.toThrow(/Unrecognized/);
    await expect(cipher.decrypt('not-a-ciphertext', context)).rejects.toThrow(CredentialCipherError);

    const otherKey = LocalCredentialCipher.fromKeyFile(join(dir, 'other'));
    await expect(otherKey.decrypt(ciphertext, context)).rejects.toBeInstanceOf(CredentialCipherError);
  });

  it('refuses a key file of the wrong size', () => {
    const path = join(dir, 'short');
    writeFileSync(path, Buffer.alloc(16));
    expect(() => LocalCredentialCipher.fromKeyFile(path)).toThrow(/32 bytes/);
  });
});
