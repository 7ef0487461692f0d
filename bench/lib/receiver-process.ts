/**
 * The benchmark's stand-in for hooks.zapier.com in a process of its own, as Zapier is not in ours: a hook receiver
 * (requests timed on their arrival at *its* event loop) plus a control port for the benchmark — `GET /count` and
 * `GET /received` (path, arrival, status, `webhook-timestamp` and payload `id` of every request, nothing else).
 * Prints `receiver <hooks URL> control <control URL>` when ready; SIGTERM stops it.
 */
import { createServer } from 'node:http';
import { startHookReceiver } from '../../local/runtime/hook-receiver.js';

const receiver = await startHookReceiver();
const control = createServer((request, response) => {
  const body =
    request.url === '/count'
      ? { count: receiver.received.length }
      : receiver.received.map((hook) => ({
          path: hook.path,
          receivedAt: hook.receivedAt,
          status: hook.status,
          webhookTimestamp: hook.headers['webhook-timestamp'],
          id: (hook.body as { id?: unknown }).id,
        }));
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
});
control.listen(0, '127.0.0.1', () => {
  const address = control.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`receiver ${receiver.url} control http://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => {
  control.close();
  void receiver.close().then(() => process.exit(0));
});
