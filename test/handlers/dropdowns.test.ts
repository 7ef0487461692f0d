/**
 * GET /campaigns and GET /campaigns/{campaignId}/products through the real middy chain.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { CampaignCache } from '../../functions/core/dropdowns/campaign-cache.js';
import type { CachedCampaign } from '../../functions/core/dropdowns/list-campaigns.js';
import {
  KonnektiveAuthError,
  KonnektiveNotWhitelistedError,
  KonnektivePermissionError,
  KonnektiveTransientError,
} from '../../functions/core/konnektive.js';
import { createSession } from '../../functions/core/session/create-session.js';
import { createSessionRequestSchema } from '../../functions/core/session/schemas.js';
import { createListCampaignProductsHandler } from '../../functions/handlers/list-campaign-products.js';
import { createListCampaignsHandler } from '../../functions/handlers/list-campaigns.js';
import { createAuthenticator } from '../../functions/platform/http.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';
import { createFakes, type Fakes } from '../support/fakes.js';

const EGRESS = ['203.0.113.10'];

let fakes: Fakes;
let token: string;
let cache: CampaignCache<CachedCampaign[]>;

beforeEach(async () => {
  fakes = createFakes();
  fakes.konnektive.campaigns = Array.from({ length: 60 }, (_, i) => ({
    campaignId: i + 1,
    campaignName: `Campaign ${i + 1}`,
    products: [{ campaignProductId: (i + 1) * 100, name: `Product of ${i + 1}`, price: '19.99' }],
  }));
  token = (
    await createSession(
      { ...fakes, egressIps: EGRESS },
      createSessionRequestSchema.parse({ loginId: 'dropdown-user', password: 'fake-pass-3' }),
    )
  ).token;
  fakes.konnektive.calls.length = 0;
  cache = new CampaignCache({ clock: fakes.clock });
});

const deps = () => ({
  ...fakes,
  cache,
  authenticate: createAuthenticator({ tokens: fakes.tokens, connections: fakes.connections }),
  egressIps: EGRESS,
});

/** `bearer` null sends no Authorization header. */
const listCampaigns = (query: Record<string, string> = {}, bearer: string | null = token) =>
  createListCampaignsHandler(deps())(
    apiEvent({ method: 'GET', path: '/campaigns', query, ...(bearer === null ? {} : { token: bearer }) }),
    lambdaContext(),
  );
const listProducts = (campaignId: string) =>
  createListCampaignProductsHandler(deps())(
    apiEvent({
      method: 'GET',
      path: `/campaigns/${campaignId}/products`,
      routeKey: 'GET /campaigns/{campaignId}/products',
      pathParameters: { campaignId },
      token,
    }),
    lambdaContext(),
  );

const expectError = (result: { statusCode?: number; body?: string }, statusCode: number, code: string) => {
  expect(result.statusCode).toBe(statusCode);
  const body = bodyOf(result);
  expect(body.code).toBe(code);
  return body;
};

describe('GET /campaigns', () => {
  it('pages of {id, name} with nextPage, served from the per-connection cache', async () => {
    const first = await listCampaigns();
    expect(first.statusCode).toBe(200);
    const body = bodyOf(first) as { campaigns: Array<{ id: number; name: string }>; nextPage: number | null };
    expect(body.campaigns).toHaveLength(50);
    expect(body.campaigns[0]).toEqual({ id: 1, name: 'Campaign 1' });
    expect(body.nextPage).toBe(1);
    const second = bodyOf(await listCampaigns({ page: '1' })) as typeof body;
    expect(second.campaigns.map((c) => c.id)).toEqual([51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
    expect(second.nextPage).toBeNull();
    expect(fakes.konnektive.callsTo('queryCampaigns')).toHaveLength(1);
  });

  it('401 without a token; 422 for a bad page; 403 and 503 from Konnektive', async () => {
    expectError(await listCampaigns({}, null), 401, 'UNAUTHORIZED');
    const invalid = expectError(await listCampaigns({ page: 'last' }), 422, 'VALIDATION_FAILED');
    expect(invalid.fields).toHaveProperty('page');

    fakes.konnektive.failNext(
      'queryCampaigns',
      new KonnektivePermissionError('denied', 'campaign/query', 'Query Campaigns'),
    );
    expect(expectError(await listCampaigns(), 403, 'PERMISSION_DENIED').message as string).toContain(
      'Query Campaigns',
    );
    fakes.konnektive.failNext(
      'queryCampaigns',
      new KonnektiveNotWhitelistedError(
        'IP must be whitelisted - 198.51.100.7',
        'campaign/query',
        '198.51.100.7',
      ),
    );
    expect(expectError(await listCampaigns(), 403, 'IP_NOT_WHITELISTED').message as string).toContain(
      '203.0.113.10',
    );
    fakes.konnektive.failNext('queryCampaigns', new KonnektiveTransientError('down', 'campaign/query'));
    const unavailable = await listCampaigns();
    expectError(unavailable, 503, 'KONNEKTIVE_UNAVAILABLE');
    expect(unavailable.headers?.['Retry-After']).toBeDefined();
  });

  it('403 CREDENTIALS_REJECTED when Konnektive rejects the stored password', async () => {
    fakes.konnektive.failNext(
      'queryCampaigns',
      new KonnektiveAuthError('Could not authenticate credentials', 'campaign/query'),
    );
    expectError(await listCampaigns(), 403, 'CREDENTIALS_REJECTED');
  });
});

describe('GET /campaigns/{campaignId}/products', () => {
  it('{products: [{id: campaignProductId, name, price}]}; unknown campaign → 404', async () => {
    const result = await listProducts('7');
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ products: [{ id: 700, name: 'Product of 7', price: '19.99' }] });
    expectError(await listProducts('9999'), 404, 'NOT_FOUND');
  });
});
