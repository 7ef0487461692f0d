/**
 * What the contract probe found out about a connection's Konnektive API, per unknown: which variant holds (or
 * `inconclusive`) and the evidence. Stored with the connection (`contract`); the poller starts from it.
 */
import * as z from 'zod';

const evidence = z.string().max(2000);

/** One unknown answered: a variant, or `inconclusive` when the account gave no evidence either way. */
const finding = <const V extends string>(variants: readonly [V, ...V[]]) =>
  z.object({ variant: z.enum([...variants, 'inconclusive' as const]), evidence });

export const timeFiltersFinding = finding(['honoured', 'ignored']);
export const sortingFinding = finding(['honoured', 'ignored']);
/** Whether `dateUpdated` moves when a lead is converted and when an order is cancelled. */
export const dateUpdatedFinding = finding(['both', 'conversion', 'cancel', 'neither']);
/** How successful refunds are booked in the last 30 days. */
export const refundsFinding = finding(['REFUND', 'VOID', 'both', 'none-seen']);
export const campaignDatesFinding = finding(['optional', 'required']);

/** Per query endpoint: the exact text Konnektive answered for an empty result (or how the call failed). */
export const emptyTextsFinding = z.object({
  variant: z.enum(['known', 'unrecognised', 'inconclusive']),
  evidence,
  texts: z.record(z.string(), z.string().max(500)),
});

/** Permissions the API user lacks, by endpoint (`Query Orders` …); empty when every endpoint answered. */
export const permissionsFinding = z.object({
  variant: z.enum(['granted', 'missing', 'inconclusive']),
  evidence,
  missing: z.array(z.string().max(100)),
});

/** How long a full page took per endpoint (ms); `slow` when any page took longer than 10 s. */
export const pageLatencyFinding = z.object({
  variant: z.enum(['fast', 'slow', 'inconclusive']),
  evidence,
  msByEndpoint: z.record(z.string(), z.number().nonnegative()),
});

export const contractFindingsSchema = z.object({
  checkedAt: z.iso.datetime({ offset: true }),
  timeFilters: timeFiltersFinding,
  sorting: sortingFinding,
  dateUpdated: dateUpdatedFinding,
  emptyTexts: emptyTextsFinding,
  permissions: permissionsFinding,
  refunds: refundsFinding,
  pageLatency: pageLatencyFinding,
  campaignDates: campaignDatesFinding,
});
export type ContractFindings = z.output<typeof contractFindingsSchema>;
