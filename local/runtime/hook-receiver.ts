/**
 * A local stand-in for hooks.zapier.com: records every POST and answers what it is told (200 by default, or a
 * scripted status / delay per path). Used by the demo and by tests.
 */
import { createServer, type Server } from 'node:http';

export interface ReceivedHook {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** Epoch ms the request arrived. */
  receivedAt: number;
  status: number;
}

export interface HookReceiver {
  url: string;
  /** Hook URL for one subscriber path, e.g. `hook('/new-sale')`. */
  hook(path: string): string;
  /** Requests answered completely (a request whose answer never completed — sender killed — is not counted). */
  received: ReceivedHook[];
  /** Requests being held (scripted delay) right now, at `path` or at all paths. */
  pending(path?: string): number;
  /** Next answers for `path` (status, optional Retry-After, optional delay), consumed in order; then 200. */
  script(path: string, ...answers: Array<{ status: number; retryAfter?: number; delayMs?: number }>): void;
  /** Resolves once `predicate` holds for the received list (polled), or rejects after `timeoutMs`. */
  waitFor(predicate: (received: ReceivedHook[]) => boolean, timeoutMs?: number): Promise<void>;
  onReceive?: ((hook: ReceivedHook) => void) | undefined;
  close(): Promise<void>;
}

export const startHookReceiver = async (port = 0): Promise<HookReceiver> => {
  const received: ReceivedHook[] = [];
  const scripts = new Map<string, Array<{ status: number; retryAfter?: number; delayMs?: number }>>();
  const pending = new Map<string, number>();
  const hold = (path: string, by: number) => pending.set(path, (pending.get(path) ?? 0) + by);
  const server: Server = createServer((request, response) => {
    // When the request arrived (before its body is read or any scripted delay): what a rate limit at Zapier counts.
    const arrivedAt = Date.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const answer = scripts.get(path)?.shift() ?? { status: 200 };
      const respond = () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = Buffer.concat(chunks).toString('utf8');
        }
        const hook = { path, headers: request.headers, body, receivedAt: arrivedAt, status: answer.status };
        response.once('finish', () => {
          received.push(hook);
          receiver.onReceive?.(hook);
        });
        if (request.socket.destroyed) return;
        response.writeHead(answer.status, {
          'content-type': 'application/json',
          ...(answer.retryAfter !== undefined ? { 'retry-after': String(answer.retryAfter) } : {}),
        });
        response.end(JSON.stringify({ status: answer.status === 200 ? 'success' : 'error' }));
      };
      if (answer.delayMs) {
        hold(path, 1);
        setTimeout(() => {
          hold(path, -1);
          respond();
        }, answer.delayMs);
      } else {
        respond();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  const receiver: HookReceiver = {
    url,
    hook: (path) => `${url}${path.startsWith('/') ? path : `/${path}`}`,
    received,
    pending: (path) =>
      path === undefined
        ? [...pending.values()].reduce((sum, count) => sum + count, 0)
        : (pending.get(path) ?? 0),
    script: (path, ...answers) => scripts.set(path, answers),
    waitFor: async (predicate, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`hook receiver: condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
};
