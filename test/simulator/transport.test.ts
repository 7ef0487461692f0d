import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../local/simulator/index.js';
import {
  api,
  asEnvelope,
  BUYER,
  DEMO,
  errorMessage,
  type Mode,
  send,
  startTestSim,
  successObject,
  successPage,
} from './helpers.js';

describe('simulator transport and envelope', () => {
  let sim: RunningSimulator;
  let leadId: string;

  beforeAll(async () => {
    sim = await startTestSim({ seed: 11, clock: { now: '2026-05-05T15:00:00Z' } });
    const lead = successObject(sim.sim.createLead({ ...BUYER }));
    leadId = String(lead.orderId);
  });
  afterAll(() => sim.close());

  it('answers SUCCESS and ERROR alike with HTTP 200, Content-Type application/json and exactly {result, message}', async () => {
    const ok = await send(sim.url, '/order/query/', { ...DEMO, orderId: leadId }, 'get');
    expect(asEnvelope(ok).result).toBe('SUCCESS');
    const bad = await send(sim.url, '/order/query/', { loginId: 'nobody', password: 'x' }, 'get');
    expect(asEnvelope(bad)).toEqual({ result: 'ERROR', message: 'Could not authenticate credentials' });
  });

  it('returns the list envelope with queryArgs echoing the effective arguments', async () => {
    const page = successPage(await api(sim.url, '/order/query/', { orderId: leadId }));
    expect(page).toMatchObject({ totalResults: 1, resultsPerPage: 25, page: 1, params: null, errors: null });
    expect(page.sortBy).toBe('dateCreated');
    expect(page.sortDir).toBe(1);
    expect(page.queryArgs).toEqual({
      page: 1,
      sortDir: 1,
      resultsPerPage: 25,
      sortBy: 'dateCreated',
      dateRangeType: 'dateCreated',
      orderId: leadId,
    });
  });

  it.each([
    '/order/query',
    '/transactions/query',
    '/leads/import',
    '/Order/Query/',
    '/ORDER/QUERY/',
    '/order//query/',
    '/order/query/extra/',
    '/nope/',
    '/',
  ])('answers 404 with a short non-JSON body on %s', async (path) => {
    const answer = await send(sim.url, path, { ...DEMO, orderId: leadId }, 'get');
    expect(answer.status).toBe(404);
    expect(answer.contentType).not.toContain('json');
    expect(answer.text.length).toBeLessThan(40);
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it.each<Mode>(['get', 'post-query', 'form', 'multipart', 'json'])(
    'accepts parameters sent as %s',
    async (mode) => {
      const page = successPage(await api(sim.url, '/order/query/', { orderId: leadId }, mode));
      expect(page.data[0]?.orderId).toBe(leadId);
    },
  );

  it('merges the query string and the body, and the body wins', async () => {
    const answer = await fetch(
      `${sim.url}/order/query/?loginId=${DEMO.loginId}&password=wrong-password&orderId=${leadId}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password: DEMO.password }).toString(),
      },
    );
    const page = successPage(
      asEnvelope({
        status: answer.status,
        contentType: answer.headers.get('content-type'),
        text: await answer.text(),
      }),
    );
    expect(page.data[0]?.orderId).toBe(leadId);
  });

  it('treats JSON booleans as 1/0 and ignores unknown parameters', async () => {
    const answer = await api(sim.url, '/leads/import/', {}, 'json');
    // Empty JSON still authenticates (credentials come from api()) and fails validation on campaignId.
    expect(errorMessage(answer)).toEqual({ campaignId: 'is a required field' });
    const raw = await fetch(`${sim.url}/leads/import/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        ...DEMO,
        ...BUYER,
        campaignId: 1,
        billShipSame: false,
        shipAddress1: '9 Ship St',
        whatever: { a: 1 },
      }),
    });
    const lead = successObject(
      asEnvelope({
        status: raw.status,
        contentType: raw.headers.get('content-type'),
        text: await raw.text(),
      }),
    );
    expect(lead.billShipSame).toBe(false);
    expect(lead.shipAddress1).toBe('9 Ship St');
  });

  it('answers a malformed JSON body with an ERROR sentence, not a stack trace', async () => {
    for (const body of ['{"loginId": ', '[1,2,3]', '"just a string"', 'null']) {
      const answer = await fetch(`${sim.url}/order/query/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      const envelope = asEnvelope({
        status: answer.status,
        contentType: answer.headers.get('content-type'),
        text: await answer.text(),
      });
      const message = errorMessage(envelope);
      expect(typeof message).toBe('string');
      expect(String(message)).toMatch(/^Malformed JSON body/);
      expect(String(message)).not.toMatch(/\bat .*:\d+/);
    }
  });

  it('ignores a body of an unknown content type, like PHP', async () => {
    const answer = await fetch(
      `${sim.url}/order/query/?${new URLSearchParams({ ...DEMO, orderId: leadId })}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: 'password=wrong',
      },
    );
    const page = successPage(
      asEnvelope({
        status: answer.status,
        contentType: answer.headers.get('content-type'),
        text: await answer.text(),
      }),
    );
    expect(page.totalResults).toBe(1);
  });

  it('refuses an oversized body with an ERROR envelope', async () => {
    const answer = await send(sim.url, '/order/query/', { ...DEMO, filler: 'x'.repeat(1_100_000) }, 'form');
    expect(asEnvelope(answer)).toEqual({ result: 'ERROR', message: 'Request body too large' });
    // The server is still there.
    expect((await api(sim.url, '/order/query/', { orderId: leadId })).result).toBe('SUCCESS');
  });
});
