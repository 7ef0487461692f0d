/**
 * Dropdown data for the Zapier editor: campaigns, and a campaign's products with the
 * campaignProductId that `product{N}_id` wants. Read from `campaign/query`, cached per connection.
 */
import * as z from 'zod';
import { CredentialsRejectedError, NotFoundError } from '../errors.js';
import type { Campaign, KonnektiveCredentials } from '../konnektive.js';
import { type KonnektiveAccessDeps, withStoredCredentials } from '../konnektive-access.js';
import type { Connection } from '../model.js';
import type { CampaignCache } from './campaign-cache.js';

/** Campaigns per `GET /campaigns` page. */
export const CAMPAIGNS_PAGE_SIZE = 50;
/** A dropdown never walks more than this many campaigns (memory and latency stay bounded). */
export const MAX_CAMPAIGNS = 2000;
/** Konnektive's page size cap. */
const KONNEKTIVE_PAGE = 200;

const id = z.union([z.number(), z.string()]);

export const dropdownProductSchema = z.object({
  id: id.meta({ description: 'campaignProductId: the value product{N}_id wants' }),
  name: z.string(),
  price: z.string().nullable().meta({ description: 'Campaign price, 2-dp decimal string' }),
});
export type DropdownProduct = z.output<typeof dropdownProductSchema>;

export const dropdownCampaignSchema = z.object({
  id,
  name: z.string(),
  type: z.string().optional().meta({ description: 'ECOMMERCE, PHONE or LANDER' }),
});

/** A campaign as cached: its summary plus its products. */
export interface CachedCampaign {
  id: number | string;
  name: string;
  type?: string;
  products: DropdownProduct[];
}

/** `GET /campaigns?page=N` query: a 0-based page (what Zapier's `bundle.meta.page` counts). */
export const campaignsQuerySchema = z.object({
  page: z
    .string()
    .optional()
    .transform((page) => (page === undefined || page.trim() === '' ? '0' : page.trim()))
    .pipe(
      z
        .string()
        .regex(/^\d{1,6}$/, 'must be a page number from 0')
        .transform(Number),
    )
    .meta({ description: '0-based page' }),
});

export const campaignsResponseSchema = z.object({
  campaigns: z.array(dropdownCampaignSchema),
  nextPage: z.number().int().nullable().meta({ description: 'The next page, or null on the last one' }),
});
export type CampaignsResponse = z.output<typeof campaignsResponseSchema>;

export const campaignProductsResponseSchema = z.object({ products: z.array(dropdownProductSchema) });
export type CampaignProductsResponse = z.output<typeof campaignProductsResponseSchema>;

export interface DropdownDeps extends KonnektiveAccessDeps {
  cache: CampaignCache<CachedCampaign[]>;
}

const toCached = (campaign: Campaign): CachedCampaign => ({
  id: campaign.campaignId,
  name: campaign.campaignName,
  ...(typeof campaign.campaignType === 'string' ? { type: campaign.campaignType } : {}),
  products: campaign.products.map((product) => ({
    id: product.campaignProductId,
    name: product.name,
    price: product.price ?? null,
  })),
});

/** Runs a Konnektive read under the access policy; rejected stored credentials also drop the cached list. */
const withCredentials = async <T>(
  deps: DropdownDeps,
  connection: Connection,
  read: (credentials: KonnektiveCredentials) => Promise<T>,
): Promise<T> => {
  try {
    return await withStoredCredentials(deps, connection, (_konnektive, credentials) => read(credentials));
  } catch (error) {
    if (error instanceof CredentialsRejectedError) deps.cache.invalidate(connection.connectionId);
    throw error;
  }
};

const loadCampaigns = (deps: DropdownDeps, connection: Connection): Promise<CachedCampaign[]> =>
  deps.cache.get(connection.connectionId, () =>
    withCredentials(deps, connection, async (credentials) => {
      const campaigns: CachedCampaign[] = [];
      for await (const page of deps.konnektive.queryCampaigns(credentials, {
        resultsPerPage: KONNEKTIVE_PAGE,
      })) {
        for (const campaign of page.records) {
          if (campaigns.length >= MAX_CAMPAIGNS) return campaigns;
          campaigns.push(toCached(campaign));
        }
      }
      return campaigns;
    }),
  );

/** `GET /campaigns?page=N`: one page of `{id, name, type?}` and the next page number (null on the last). */
export const listCampaigns = async (
  deps: DropdownDeps,
  connection: Connection,
  query: z.output<typeof campaignsQuerySchema>,
): Promise<CampaignsResponse> => {
  const all = await loadCampaigns(deps, connection);
  const start = query.page * CAMPAIGNS_PAGE_SIZE;
  const campaigns = all
    .slice(start, start + CAMPAIGNS_PAGE_SIZE)
    .map(({ products: _products, ...summary }) => summary);
  return { campaigns, nextPage: start + CAMPAIGNS_PAGE_SIZE < all.length ? query.page + 1 : null };
};

/**
 * `GET /campaigns/{campaignId}/products`. From the cached list; a campaign created since the list was read is
 * looked up directly, so a new campaign never waits for the cache to expire. Unknown → 404.
 */
export const listCampaignProducts = async (
  deps: DropdownDeps,
  connection: Connection,
  campaignId: string,
): Promise<CampaignProductsResponse> => {
  const wanted = campaignId.trim();
  const notFound = () => new NotFoundError(`Campaign ${wanted.slice(0, 20)} not found for this connection`);
  if (!/^\d{1,15}$/.test(wanted)) throw notFound();
  const cached = (await loadCampaigns(deps, connection)).find((campaign) => String(campaign.id) === wanted);
  if (cached !== undefined) return { products: cached.products };
  const fresh = await withCredentials(deps, connection, async (credentials) => {
    for await (const page of deps.konnektive.queryCampaigns(credentials, {
      campaignId: Number(wanted),
      resultsPerPage: 1,
    })) {
      return page.records.find((campaign) => String(campaign.campaignId) === wanted);
    }
    return undefined;
  });
  if (fresh === undefined) throw notFound();
  return { products: toCached(fresh).products };
};
