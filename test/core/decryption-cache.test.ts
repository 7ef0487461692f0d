/**
 * The per-container decryption cache: one KMS call per connection per TTL instead of one per poll; never stale across
 * a reconnect; failures not kept; bounded.
 */
import { describe, expect, it } from 'vitest';
import { cachingDecryption } from '../../functions/core/konnektive-access.js';
import type { CredentialCipher } from '../../functions/core/ports.js';
import { FakeClock, FakeCredentialCipher } from '../support/fakes.js';

const counting = () => {
  const inner = new FakeCredentialCipher();
  const calls: string[] = [];
  let failNext = 0;
  const cipher: CredentialCipher & { calls: string[]; fail: () => void } = {
    calls,
    fail: () => {
      failNext += 1;
    },
    encrypt: (plaintext, context) => inner.encrypt(plaintext, context),
    decrypt: async (ciphertext, context) => {
      calls.push(context.connectionId);
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('KMS throttled');
      }
      return inner.decrypt(ciphertext, context);
    },
  };
  return { inner, cipher };
};

describe('cachingDecryption', () => {
  it('decrypts once per connection within the TTL, again after it', async () => {
    const clock = new FakeClock(new Date('2026-01-01T00:00:00Z'));
    const { cipher } = counting();
    const cached = cachingDecryption(cipher, { clock, ttlMs: 60_000 });
    const ciphertext = await cipher.encrypt('pw-one', { connectionId: 'c1' });
    const reads = await Promise.all([1, 2, 3].map(() => cached.decrypt(ciphertext, { connectionId: 'c1' })));
    expect(reads).toEqual(['pw-one', 'pw-one', 'pw-one']);
    clock.advance(59_000);
    expect(await cached.decrypt(ciphertext, { connectionId: 'c1' })).toBe('pw-one');
    expect(cipher.calls).toEqual(['c1']);
    clock.advance(2_000);
    expect(await cached.decrypt(ciphertext, { connectionId: 'c1' })).toBe('pw-one');
    expect(cipher.calls).toEqual(['c1', 'c1']);
  });

  it('a reconnect (new ciphertext) is decrypted afresh; another connection never gets the entry', async () => {
    const clock = new FakeClock(new Date('2026-01-01T00:00:00Z'));
    const { cipher } = counting();
    const cached = cachingDecryption(cipher, { clock });
    const before = await cipher.encrypt('old-pw', { connectionId: 'c1' });
    expect(await cached.decrypt(before, { connectionId: 'c1' })).toBe('old-pw');
    const after = await cipher.encrypt('new-pw', { connectionId: 'c1' });
    expect(await cached.decrypt(after, { connectionId: 'c1' })).toBe('new-pw');
    // The same ciphertext under another connection id goes to the cipher (which refuses it).
    await expect(cached.decrypt(after, { connectionId: 'c2' })).rejects.toThrow(/another connection/);
  });

  it('keeps no failure, and no more than maxEntries', async () => {
    const clock = new FakeClock(new Date('2026-01-01T00:00:00Z'));
    const { cipher } = counting();
    const cached = cachingDecryption(cipher, { clock, maxEntries: 2 });
    const c1 = await cipher.encrypt('pw', { connectionId: 'c1' });
    cipher.fail();
    await expect(cached.decrypt(c1, { connectionId: 'c1' })).rejects.toThrow('KMS throttled');
    expect(await cached.decrypt(c1, { connectionId: 'c1' })).toBe('pw');
    expect(cipher.calls).toEqual(['c1', 'c1']);
    for (const id of ['c2', 'c3']) {
      await cached.decrypt(await cipher.encrypt('pw', { connectionId: id }), { connectionId: id });
    }
    // c1 was the oldest of three: evicted.
    await cached.decrypt(c1, { connectionId: 'c1' });
    expect(cipher.calls).toEqual(['c1', 'c1', 'c2', 'c3', 'c1']);
  });
});
