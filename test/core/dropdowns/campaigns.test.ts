import { beforeEach, describe, expect, it } from 'vitest';
import { CampaignCache } from '../../../functions/core/dropdowns/campaign-cache.js';
import {
  CAMPAIGNS_PAGE_SIZE,
  type CachedCampaign,
  campaignsQuerySchema,
  type DropdownDeps,
  listCampaignProducts,
  listCampaigns,
} from '../../../functions/core/dropdowns/list-campaigns.js';
import {
  CredentialsRejectedError,
  NotFoundError,
  UpstreamUnavailableError,
} from '../../../functions/core/errors.js';
import {
  type Campaign,
  KonnektiveAuthError,
  KonnektiveTransientError,
} from '../../../functions/core/konnektive.js';
import type { Connection } from '../../../functions/core/model.js';
import { createFakes, FakeClock, type Fakes } from '../../support/fakes.js';

const campaign = (id: number, products = 2): Campaign => ({
  campaignId: id,
  campaignName: `Campaign ${id}`,
  campaignType: 'ECOMMERCE',
  products: Array.from({ length: products }, (_, i) => ({
    campaignProductId: id * 100 + i,
    name: `(${9000 + i}) Product ${i}`,
    price: `${10 + i}.00`,
  })),
});

let fakes: Fakes;
let deps: DropdownDeps;
let connection: Connection;

beforeEach(async () => {
  fakes = createFakes();
  fakes.konnektive.campaigns = Array.from({ length: 120 }, (_, i) => campaign(i + 1));
  deps = { ...fakes, egressIps: [], cache: new CampaignCache<CachedCampaign[]>({ clock: fakes.clock }) };
  connection = await fakes.connections.upsert(
    {
      connectionId: 'c_a',
      loginId: 'a',
      encryptedPassword: await fakes.cipher.encrypt('fake-pass', { connectionId: 'c_a' }),
      timeZone: 'UTC',
      label: 'a',
      status: 'active',
    },
    fakes.clock.now(),
  );
});

const page = (n: string | undefined) => campaignsQuerySchema.parse(n === undefined ? {} : { page: n });

describe('listCampaigns', () => {
  it('pages 50 at a time (0-based) with nextPage, and reads Konnektive once for all pages', async () => {
    const first = await listCampaigns(deps, connection, page(undefined));
    expect(first.campaigns).toHaveLength(CAMPAIGNS_PAGE_SIZE);
    expect(first.campaigns[0]).toEqual({ id: 1, name: 'Campaign 1', type: 'ECOMMERCE' });
    expect(first.nextPage).toBe(1);
    const last = await listCampaigns(deps, connection, page('2'));
    expect(last.campaigns.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
    expect(last.nextPage).toBeNull();
    expect((await listCampaigns(deps, connection, page('9'))).campaigns).toEqual([]);
    expect(fakes.konnektive.callsTo('queryCampaigns')).toHaveLength(1);
  });

  it('refuses a page that is not a number', () => {
    expect(campaignsQuerySchema.safeParse({ page: '-1' }).success).toBe(false);
    expect(campaignsQuerySchema.safeParse({ page: 'two' }).error?.issues[0]?.path).toEqual(['page']);
  });

  it('reads again after the TTL', async () => {
    await listCampaigns(deps, connection, page('0'));
    fakes.clock.advance(5 * 60_000 - 1);
    await listCampaigns(deps, connection, page('0'));
    expect(fakes.konnektive.callsTo('queryCampaigns')).toHaveLength(1);
    fakes.clock.advance(2);
    await listCampaigns(deps, connection, page('0'));
    expect(fakes.konnektive.callsTo('queryCampaigns')).toHaveLength(2);
  });

  it('caches per connection: another tenant reads with its own credentials', async () => {
    const other = await fakes.connections.upsert(
      {
        connectionId: 'c_b',
        loginId: 'b',
        encryptedPassword: await fakes.cipher.encrypt('other-pass', { connectionId: 'c_b' }),
        timeZone: 'UTC',
        label: 'b',
        status: 'active',
      },
      fakes.clock.now(),
    );
    await listCampaigns(deps, connection, page('0'));
    await listCampaigns(deps, other, page('0'));
    expect(fakes.konnektive.callsTo('queryCampaigns').map((call) => call.credentials)).toEqual([
      { loginId: 'a', password: 'fake-pass' },
      { loginId: 'b', password: 'other-pass' },
    ]);
  });

  it('rejected credentials mark the connection invalid (401); transient errors are not cached', async () => {
    fakes.konnektive.failNext('queryCampaigns', new KonnektiveTransientError('down', 'campaign/query'));
    await expect(listCampaigns(deps, connection, page('0'))).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(listCampaigns(deps, connection, page('0'))).resolves.toMatchObject({ nextPage: 1 });

    fakes.clock.advance(10 * 60_000);
    fakes.konnektive.failNext(
      'queryCampaigns',
      new KonnektiveAuthError('Could not authenticate credentials', 'campaign/query'),
    );
    await expect(listCampaigns(deps, connection, page('0'))).rejects.toBeInstanceOf(CredentialsRejectedError);
    expect(fakes.connections.items.get('c_a')?.status).toBe('invalid');
  });
});

describe('listCampaignProducts', () => {
  it('answers {id: campaignProductId, name, price} from the cached list', async () => {
    await listCampaigns(deps, connection, page('0'));
    const { products } = await listCampaignProducts(deps, connection, '3');
    expect(products).toEqual([
      { id: 300, name: '(9000) Product 0', price: '10.00' },
      { id: 301, name: '(9001) Product 1', price: '11.00' },
    ]);
    expect(fakes.konnektive.callsTo('queryCampaigns')).toHaveLength(1);
  });

  it('a campaign created after the list was cached is looked up directly; an unknown one is 404', async () => {
    await listCampaigns(deps, connection, page('0'));
    fakes.konnektive.campaigns.push(campaign(500, 1));
    await expect(listCampaignProducts(deps, connection, '500')).resolves.toEqual({
      products: [{ id: 50000, name: '(9000) Product 0', price: '10.00' }],
    });
    expect(fakes.konnektive.callsTo('queryCampaigns')[1]?.args).toMatchObject({ campaignId: 500 });
    await expect(listCampaignProducts(deps, connection, '999')).rejects.toBeInstanceOf(NotFoundError);
    await expect(listCampaignProducts(deps, connection, 'abc')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('CampaignCache', () => {
  it('evicts the least recently used connection beyond maxEntries', async () => {
    const clock = new FakeClock();
    const cache = new CampaignCache<number>({ clock, maxEntries: 2 });
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('a', load); // a is now most recent
    await cache.get('c', load); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.get('a', load)).toBe(1);
    expect(await cache.get('b', load)).toBe(4);
  });

  it('shares one load between concurrent misses, and does not cache a failure', async () => {
    const cache = new CampaignCache<string>({ clock: new FakeClock() });
    let loads = 0;
    let release: (value: string) => void = () => undefined;
    const slow = () => {
      loads += 1;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    };
    const both = Promise.all([cache.get('a', slow), cache.get('a', slow)]);
    release('value');
    expect(await both).toEqual(['value', 'value']);
    expect(loads).toBe(1);

    await expect(cache.get('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(cache.get('x', async () => 'ok')).resolves.toBe('ok');
  });
});
