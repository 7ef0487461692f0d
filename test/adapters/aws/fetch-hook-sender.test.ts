import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchHookSender, parseRetryAfter } from '../../../functions/adapters/http/fetch-hook-sender.js';
import { freePort } from '../../../local/dynamodb/dynamodb-local.js';
import { type HookReceiver, startHookReceiver } from '../../../local/runtime/hook-receiver.js';

let receiver: HookReceiver;
beforeAll(async () => {
  receiver = await startHookReceiver();
});
afterAll(async () => receiver.close());

describe('FetchHookSender (real HTTP)', () => {
  const sender = new FetchHookSender(500);

  it('POSTs one JSON object with our headers and reports the status', async () => {
    const result = await sender.post(
      receiver.hook('/ok'),
      { id: 'NEW_SALE-1', n: 1 },
      { 'webhook-id': 'NEW_SALE-1' },
    );
    expect(result).toEqual({ kind: 'status', status: 200, retryAfterSeconds: undefined });
    const hook = receiver.received.find((h) => h.path === '/ok');
    expect(hook?.body).toEqual({ id: 'NEW_SALE-1', n: 1 });
    expect(hook?.headers['content-type']).toBe('application/json');
    expect(hook?.headers['webhook-id']).toBe('NEW_SALE-1');
  });

  it('reports 410 and 429 with Retry-After', async () => {
    receiver.script('/gone', { status: 410 });
    receiver.script('/busy', { status: 429, retryAfter: 7 });
    expect(await sender.post(receiver.hook('/gone'), {}, {})).toMatchObject({ status: 410 });
    expect(await sender.post(receiver.hook('/busy'), {}, {})).toEqual({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 7,
    });
  });

  it('times out a slow hook after the attempt timeout', async () => {
    receiver.script('/slow', { status: 200, delayMs: 2_000 });
    expect(await sender.post(receiver.hook('/slow'), {}, {})).toEqual({ kind: 'timeout' });
  });

  it('reports a refused connection as a network failure', async () => {
    const port = await freePort();
    const result = await sender.post(`http://127.0.0.1:${port}/x`, {}, {});
    expect(result.kind).toBe('network');
  });

  it('does not follow redirects (a 3xx is a failure, never a way to reach another host)', async () => {
    let followed = false;
    const target = createServer((_req, res) => {
      followed = true;
      res.end();
    });
    const redirector = createServer((_req, res) => {
      res.writeHead(307, { location: `http://127.0.0.1:${(target.address() as { port: number }).port}/` });
      res.end();
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', () => r()));
    const result = await sender.post(
      `http://127.0.0.1:${(redirector.address() as { port: number }).port}/`,
      {},
      {},
    );
    expect(result).toMatchObject({ kind: 'status', status: 307 });
    expect(followed).toBe(false);
    target.close();
    redirector.close();
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(new Date(Date.UTC(2026, 0, 1, 0, 1)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(
      60,
    );
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
