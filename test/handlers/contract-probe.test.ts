/**
 * `POST /contract-probe` through the real middy chain and the factory the Lambda entry uses: authenticated, read-only,
 * findings stored with the connection, Konnektive refusals mapped like every other route.
 */
import type { Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { KonnektiveAuthError } from '../../functions/core/konnektive.js';
import { tokenHashOf } from '../../functions/core/session/create-session.js';
import { HANDLER_FACTORIES } from '../../functions/handlers/index.js';
import { apiEvent, lambdaContext } from '../support/api-gateway.js';
import { fakeContainer } from '../support/fake-container.js';
import { createFakes, type Fakes, order } from '../support/fakes.js';

let fakes: Fakes;
type Handler = (event: unknown, context: Context) => Promise<{ statusCode: number; body?: string }>;
const probe = (token?: string) =>
  (HANDLER_FACTORIES['probe-contract'](fakeContainer(fakes)) as Handler)(
    apiEvent({ method: 'POST', path: '/contract-probe', ...(token ? { token } : {}) }),
    lambdaContext(28_000),
  );

beforeEach(async () => {
  fakes = createFakes('2026-11-25T12:00:00.000Z');
  await fakes.connections.upsert(
    {
      connectionId: 'c1',
      loginId: 'merchant',
      encryptedPassword: await fakes.cipher.encrypt('pw', { connectionId: 'c1' }),
      timeZone: 'UTC',
      label: 'merchant',
      status: 'active',
    },
    fakes.clock.now(),
  );
  await fakes.tokens.put({
    tokenHash: tokenHashOf('t1'),
    connectionId: 'c1',
    createdAt: '2026-11-25T11:00:00.000Z',
  });
  for (let h = 1; h < 10; h++) fakes.konnektive.orders.push(order({ dateCreated: `2026-11-24 0${h}:15:00` }));
});

describe('POST /contract-probe', () => {
  it('needs a token', async () => {
    expect((await probe()).statusCode).toBe(401);
    expect(fakes.konnektive.calls).toHaveLength(0);
  });

  it('answers the findings per unknown with what the poller will do, stores them, and only reads', async () => {
    const response = await probe('t1');
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body ?? '{}') as {
      contract: Record<string, { variant: string }>;
      poller: object;
    };
    for (const unknown of ['timeFilters', 'sorting', 'dateUpdated', 'emptyTexts', 'permissions', 'refunds']) {
      expect(body.contract[unknown]?.variant, unknown).toEqual(expect.any(String));
    }
    expect(body.poller).toMatchObject({ 'read strategy (orders and transactions)': expect.any(String) });
    expect((await fakes.connections.get('c1'))?.contract).toEqual(body.contract);
    expect(fakes.konnektive.calls.every((call) => call.method.startsWith('query'))).toBe(true);
  });

  it('maps a refused stored password like every other route, and marks the connection invalid', async () => {
    fakes.konnektive.failAlways(
      'queryOrders',
      new KonnektiveAuthError('Could not authenticate credentials', 'order/query'),
    );
    const response = await probe('t1');
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    expect((await fakes.connections.get('c1'))?.status).toBe('invalid');
    expect((await fakes.connections.get('c1'))?.contract).toBeUndefined();
  });
});
