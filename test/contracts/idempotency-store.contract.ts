/** The IdempotencyStore contract: claims, replays and releases. */
import { describe, expect, it } from 'vitest';
import { at, freshId, type StoresUnderTest, T0 } from './support.js';

const IN_PROGRESS_MS = 60_000;
const TTL_SECONDS = 86_400;

export const idempotencyStoreContract = (stores: StoresUnderTest) =>
  describe('IdempotencyStore contract', () => {
    const claim = (key: string, bodyHash: string, now = T0) =>
      stores().idempotency.claim({
        key,
        bodyHash,
        now,
        inProgressMs: IN_PROGRESS_MS,
        ttlSeconds: TTL_SECONDS,
      });

    it('claims a new key; the same body then is in progress, another body a mismatch', async () => {
      const key = freshId('key');
      expect(await claim(key, 'h1')).toEqual({ status: 'claimed' });
      expect(await claim(key, 'h1', at(1_000))).toEqual({ status: 'in_progress' });
      expect(await claim(key, 'h2', at(1_000))).toEqual({ status: 'mismatch' });
    });

    it('replays a completed answer as JSON would carry it', async () => {
      const key = freshId('key');
      await claim(key, 'h1');
      await stores().idempotency.complete({
        key,
        response: {
          statusCode: 200,
          body: { orderId: 'A1', skipped: undefined, nested: { n: 1.5, list: [1, 'x'] } },
        },
      });
      const replay = await claim(key, 'h1', at(5_000));
      expect(replay.status).toBe('completed');
      if (replay.status !== 'completed') return;
      expect(replay.record).toMatchObject({
        key,
        bodyHash: 'h1',
        status: 'COMPLETED',
        inProgressExpiresAt: T0.getTime() + IN_PROGRESS_MS,
        expiresAt: Math.floor(T0.getTime() / 1000) + TTL_SECONDS,
      });
      expect(replay.record.response).toStrictEqual({
        statusCode: 200,
        body: { orderId: 'A1', nested: { n: 1.5, list: [1, 'x'] } },
      });
      expect(await claim(key, 'h2', at(5_000))).toEqual({ status: 'mismatch' });
    });

    it('releases an in-progress claim (a retry claims again), never a completed one', async () => {
      const key = freshId('key');
      await claim(key, 'h1');
      await stores().idempotency.release(key);
      expect(await claim(key, 'h1', at(1_000))).toEqual({ status: 'claimed' });
      await stores().idempotency.complete({ key, response: { statusCode: 422, body: { code: 'DECLINED' } } });
      await stores().idempotency.release(key);
      expect((await claim(key, 'h1', at(2_000))).status).toBe('completed');
      await expect(stores().idempotency.release(freshId('missing'))).resolves.toBeUndefined();
    });

    it('takes over a claim whose request crashed (in progress for too long)', async () => {
      const key = freshId('key');
      await claim(key, 'h1');
      expect(await claim(key, 'h2', at(IN_PROGRESS_MS))).toEqual({ status: 'mismatch' });
      expect(await claim(key, 'h2', at(IN_PROGRESS_MS + 1))).toEqual({ status: 'claimed' });
    });

    it('replaces a record past its TTL, even a completed one', async () => {
      const key = freshId('key');
      await claim(key, 'h1');
      await stores().idempotency.complete({ key, response: { statusCode: 200, body: {} } });
      expect(await claim(key, 'h1', at((TTL_SECONDS + 2) * 1000))).toEqual({ status: 'claimed' });
    });

    it('refuses to complete a key that has no record', async () => {
      await expect(
        stores().idempotency.complete({ key: freshId('missing'), response: { statusCode: 200, body: {} } }),
      ).rejects.toThrow(/no longer exists/);
    });
  });
