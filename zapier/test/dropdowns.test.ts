import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { listCampaigns } from '../src/triggers/campaign-list.js';
import { listCampaignProducts } from '../src/triggers/campaign-product-list.js';
import { API, connectedAuth, only, record, SESSION_KEY, useFakeApi } from './support/api.js';
import { App, appTester, errorPayload, fn, rejection } from './support/app.js';

useFakeApi();

describe('campaign dropdown (hidden trigger campaign_list)', () => {
  it('asks for page 0 first and returns campaigns with string ids', async () => {
    const seen = record(
      nock(API)
        .get('/campaigns')
        .query({ page: '0' })
        .reply(200, {
          campaigns: [
            { id: 1, name: 'Sample Campaign A' },
            { id: 2, name: 'Sample Campaign B' },
          ],
          nextPage: 2,
        }),
    );

    const result = await appTester(listCampaigns, {
      authData: connectedAuth,
      meta: { isFillingDynamicDropdown: true, page: 0 },
    });

    expect(result).toEqual([
      { id: '1', name: 'Sample Campaign A' },
      { id: '2', name: 'Sample Campaign B' },
    ]);
    expect(only(seen).headers.get('authorization')).toBe(`Bearer ${SESSION_KEY}`);
  });

  it("passes Zapier's zero-based page on (the API counts from 0 too)", async () => {
    nock(API).get('/campaigns').query({ page: '2' }).reply(200, { campaigns: [], nextPage: null });
    const result = await appTester(listCampaigns, { authData: connectedAuth, meta: { page: 2 } });
    expect(result).toEqual([]);
  });

  it('asks for page 0 when Zapier gives no page', async () => {
    nock(API)
      .get('/campaigns')
      .query({ page: '0' })
      .reply(200, { campaigns: [{ id: 1, name: 'A' }], nextPage: null });
    const result = await appTester(listCampaigns, { authData: connectedAuth });
    expect(result).toEqual([{ id: '1', name: 'A' }]);
  });

  it('drops entries without an id and names unnamed ones by their id', async () => {
    nock(API)
      .get('/campaigns')
      .query({ page: '0' })
      .reply(200, { campaigns: [{ name: 'no id' }, { id: 7 }, 'junk'], nextPage: null });
    const result = await appTester(listCampaigns, { authData: connectedAuth });
    expect(result).toEqual([{ id: '7', name: '7' }]);
  });

  it('fails clearly on an answer without campaigns', async () => {
    nock(API).get('/campaigns').query({ page: '0' }).reply(200, { nextPage: null });
    const error = await rejection(appTester(listCampaigns, { authData: connectedAuth }));
    expect(errorPayload(error)).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('product dropdown (hidden trigger campaign_product_list)', () => {
  it("lists the chosen campaign's products by campaign product id", async () => {
    nock(API)
      .get('/campaigns/12/products')
      .reply(200, {
        products: [
          { id: 101, name: 'Sample Product', price: '19.99' },
          { id: 102, name: 'Sample Add-on', price: '4.99' },
        ],
      });
    const result = await appTester(listCampaignProducts, {
      authData: connectedAuth,
      inputData: { campaignId: 12 },
      meta: { isFillingDynamicDropdown: true },
    });
    expect(result).toEqual([
      { id: '101', name: 'Sample Product', price: '19.99' },
      { id: '102', name: 'Sample Add-on', price: '4.99' },
    ]);
  });

  it("reads the campaign from the step's own input, as Zapier passes it to the dropdown", async () => {
    // Zapier runs a dropdown's trigger with the action's current input values as inputData.
    nock(API)
      .get('/campaigns/7/products')
      .reply(200, { products: [{ id: 5, name: 'Sample', price: '1.00' }] });
    const result = await appTester(listCampaignProducts, {
      authData: connectedAuth,
      inputData: { campaignId: '7', products: [{ qty: '1' }], firstName: 'Sample' },
      meta: { isFillingDynamicDropdown: true },
    });
    expect(result).toEqual([{ id: '5', name: 'Sample', price: '1.00' }]);
  });

  it('asks for a campaign first instead of calling the API', async () => {
    const error = await rejection(
      appTester(listCampaignProducts, { authData: connectedAuth, inputData: {} }),
    );
    expect(errorPayload(error)).toMatchObject({ code: 'CAMPAIGN_REQUIRED' });
  });
});

describe('order and customer pickers (hidden triggers order_list, customer_list)', () => {
  it.each(['order_list', 'customer_list'] as const)(
    '%s is empty on purpose, without calling the API: the inputs offer a search step instead',
    async (key) => {
      const op = App.triggers[key].operation;
      const result = await appTester(fn('perform' in op ? op.perform : undefined), {
        authData: connectedAuth,
        meta: { isFillingDynamicDropdown: true },
      });
      expect(result).toEqual([]);
    },
  );
});
