import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../local/simulator/index.js';
import { api, BUYER, DEMO, send, startTestSim } from './helpers.js';

const QUERY = { ...DEMO, campaignId: 1 };

describe('simulator fault injection', () => {
  let running: RunningSimulator | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('answers HTTP 500/502/503 with a non-JSON body at errorRate 1, leaving /_sim/ alone', async () => {
    running = await startTestSim({ faults: { errorRate: 1 } });
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const answer = await send(running.url, '/campaign/query/', QUERY, 'get');
      statuses.add(answer.status);
      expect(() => JSON.parse(answer.text)).toThrow();
    }
    expect([...statuses].sort()).toEqual([500, 502, 503]);
    const status = await fetch(`${running.url}/_sim/status`);
    expect(status.status).toBe(200);
    expect(running.sim.requestLog().every((r) => r.result === 'FAULT_ERROR')).toBe(true);
  });

  it('answers HTTP 200 with an HTML page at garbageRate 1', async () => {
    running = await startTestSim({ faults: { garbageRate: 1 } });
    const answer = await send(running.url, '/campaign/query/', QUERY, 'get');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toContain('text/html');
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it('holds a request past the client timeout at hangRate 1, and close() ends the hung connection', async () => {
    running = await startTestSim({ faults: { hangRate: 1, hangMs: 60_000 } });
    await expect(
      fetch(`${running.url}/campaign/query/?${new URLSearchParams(DEMO)}`, {
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    const { port } = running;
    // A raw request that nobody aborts: close() must end it rather than wait 60 s.
    const ended = new Promise<string>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: `/campaign/query/?${new URLSearchParams(DEMO)}` },
        (res) => {
          res.resume();
          res.on('end', () => resolve('answered'));
        },
      );
      req.on('error', () => resolve('connection closed'));
      req.end();
    });
    await expect.poll(() => running?.sim.requestLog().length).toBe(2);
    await running.close();
    running = undefined;
    expect(await ended).toBe('connection closed');
  });

  it('answers a hung request normally after hangMs', async () => {
    running = await startTestSim({ faults: { hangRate: 1, hangMs: 150 } });
    const envelope = await api(running.url, '/campaign/query/', { campaignId: 1 });
    expect(envelope.result).toBe('SUCCESS');
    expect(running.sim.requestLog()[0]).toMatchObject({ result: 'SUCCESS', status: 200 });
  });

  it('adds latencyMs to every call', async () => {
    running = await startTestSim({ faults: { latencyMs: 250 } });
    const started = performance.now();
    expect((await api(running.url, '/campaign/query/', {})).result).toBe('SUCCESS');
    // A lower bound only: the call cannot be faster than the injected latency.
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('limits faults to the named endpoints', async () => {
    running = await startTestSim({ faults: { errorRate: 1, endpoints: ['order/query'] } });
    expect(
      (await send(running.url, '/order/query/', { ...DEMO, orderId: 'X' }, 'get')).status,
    ).toBeGreaterThanOrEqual(500);
    expect((await api(running.url, '/campaign/query/', {})).result).toBe('SUCCESS');
  });

  it('can apply the fault after processing: the write happened though the caller saw a 5xx', async () => {
    running = await startTestSim({ faults: { errorRate: 1, afterProcessing: true } });
    const answer = await send(running.url, '/leads/import/', { ...DEMO, campaignId: 1, ...BUYER });
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(running.sim.listOrders()).toHaveLength(1);
  });

  it('draws faults deterministically for a seed', async () => {
    const sequence = async (seed: number) => {
      const sim = await startTestSim({ seed, faults: { errorRate: 0.3, garbageRate: 0.3 } });
      try {
        const out: string[] = [];
        for (let i = 0; i < 25; i++) {
          const answer = await send(sim.url, '/campaign/query/', QUERY, 'get');
          out.push(`${answer.status}:${answer.contentType?.split(';')[0]}`);
        }
        return out;
      } finally {
        await sim.close();
      }
    };
    const first = await sequence(4);
    expect(await sequence(4)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('sets faults over /_sim/faults and validates them', async () => {
    running = await startTestSim();
    const set = await fetch(`${running.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ garbageRate: 1 }),
    });
    expect(await set.json()).toMatchObject({ garbageRate: 1, errorRate: 0 });
    expect((await send(running.url, '/campaign/query/', QUERY, 'get')).contentType).toContain('text/html');
    for (const bad of [
      { errorRate: 1.5 },
      { hangMs: -1 },
      { errorRate: 0.8, garbageRate: 0.8 },
      { bogus: 1 },
    ]) {
      const answer = await fetch(`${running.url}/_sim/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(bad),
      });
      expect(answer.status).toBe(400);
    }
    running.sim.setFaults({ garbageRate: 0 });
    expect((await api(running.url, '/campaign/query/', {})).result).toBe('SUCCESS');
  });
});
