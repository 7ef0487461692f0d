/** The runtime's /_ops routes: loopback callers only, validated input, and the bus archive they replay from. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { DetectedEvent } from '../../functions/core/model.js';
import { LocalEventArchive } from '../../local/queue/local-event-archive.js';
import { LocalQueue } from '../../local/queue/local-queue.js';
import { ActivityLog } from '../../local/runtime/activity.js';
import { handleOpsRoute, isLoopback, type OpsContext } from '../../local/runtime/ops-routes.js';
import { createFakes } from '../support/fakes.js';
import { RecordingDeliveryQueue } from '../support/trigger-fakes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const request = (method: string, remoteAddress: string, body = '') =>
  Object.assign(Readable.from(body ? [Buffer.from(body)] : []), {
    method,
    socket: { remoteAddress },
  }) as unknown as IncomingMessage;
const response = () => {
  const captured = { status: 0, body: '' };
  const res = {
    writeHead: (status: number) => {
      captured.status = status;
      return res;
    },
    end: (text: string) => {
      captured.body = text;
    },
  } as unknown as ServerResponse;
  return { res, captured };
};

const context = (): OpsContext => {
  const fakes = createFakes('2026-11-25T12:00:00.000Z');
  return {
    stores: fakes as unknown as OpsContext['stores'],
    queues: {
      deliveries: new LocalQueue({ name: 'deliveries', visibilityTimeoutMs: 30_000 }),
      deadLetters: new LocalQueue({ name: 'dead-letters', visibilityTimeoutMs: 30_000 }),
    },
    deliveryQueue: new RecordingDeliveryQueue(),
    archive: new LocalEventArchive(),
    activity: new ActivityLog('json', () => undefined),
    clock: fakes.clock,
  };
};

const call = async (method: string, path: string, remote = '127.0.0.1', body = '') => {
  const { res, captured } = response();
  const handled = await handleOpsRoute(
    request(method, remote, body),
    res,
    new URL(path, 'http://127.0.0.1'),
    context(),
  );
  return { handled, status: captured.status, body: captured.body ? JSON.parse(captured.body) : undefined };
};

describe('ops routes', () => {
  it('answer loopback callers only', async () => {
    expect(['127.0.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect([undefined, '10.0.0.5', '::ffff:192.168.1.2'].some(isLoopback)).toBe(false);
    expect(await call('GET', '/_ops/connections', '192.168.1.20')).toMatchObject({
      handled: true,
      status: 403,
    });
    expect(await call('GET', '/_ops/connections')).toMatchObject({ status: 200, body: { connections: [] } });
    expect((await call('GET', '/not-ops')).handled).toBe(false);
  });

  it('validate their input, naming the field', async () => {
    expect(await call('GET', '/_ops/dead-letters?queue=poll')).toMatchObject({
      status: 400,
      body: {
        message:
          'queue: the local runtime has only the delivery dead-letter queue (polls are retried by the next tick)',
      },
    });
    expect(await call('POST', '/_ops/dead-letters/redrive', '127.0.0.1', '{"max":-1}')).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/^max: /) },
    });
    expect(await call('POST', '/_ops/replay', '127.0.0.1', 'not json')).toMatchObject({
      status: 400,
      body: { message: 'request body is not JSON' },
    });
    expect(await call('POST', '/_ops/connections/nope/retest')).toMatchObject({
      status: 404,
      body: { message: 'No connection nope' },
    });
  });
});

describe('LocalEventArchive', () => {
  const event = (eventId: string, detectedAt: string): DetectedEvent => ({
    eventId,
    connectionId: 'c_1',
    trigger: 'order',
    type: 'NEW_SALE',
    recordId: eventId,
    occurredAt: detectedAt,
    detectedAt,
    payload: { id: eventId, event: 'order.new_sale', occurredAt: detectedAt, connection: 'c' },
  });
  const all = async (archive: LocalEventArchive) => {
    const found: string[] = [];
    const query = {
      from: new Date(0),
      to: new Date('2100-01-01'),
      connectionId: 'c_1',
      trigger: 'order' as const,
      type: 'NEW_SALE' as const,
    };
    for await (const batch of archive.events(query)) found.push(...batch.map((e) => e.eventId));
    return found;
  };

  it('keeps events across restarts, drops those past retention and lines cut short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kz-archive-'));
    dirs.push(dir);
    const now = Date.parse('2026-12-01T00:00:00Z');
    const first = new LocalEventArchive({ dataDir: dir, now: () => now });
    first.append([event('old', '2026-10-01T00:00:00.000Z'), event('new', '2026-11-30T00:00:00.000Z')]);
    first.close();
    writeFileSync(join(dir, 'event-archive.jsonl'), '{"eventId":"cut', { flag: 'a' });
    const second = new LocalEventArchive({ dataDir: dir, now: () => now });
    expect(await all(second)).toEqual(['new']);
    second.append([event('later', '2026-11-30T01:00:00.000Z')]);
    expect(await all(second)).toEqual(['new', 'later']);
    second.close();
  });
});
