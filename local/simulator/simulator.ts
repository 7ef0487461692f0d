/**
 * The in-process control object of the Konnektive simulator: state, clock, users, faults and the request log.
 * The HTTP server and the `/_sim/` routes drive it; tests and demos may call it directly.
 */
import { normalizeIp, UserDirectory } from './auth.js';
import { SimClock } from './clock.js';
import {
  type ContractInput,
  type ContractPresetName,
  type ContractVariants,
  DEFAULT_CONTRACT,
  InvalidContractError,
  IP_TEXTS,
  PERMISSION_TEXTS,
  presetNameOf,
  QUERY_ENDPOINT_NOUNS,
  resolveContract,
} from './contract.js';
import { Crm } from './crm.js';
import { maskLast4, str } from './params.js';
import { fakePerson } from './people.js';
import { QueryEngine } from './queries.js';
import { deriveSeed, Rng } from './random.js';
import { customerRecord, transactionRecord } from './records.js';
import { type SeedSummary, seedData } from './seed.js';
import { assertTimeZone, formatWall, stampOf } from './time.js';
import {
  DEFAULT_DECLINE_CARDS,
  DEFAULT_FAULTS,
  DEFAULT_PERMISSION_TEMPLATE,
  DEFAULT_REDIRECT_CARDS,
  DEFAULT_TIME_ZONE,
  DEMO_USER,
  type FaultSettings,
  type LoggedRequest,
  type Params,
  type Permission,
  type SimEnvelope,
  type SimUser,
  type SimUserPatch,
  type SimulatorOptions,
  TEST_CARD_CVV,
  TEST_CARD_NUMBER,
} from './types.js';

/** One API endpoint: its path (lower-case, trailing slash), name and the permission it needs. */
export interface EndpointDef {
  path: string;
  name: string;
  permission: Permission;
}

const endpoint = (name: string, permission: Permission): EndpointDef => ({
  path: `/${name}/`,
  name,
  permission,
});

/** Every endpoint the simulator serves, keyed by path. */
export const ENDPOINTS: ReadonlyMap<string, EndpointDef> = new Map(
  [
    endpoint('order/query', 'Query Orders'),
    endpoint('transactions/query', 'Query Transactions'),
    endpoint('campaign/query', 'Query Campaigns'),
    endpoint('customer/query', 'Query Customers'),
    endpoint('product/query', 'Query Products'),
    endpoint('order/import', 'Import Orders'),
    endpoint('leads/import', 'Import Leads'),
    endpoint('fulfillment/update', 'Update Fulfillment'),
    endpoint('order/cancel', 'Cancel Order'),
    endpoint('customer/update', 'Update Customer'),
    endpoint('order/refund', 'Refund Order'),
  ].map((e) => [e.path, e]),
);

/** Thrown for an invalid option or argument (bad rate, bad date, unknown zone …). */
export class SimulatorConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulatorConfigError';
  }
}

/** What a fault draw decided for one request. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'error'; status: 500 | 502 | 503 }
  | { kind: 'hang'; ms: number }
  | { kind: 'garbage' };

const toDate = (value: Date | string | number, what: string): Date => {
  const date = value instanceof Date ? new Date(value.getTime()) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new SimulatorConfigError(`Invalid ${what}: ${String(value)}`);
  return date;
};

const checkFaults = (faults: FaultSettings): void => {
  for (const key of ['errorRate', 'hangRate', 'garbageRate'] as const) {
    const v = faults[key];
    if (!(v >= 0 && v <= 1)) throw new SimulatorConfigError(`${key} must be between 0 and 1 (got ${v})`);
  }
  if (faults.errorRate + faults.hangRate + faults.garbageRate > 1) {
    throw new SimulatorConfigError('errorRate + hangRate + garbageRate must not exceed 1');
  }
  for (const key of ['latencyMs', 'hangMs'] as const) {
    const v = faults[key];
    if (!(Number.isFinite(v) && v >= 0))
      throw new SimulatorConfigError(`${key} must be a number ≥ 0 (got ${v})`);
  }
};

/** Resolves a contract input, turning a validation failure into a config error. */
const toContract = (input: ContractInput, current: Readonly<ContractVariants>): ContractVariants => {
  try {
    return resolveContract(input, current);
  } catch (cause) {
    if (cause instanceof InvalidContractError) throw new SimulatorConfigError(cause.message, { cause });
    throw cause;
  }
};

const SECRET_PARAMS = new Set(['password', 'cardSecurityCode']);
const MASKED_PARAMS = new Set(['cardNumber', 'achAccountNumber', 'iban']);

/** The parameters as they may be logged: secrets removed, card and account numbers masked. */
export const redactParams = (params: Params): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (SECRET_PARAMS.has(key)) continue;
    out[key] = MASKED_PARAMS.has(key) ? maskLast4(value) : value;
  }
  return out;
};

/** Everything `reset()` replaces. */
interface SimState {
  crm: Crm;
  queries: QueryEngine;
  users: UserDirectory;
  faults: FaultSettings;
  faultRng: Rng;
  contract: ContractVariants;
  /** Draws the contract's page latency; its own stream, so turning latency on never shifts fault draws. */
  latencyRng: Rng;
  peopleRng: Rng;
  peopleCount: number;
  seedCalls: number;
  log: LoggedRequest[];
}

type HelperInput = Record<string, string | number | boolean | undefined | null>;

const toParams = (input: HelperInput = {}): Params => {
  const params: Params = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    params[key] = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  return params;
};

export class Simulator {
  readonly timeZone: string;
  readonly seedValue: number;
  readonly clock: SimClock;
  private state: SimState;
  private readonly logLimit: number;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
    try {
      assertTimeZone(this.timeZone);
    } catch (cause) {
      throw new SimulatorConfigError(`Unknown time zone "${this.timeZone}"`, { cause });
    }
    const seed = options.seed ?? 1;
    if (!Number.isInteger(seed)) throw new SimulatorConfigError(`seed must be an integer (got ${seed})`);
    this.seedValue = seed;
    this.logLimit = options.requestLogLimit ?? 10_000;
    this.clock = new SimClock();
    if (options.clock?.now !== undefined) this.clock.set(toDate(options.clock.now, 'clock.now'));
    this.state = this.freshState();
    if (options.seedOrders) {
      const now = this.clock.nowMs();
      this.seed({
        count: options.seedOrders.count,
        from: options.seedOrders.from ?? new Date(now - 7 * 86_400_000),
        to: options.seedOrders.to ?? new Date(now),
      });
    }
  }

  /**
   * Back to the state right after start: no orders, customers or transactions, id streams restarted, request
   * log cleared, users, faults and contract as given in the options. The clock is left as it is.
   */
  reset(): void {
    this.state = this.freshState();
  }

  private freshState(): SimState {
    const contract = toContract(this.options.contract ?? {}, DEFAULT_CONTRACT);
    const currentContract = () => this.state.contract;
    const crm = new Crm(
      {
        timeZone: this.timeZone,
        declineCards: this.options.declineCards ?? DEFAULT_DECLINE_CARDS,
        redirectCards: this.options.redirectCards ?? DEFAULT_REDIRECT_CARDS,
        declinedOrderStatus: this.options.declinedOrderStatus ?? 'DECLINED',
        contract: currentContract,
      },
      new Rng(deriveSeed(this.seedValue, 'ids')),
    );
    let users: UserDirectory;
    try {
      users = new UserDirectory(
        this.options.users ?? [DEMO_USER],
        this.options.permissionDeniedTemplate ?? DEFAULT_PERMISSION_TEMPLATE,
      );
    } catch (cause) {
      throw new SimulatorConfigError(cause instanceof Error ? cause.message : String(cause), { cause });
    }
    const faults = { ...DEFAULT_FAULTS, ...this.options.faults };
    checkFaults(faults);
    return {
      crm,
      queries: new QueryEngine(crm, currentContract),
      users,
      faults,
      faultRng: new Rng(deriveSeed(this.seedValue, 'faults')),
      contract,
      latencyRng: new Rng(deriveSeed(this.seedValue, 'page-latency')),
      peopleRng: new Rng(deriveSeed(this.seedValue, 'people')),
      peopleCount: 0,
      seedCalls: 0,
      log: [],
    };
  }

  // ------------------------------------------------------------------- seed

  /**
   * Adds `count` orders (with their transactions) created between `from` and `to`. Without `seed` the data
   * derives from the simulator seed and the number of earlier seed calls.
   */
  seed(request: { count: number; from: Date | string; to: Date | string; seed?: number }): SeedSummary {
    const from = toDate(request.from, 'from');
    const to = toDate(request.to, 'to');
    if (!Number.isInteger(request.count) || request.count < 0 || request.count > 200_000) {
      throw new SimulatorConfigError(`count must be a whole number from 0 to 200000 (got ${request.count})`);
    }
    if (to.getTime() < from.getTime()) throw new SimulatorConfigError('from must not be after to');
    const seed = request.seed ?? deriveSeed(this.seedValue, `seed-${this.state.seedCalls}`);
    this.state.seedCalls++;
    return seedData(this.state.crm, { count: request.count, from, to, seed }, () => ++this.state.peopleCount);
  }

  // ------------------------------------------------------------------ clock

  now(): Date {
    return this.clock.now();
  }

  /** The simulator time as the account sees it (`YYYY-MM-DD HH:MM:SS`). */
  localNow(): string {
    return formatWall(stampOf(this.clock.nowMs(), this.timeZone).wall);
  }

  /** Freezes the clock at `date` (or keeps it running from there with `running`). */
  setClock(date: Date | string, running = false): void {
    this.clock.set(toDate(date, 'clock time'), running);
  }

  advanceClock(ms: number): void {
    if (!Number.isFinite(ms))
      throw new SimulatorConfigError(`advanceClock needs a finite number (got ${ms})`);
    this.clock.advance(ms);
  }

  useRealClock(): void {
    this.clock.useReal();
  }

  // ----------------------------------------------------------------- faults

  setFaults(partial: Partial<FaultSettings>): FaultSettings {
    const next = { ...this.state.faults, ...partial };
    checkFaults(next);
    this.state.faults = next;
    return { ...next };
  }

  getFaults(): FaultSettings {
    return {
      ...this.state.faults,
      endpoints: this.state.faults.endpoints ? [...this.state.faults.endpoints] : null,
    };
  }

  /** Latency to add to a request on `endpointName`. */
  latencyFor(endpointName: string): number {
    return this.faultApplies(endpointName) ? this.state.faults.latencyMs : 0;
  }

  private faultApplies(endpointName: string): boolean {
    const scope = this.state.faults.endpoints;
    return scope === null || scope.some((e) => e.replace(/^\/+|\/+$/g, '') === endpointName);
  }

  /** One draw decides the fault (if any) for a request; deterministic for a seed and a request order. */
  decideFault(endpointName: string): FaultDecision {
    const { errorRate, hangRate, garbageRate, hangMs } = this.state.faults;
    if (errorRate + hangRate + garbageRate === 0 || !this.faultApplies(endpointName)) return { kind: 'none' };
    const r = this.state.faultRng.next();
    if (r < errorRate) return { kind: 'error', status: this.state.faultRng.pick([500, 502, 503] as const) };
    if (r < errorRate + hangRate) return { kind: 'hang', ms: hangMs };
    if (r < errorRate + hangRate + garbageRate) return { kind: 'garbage' };
    return { kind: 'none' };
  }

  // --------------------------------------------------------------- contract

  /**
   * Changes how the real API's unknowns are answered: a preset name replaces the whole contract; a patch with
   * `preset` starts from that preset; a patch without changes only the switches it names. Answers the result.
   * Throws {@link SimulatorConfigError} naming the bad field.
   */
  setContract(input: ContractInput): ContractVariants {
    this.state.contract = toContract(input, this.state.contract);
    return this.getContract();
  }

  /** The active contract (a copy). */
  getContract(): ContractVariants {
    return structuredClone(this.state.contract);
  }

  /** The preset the active contract equals, or null when it is a custom mix. */
  contractPreset(): ContractPresetName | null {
    return presetNameOf(this.state.contract);
  }

  /**
   * The contract's page latency for one request to `endpointName` (0 for anything but a query endpoint),
   * drawn from a seeded stream: a seed and a request order give the same delays.
   */
  pageLatencyFor(endpointName: string): number {
    if (QUERY_ENDPOINT_NOUNS[endpointName] === undefined) return 0;
    const { minMs, maxMs } = this.state.contract.pageLatency;
    if (maxMs <= 0) return 0;
    return this.state.latencyRng.int(minMs, maxMs);
  }

  // ------------------------------------------------------------ request log

  requestLog(): LoggedRequest[] {
    return this.state.log.map((entry) => ({ ...entry, params: { ...entry.params } }));
  }

  clearRequestLog(): void {
    this.state.log = [];
  }

  /** Records a request (parameters redacted); returns the entry so the server can fill in late results. */
  logRequest(entry: Omit<LoggedRequest, 'at' | 'params'> & { params: Params }): LoggedRequest {
    const logged: LoggedRequest = {
      ...entry,
      at: this.now().toISOString(),
      params: redactParams(entry.params),
    };
    this.state.log.push(logged);
    if (this.state.log.length > this.logLimit)
      this.state.log.splice(0, this.state.log.length - this.logLimit);
    return logged;
  }

  // ------------------------------------------------------------------ users

  addUser(user: SimUser): void {
    this.state.users.add(user);
  }

  updateUser(loginId: string, patch: SimUserPatch): void {
    this.state.users.update(loginId, patch);
  }

  listUsers() {
    return this.state.users.list();
  }

  // -------------------------------------------------------------- API calls

  /**
   * Answers one API call as Konnektive would: IP → credentials → permission → validation → business logic.
   * `ip` is the caller IP as seen (or as overridden by the trusted header).
   */
  handle(def: EndpointDef, params: Params, ip: string): SimEnvelope {
    const { permissionText, ipText } = this.state.contract;
    const auth = this.state.users.authorize(
      params.loginId,
      params.password,
      normalizeIp(ip),
      def.permission,
      def.name,
      {
        ipTemplate: IP_TEXTS[ipText],
        // The `default` phrasing is the configured template (permissionDeniedTemplate), kept by the directory.
        ...(permissionText === 'default' ? {} : { permissionTemplate: PERMISSION_TEXTS[permissionText] }),
      },
    );
    if (!auth.ok) return { result: 'ERROR', message: auth.message };
    return this.dispatch(def.name, params);
  }

  private dispatch(name: string, params: Params): SimEnvelope {
    const at = this.clock.nowMs();
    switch (name) {
      case 'order/query':
        return this.state.queries.queryOrders(params);
      case 'transactions/query':
        return this.state.queries.queryTransactions(params);
      case 'campaign/query':
        return this.state.queries.queryCampaigns(params);
      case 'customer/query':
        return this.state.queries.queryCustomers(params);
      case 'product/query':
        return this.state.queries.queryProducts(params);
      case 'order/import':
        return this.state.crm.importOrder(params, at);
      case 'leads/import':
        return this.state.crm.importLead(params, at);
      case 'fulfillment/update':
        return this.state.crm.updateFulfillment(params, at);
      case 'order/cancel':
        return this.state.crm.cancelOrder(params, at);
      case 'customer/update':
        return this.state.crm.updateCustomer(params, at);
      case 'order/refund':
        return this.state.crm.refundOrder(params, at);
      default:
        return { result: 'ERROR', message: `Unknown endpoint ${name}` };
    }
  }

  // ------------------------------------------------------- domain helpers
  // These act like the CRM's own UI: no credentials, same logic as the endpoints. Missing customer data is
  // filled with a made-up person so a demo can create traffic with one call.

  private personDefaults(input: Params): Params {
    if (str(input, 'orderId') !== undefined) return {};
    const person = fakePerson(this.state.peopleRng, ++this.state.peopleCount);
    const defaults: Params = {};
    for (const [key, value] of Object.entries(person))
      if (str(input, key) === undefined) defaults[key] = value;
    return defaults;
  }

  /** Creates (or with `orderId` updates) a lead, like `leads/import`; defaults: campaign 1 and a fake person. */
  createLead(input: HelperInput = {}): SimEnvelope {
    const params = toParams(input);
    return this.state.crm.importLead(
      { campaignId: '1', ...this.personDefaults(params), ...params },
      this.clock.nowMs(),
    );
  }

  /**
   * Imports an order, like `order/import`. Defaults: campaign 1, its first product, the test card (CVV 100)
   * and, without `orderId`, a fake person.
   */
  importOrder(input: HelperInput = {}): SimEnvelope {
    const params = toParams(input);
    const campaignId =
      intOrUndefined(params.campaignId) ??
      intOrUndefined(this.getOrder(params.orderId ?? '')?.campaignId) ??
      1;
    const campaign = this.state.crm.campaigns.get(campaignId);
    const hasProduct = Object.keys(params).some((k) => /^product\d+_id$/.test(k));
    const defaults: Params = {
      campaignId: String(campaignId),
      ...(hasProduct || !campaign?.products[0]
        ? {}
        : { product1_id: String(campaign.products[0].campaignProductId) }),
      ...(params.paySource && params.paySource !== 'CREDITCARD'
        ? {}
        : {
            paySource: 'CREDITCARD',
            cardNumber: TEST_CARD_NUMBER,
            cardMonth: '12',
            cardYear: String(this.now().getUTCFullYear() + 3),
            cardSecurityCode: TEST_CARD_CVV,
          }),
      ...this.personDefaults(params),
    };
    return this.state.crm.importOrder({ ...defaults, ...params }, this.clock.nowMs());
  }

  /** Cancels an order, like `order/cancel`. */
  cancelOrder(
    orderId: string,
    reason = 'Cancelled by simulator',
    options: { fullRefund?: boolean } = {},
  ): SimEnvelope {
    return this.state.crm.cancelOrder(
      toParams({ orderId, cancelReason: reason, fullRefund: options.fullRefund }),
      this.clock.nowMs(),
    );
  }

  /** Refunds an order, like `order/refund`: an amount (`12.34` or 12.34) or `'full'`. */
  refundOrder(orderId: string, amount: number | string | 'full'): SimEnvelope {
    const params: Params =
      amount === 'full'
        ? { orderId, fullRefund: '1' }
        : { orderId, refundAmount: typeof amount === 'number' ? amount.toFixed(2) : amount };
    return this.state.crm.refundOrder(params, this.clock.nowMs());
  }

  /** Updates fulfillment, like `fulfillment/update`. */
  updateFulfillment(input: HelperInput): SimEnvelope {
    return this.state.crm.updateFulfillment(toParams(input), this.clock.nowMs());
  }

  /** Updates a customer, like `customer/update`. */
  updateCustomer(input: HelperInput): SimEnvelope {
    return this.state.crm.updateCustomer(toParams(input), this.clock.nowMs());
  }

  /** The order as `order/query` would show it. */
  getOrder(orderId: string) {
    const order = this.state.crm.findOrder(orderId);
    return order ? this.state.crm.record(order) : undefined;
  }

  /** Every order, oldest `dateCreated` first. */
  listOrders() {
    return this.state.crm.store.ordersByCreated.range().map((o) => this.state.crm.record(o));
  }

  /** Every transaction, oldest first. */
  listTransactions() {
    return this.state.crm.store.transactionsByCreated
      .range()
      .map((t) => transactionRecord(t, this.state.crm.campaigns.get(t.campaignId)));
  }

  listCustomers() {
    return [...this.state.crm.store.customers.values()].map(customerRecord);
  }

  /** Campaigns as `campaign/query` shows them (an array here). */
  listCampaigns() {
    const answer = this.state.queries.queryCampaigns({ resultsPerPage: '200' });
    if (answer.result !== 'SUCCESS') return [];
    const message = answer.message as { data: Record<string, Record<string, unknown>> };
    return Object.values(message.data);
  }

  /** Counts, for the CLI and `/_sim/` status. */
  stats() {
    return {
      orders: this.state.crm.store.orders.size,
      customers: this.state.crm.store.customers.size,
      transactions: this.state.crm.store.transactions.size,
      campaigns: this.state.crm.campaigns.size,
    };
  }

  get trustClientIpHeader(): boolean {
    return this.options.trustClientIpHeader ?? true;
  }

  /** Emits a line to the configured logger, if any. */
  emit(line: string): void {
    this.options.logger?.(line);
  }
}

const intOrUndefined = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
};
