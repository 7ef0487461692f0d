/**
 * Contract variants: the parts of Konnektive's API that public evidence does not settle, each a switch, so the
 * system can be tested against every plausible answer. {@link DEFAULT_CONTRACT} is the simulator's original
 * behaviour; {@link CONTRACT_PRESETS} names useful combinations. The README beside this file lists, per
 * switch, what is known about the real API and how sure we are.
 */
import { z } from 'zod';

/** The query endpoints, by the noun their empty-result text uses. */
export const QUERY_NOUNS = ['orders', 'transactions', 'campaigns', 'customers', 'products'] as const;
export type QueryNoun = (typeof QUERY_NOUNS)[number];

/** Query endpoint name → noun. */
export const QUERY_ENDPOINT_NOUNS: Readonly<Record<string, QueryNoun>> = {
  'order/query': 'orders',
  'transactions/query': 'transactions',
  'campaign/query': 'campaigns',
  'customer/query': 'customers',
  'product/query': 'products',
};

const capitalized = (noun: string): string => `${noun.charAt(0).toUpperCase()}${noun.slice(1)}`;

/**
 * Empty-result phrasings, `{things}` / `{Things}` standing for the noun. Only `default` has been seen on the
 * real API (for orders); the others are our guesses. `alt1` and `alt2` do not start with "No".
 */
export const EMPTY_TEXT_TEMPLATES = {
  default: 'No {things} matching those parameters could be found',
  alt1: 'There are no {things} matching the search criteria',
  alt2: '{Things} not found',
  alt3: 'No {things} found',
} as const;
export type EmptyTextId = keyof typeof EMPTY_TEXT_TEMPLATES;
export const EMPTY_TEXT_IDS = Object.keys(EMPTY_TEXT_TEMPLATES) as EmptyTextId[];

/** The empty-result text a query endpoint answers under a phrasing id. */
export const emptyText = (noun: QueryNoun, id: EmptyTextId): string =>
  EMPTY_TEXT_TEMPLATES[id].replaceAll('{things}', noun).replaceAll('{Things}', capitalized(noun));

/**
 * Permission refusals; `{permission}` (e.g. `Query Orders`) and `{endpoint}` (e.g. `order/query`) are
 * replaced. `default` may be overridden by the `permissionDeniedTemplate` option. `alt3` names the "login", so
 * a client that classifies by keywords mistakes it for bad credentials.
 */
export const PERMISSION_TEXTS = {
  default: 'Permission denied: this API user does not have access to {permission}',
  alt1: 'API user does not have access to {endpoint}',
  alt2: 'Access denied',
  alt3: 'This login does not have permission to use {permission}',
} as const;
export type PermissionTextId = keyof typeof PERMISSION_TEXTS;
export const PERMISSION_TEXT_IDS = Object.keys(PERMISSION_TEXTS) as PermissionTextId[];

/** IP refusals; `{ip}` is the caller IP. `alt1` and `alt2` do not say "whitelist". */
export const IP_TEXTS = {
  default: 'IP must be whitelisted - {ip}',
  alt1: 'Invalid IP address {ip}',
  alt2: '{ip} is not an authorized IP address',
  alt3: 'IP address {ip} is not whitelisted for this API user',
} as const;
export type IpTextId = keyof typeof IP_TEXTS;
export const IP_TEXT_IDS = Object.keys(IP_TEXTS) as IpTextId[];

export const TIME_FILTER_MODES = ['honoured', 'ignored'] as const;
export const SORTING_MODES = ['honoured', 'ignored'] as const;
export const DATE_UPDATED_MOVES = ['both', 'conversion', 'cancel', 'neither'] as const;
export const REFUND_TXN_TYPES = ['REFUND', 'VOID', 'VOID_SAME_DAY'] as const;
export const CAMPAIGN_DATES_MODES = ['optional', 'required'] as const;

/** The longest page latency accepted (10 minutes). */
export const MAX_PAGE_LATENCY_MS = 600_000;

/** One answer to every unknown of the real API. */
export interface ContractVariants {
  /**
   * `honoured`: `startTime`/`endTime` narrow the window. `ignored`: they have no effect (they are neither
   * validated nor applied, but still echoed in `queryArgs`); only whole days filter.
   */
  timeFilters: (typeof TIME_FILTER_MODES)[number];
  /**
   * `honoured`: `sortBy` (`dateCreated`|`dateUpdated`, default the `dateRangeType`) and `sortDir` (1 oldest
   * first, 0 newest first) apply. `ignored`: both have no effect; records come oldest `dateCreated` first
   * (ties in creation order) and the envelope echoes `sortBy: "dateCreated"`, `sortDir: 1`.
   */
  sorting: (typeof SORTING_MODES)[number];
  /**
   * Which changes move an order's `dateUpdated`: converting a lead (`order/import` with its orderId), cancelling
   * (`order/cancel`, including the refund `fullRefund=1` books with it), both or neither. Other changes
   * (lead updates, refunds, fulfillment and customer updates) always move it.
   */
  dateUpdatedMovesOn: (typeof DATE_UPDATED_MOVES)[number];
  /** The empty-result phrasing per query endpoint. */
  emptyTexts: Record<QueryNoun, EmptyTextId>;
  /** The permission refusal phrasing. */
  permissionText: PermissionTextId;
  /** The IP refusal phrasing. */
  ipText: IpTextId;
  /**
   * How refunds (`order/refund`, `order/cancel` with `fullRefund=1`) are booked: `REFUND`, `VOID`, or
   * `VOID_SAME_DAY` (VOID on the sale's account-local day, REFUND later). Always `responseType: SUCCESS`.
   */
  refundTxnType: (typeof REFUND_TXN_TYPES)[number];
  /**
   * Extra delay before every answer of a query endpoint, drawn uniformly from [minMs, maxMs] (whole ms) from a
   * seeded stream, so a seed and a request order give the same delays. `{0, 0}` = off.
   */
  pageLatency: { minMs: number; maxMs: number };
  /** `required`: `campaign/query` without `campaignId` needs `startDate` and `endDate`. */
  campaignDates: (typeof CAMPAIGN_DATES_MODES)[number];
}

const allEmptyTexts = (id: EmptyTextId): Record<QueryNoun, EmptyTextId> => ({
  orders: id,
  transactions: id,
  campaigns: id,
  customers: id,
  products: id,
});

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
};

/** The simulator's original behaviour: every unknown answered the way that is easiest on a client. */
export const DEFAULT_CONTRACT: Readonly<ContractVariants> = deepFreeze({
  timeFilters: 'honoured',
  sorting: 'honoured',
  dateUpdatedMovesOn: 'both',
  emptyTexts: allEmptyTexts('default'),
  permissionText: 'default',
  ipText: 'default',
  refundTxnType: 'REFUND',
  pageLatency: { minMs: 0, maxMs: 0 },
  campaignDates: 'optional',
} satisfies ContractVariants);

const variant = (patch: Partial<ContractVariants>): ContractVariants => ({
  ...structuredClone(DEFAULT_CONTRACT),
  ...patch,
});

const PRESETS = {
  default: variant({}),
  'day-granular-sorted': variant({ timeFilters: 'ignored' }),
  'day-granular-unsorted': variant({ timeFilters: 'ignored', sorting: 'ignored' }),
  'stale-date-updated': variant({ dateUpdatedMovesOn: 'neither' }),
  'alt-texts': variant({ emptyTexts: allEmptyTexts('alt2'), permissionText: 'alt3', ipText: 'alt1' }),
  'void-refunds': variant({ refundTxnType: 'VOID' }),
  'slow-pages': variant({ pageLatency: { minMs: 20_000, maxMs: 60_000 } }),
  'campaign-dates-required': variant({ campaignDates: 'required' }),
  worst: variant({
    timeFilters: 'ignored',
    sorting: 'ignored',
    dateUpdatedMovesOn: 'neither',
    emptyTexts: allEmptyTexts('alt2'),
    permissionText: 'alt3',
    ipText: 'alt1',
    refundTxnType: 'VOID',
    campaignDates: 'required',
  }),
} satisfies Record<string, ContractVariants>;

export type ContractPresetName = keyof typeof PRESETS;

/**
 * Named contracts (frozen; each a complete contract). Tests iterate over `Object.keys(CONTRACT_PRESETS)`; a
 * variant of one is `{ ...CONTRACT_PRESETS['slow-pages'], pageLatency: { minMs: 50, maxMs: 200 } }` or, as an
 * input, `{ preset: 'slow-pages', pageLatency: { minMs: 50, maxMs: 200 } }`.
 */
export const CONTRACT_PRESETS: Readonly<Record<ContractPresetName, Readonly<ContractVariants>>> =
  deepFreeze(PRESETS);
export const CONTRACT_PRESET_NAMES = Object.keys(CONTRACT_PRESETS) as ContractPresetName[];

/**
 * A change to the contract: switches to set (`emptyTexts` per endpoint), optionally on top of a named preset
 * (without `preset` they apply on top of the current contract).
 */
export interface ContractPatch extends Partial<Omit<ContractVariants, 'emptyTexts' | 'pageLatency'>> {
  preset?: ContractPresetName;
  emptyTexts?: Partial<Record<QueryNoun, EmptyTextId>>;
  pageLatency?: { minMs: number; maxMs: number };
}

/** What selects a contract: a preset name, or a patch. */
export type ContractInput = ContractPresetName | ContractPatch;

const enumOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);

export const pageLatencySchema = z
  .strictObject({
    minMs: z.number().int().min(0).max(MAX_PAGE_LATENCY_MS),
    maxMs: z.number().int().min(0).max(MAX_PAGE_LATENCY_MS),
  })
  .refine((v) => v.minMs <= v.maxMs, { message: 'minMs must not exceed maxMs', path: ['maxMs'] });

const emptyTextIdSchema = enumOf(EMPTY_TEXT_IDS).optional();

/** A contract patch as accepted from JSON (control route) or TypeScript callers. */
export const contractPatchSchema = z.strictObject({
  preset: enumOf(CONTRACT_PRESET_NAMES).optional(),
  timeFilters: enumOf(TIME_FILTER_MODES).optional(),
  sorting: enumOf(SORTING_MODES).optional(),
  dateUpdatedMovesOn: enumOf(DATE_UPDATED_MOVES).optional(),
  emptyTexts: z
    .strictObject({
      orders: emptyTextIdSchema,
      transactions: emptyTextIdSchema,
      campaigns: emptyTextIdSchema,
      customers: emptyTextIdSchema,
      products: emptyTextIdSchema,
    })
    .optional(),
  permissionText: enumOf(PERMISSION_TEXT_IDS).optional(),
  ipText: enumOf(IP_TEXT_IDS).optional(),
  refundTxnType: enumOf(REFUND_TXN_TYPES).optional(),
  pageLatency: pageLatencySchema.optional(),
  campaignDates: enumOf(CAMPAIGN_DATES_MODES).optional(),
});

export const contractInputSchema = z.union([enumOf(CONTRACT_PRESET_NAMES), contractPatchSchema]);

/** A contract input that failed validation; the message names the field. */
export class InvalidContractError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidContractError';
  }
}

/** Zod issues as one sentence per field: `timeFilters: Invalid option: expected one of …`. */
const describeIssues = (error: z.ZodError): string =>
  error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');

/** Validates a contract input (throws {@link InvalidContractError} naming the field). */
export const parseContractInput = (input: unknown): ContractInput => {
  const result = contractInputSchema.safeParse(input);
  if (result.success) return result.data as ContractInput;
  if (typeof input === 'string') {
    throw new InvalidContractError(
      `Unknown contract preset "${input}" (expected one of ${CONTRACT_PRESET_NAMES.join(', ')})`,
    );
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidContractError('Invalid contract: expected a preset name or an object of switches');
  }
  const patch = contractPatchSchema.safeParse(input);
  throw new InvalidContractError(
    `Invalid contract: ${patch.success ? 'expected a preset name or an object of switches' : describeIssues(patch.error)}`,
  );
};

const SCALAR_SWITCHES = [
  'timeFilters',
  'sorting',
  'dateUpdatedMovesOn',
  'permissionText',
  'ipText',
  'refundTxnType',
  'campaignDates',
] as const satisfies ReadonlyArray<keyof ContractVariants>;

/**
 * The contract `input` selects, starting from `current`: a preset name replaces everything; a patch with
 * `preset` starts from that preset; a patch without starts from `current`. Validated; answers a fresh object.
 */
export const resolveContract = (
  input: unknown,
  current: Readonly<ContractVariants> = DEFAULT_CONTRACT,
): ContractVariants => {
  const parsed = parseContractInput(input);
  if (typeof parsed === 'string') return structuredClone(CONTRACT_PRESETS[parsed]);
  const { preset, emptyTexts, pageLatency } = parsed;
  const next: ContractVariants = structuredClone(preset === undefined ? current : CONTRACT_PRESETS[preset]);
  for (const key of SCALAR_SWITCHES) {
    const value = parsed[key];
    if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  if (emptyTexts) {
    for (const noun of QUERY_NOUNS) {
      const id = emptyTexts[noun];
      if (id !== undefined) next.emptyTexts[noun] = id;
    }
  }
  if (pageLatency) next.pageLatency = { minMs: pageLatency.minMs, maxMs: pageLatency.maxMs };
  return next;
};

/** The preset `contract` equals exactly, or null for a custom contract. */
export const presetNameOf = (contract: Readonly<ContractVariants>): ContractPresetName | null => {
  const text = JSON.stringify(normalized(contract));
  return (
    CONTRACT_PRESET_NAMES.find((name) => JSON.stringify(normalized(CONTRACT_PRESETS[name])) === text) ?? null
  );
};

/** Keys in a fixed order, so two equal contracts serialize the same. */
const normalized = (c: Readonly<ContractVariants>) => [
  c.timeFilters,
  c.sorting,
  c.dateUpdatedMovesOn,
  QUERY_NOUNS.map((n) => c.emptyTexts[n]),
  c.permissionText,
  c.ipText,
  c.refundTxnType,
  c.pageLatency.minMs,
  c.pageLatency.maxMs,
  c.campaignDates,
];

/** Whether `change` moves an order's `dateUpdated` under `contract`. */
export const movesDateUpdated = (
  contract: Readonly<ContractVariants>,
  change: 'conversion' | 'cancel',
): boolean => contract.dateUpdatedMovesOn === 'both' || contract.dateUpdatedMovesOn === change;
