/**
 * In-memory fakes of every port in functions/core/ports.ts and of the KonnektiveGateway, for core and handler
 * tests. The store fakes follow the DynamoDB adapters' semantics (conditional claims, leases, TTLs); the contract
 * suites in test/contracts run against both, so a use case tested here behaves the same against DynamoDB Local.
 */
import { StoreError, SubscriptionExistsError } from '../../functions/adapters/dynamodb/errors.js';
import { ENDPOINTS } from '../../functions/adapters/konnektive/endpoints.js';
import { type ContractFindings, contractFindingsSchema } from '../../functions/core/contract/findings.js';
import {
  type Campaign,
  type CustomerQuery,
  type CustomerRecord,
  KonnektiveAuthError,
  type KonnektiveCredentials,
  type KonnektiveGateway,
  type KonnektiveParams,
  KonnektivePermissionError,
  type OrderQuery,
  type OrderRecord,
  type Page,
  type TransactionQuery,
  type TransactionRecord,
} from '../../functions/core/konnektive.js';
import {
  type Connection,
  type Cursor,
  type EventType,
  type IdempotencyRecord,
  type LedgerOutcome,
  type Stream,
  type Subscription,
  streamOf,
  type TokenRecord,
  type Trigger,
} from '../../functions/core/model.js';
import {
  type Clock,
  type ConnectionStore,
  type CredentialCipher,
  CursorConflictError,
  type CursorStore,
  type DeliveryMarkerStore,
  type EventLedger,
  type IdempotencyClaim,
  type IdempotencyStore,
  type RateBooking,
  type SubscriptionStore,
  type TokenStore,
} from '../../functions/core/ports.js';
import {
  type StreamProgress,
  type StreamStrategy,
  streamProgressSchema,
  streamStrategySchema,
} from '../../functions/core/triggers/cursor-state.js';
import { type HookRatePolicy, hookRatePolicy } from '../../functions/core/triggers/hook-rate.js';
import { formatKonnektiveDateTime, parseKonnektiveDateTime } from '../../functions/core/zoned-time.js';
import { InMemoryHookRateLimiter } from '../../local/runtime/in-memory-rate-limiter.js';

// ---------------------------------------------------------------------------------------------------------
// Clock

/** A clock that stands still until told to move. */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-11-25T15:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

const clone = <T>(value: T): T => structuredClone(value);

// ---------------------------------------------------------------------------------------------------------
// Stores

export class FakeConnectionStore implements ConnectionStore {
  readonly items = new Map<string, Connection>();

  async upsert(input: Omit<Connection, 'createdAt' | 'updatedAt'>, now: Date): Promise<Connection> {
    const existing = this.items.get(input.connectionId);
    // Like the DynamoDB adapter, only the model's attributes are written, whatever else the caller passes.
    const item: Connection = {
      connectionId: input.connectionId,
      loginId: input.loginId,
      encryptedPassword: input.encryptedPassword,
      timeZone: input.timeZone,
      label: input.label,
      status: input.status,
      createdAt: existing?.createdAt ?? now.toISOString(),
      updatedAt: now.toISOString(),
      ...(existing?.contract ? { contract: existing.contract } : {}),
    };
    this.items.set(item.connectionId, item);
    return clone(item);
  }

  /** Like the adapter: only an existing connection is marked. */
  async requestRetest(connectionId: string, now: Date): Promise<boolean> {
    const item = this.items.get(connectionId);
    if (item === undefined) return false;
    this.items.set(connectionId, { ...item, retestRequestedAt: now.toISOString() });
    return true;
  }

  async takeRetest(connectionId: string): Promise<boolean> {
    const item = this.items.get(connectionId);
    if (item?.retestRequestedAt === undefined) return false;
    const { retestRequestedAt: _taken, ...rest } = item;
    this.items.set(connectionId, rest);
    return true;
  }

  /** Like the adapter: validated, and a missing connection stays missing. */
  async setContract(connectionId: string, contract: ContractFindings, now: Date): Promise<void> {
    const item = this.items.get(connectionId);
    const findings = contractFindingsSchema.parse(contract);
    if (item !== undefined) {
      this.items.set(connectionId, { ...item, contract: clone(findings), updatedAt: now.toISOString() });
    }
  }

  async get(connectionId: string): Promise<Connection | undefined> {
    const item = this.items.get(connectionId);
    return item === undefined ? undefined : clone(item);
  }

  /** A missing connection stays missing (no partial item), as in DynamoDB. */
  async setStatus(connectionId: string, status: Connection['status'], now: Date): Promise<void> {
    const item = this.items.get(connectionId);
    if (item !== undefined) this.items.set(connectionId, { ...item, status, updatedAt: now.toISOString() });
  }

  async list(): Promise<Connection[]> {
    return [...this.items.values()].map(clone);
  }
}

export class FakeTokenStore implements TokenStore {
  readonly items = new Map<string, TokenRecord>();

  async put(record: TokenRecord): Promise<void> {
    this.items.set(record.tokenHash, {
      tokenHash: record.tokenHash,
      connectionId: record.connectionId,
      createdAt: record.createdAt,
    });
  }

  async get(tokenHash: string): Promise<TokenRecord | undefined> {
    const item = this.items.get(tokenHash);
    return item === undefined ? undefined : clone(item);
  }

  async delete(tokenHash: string): Promise<void> {
    this.items.delete(tokenHash);
  }
}

export class FakeSubscriptionStore implements SubscriptionStore {
  /** Keyed by `connectionId/subscriptionId`. */
  readonly items = new Map<string, Subscription>();

  private static key(connectionId: string, subscriptionId: string): string {
    return `${connectionId}/${subscriptionId}`;
  }

  /**
   * Same content again succeeds (a retried put); different content under the same id throws the adapter's
   * SubscriptionExistsError. Only the model's attributes are kept.
   */
  async put(subscription: Subscription): Promise<void> {
    const key = FakeSubscriptionStore.key(subscription.connectionId, subscription.subscriptionId);
    const item: Subscription = {
      subscriptionId: subscription.subscriptionId,
      connectionId: subscription.connectionId,
      trigger: subscription.trigger,
      type: subscription.type,
      targetUrl: subscription.targetUrl,
      createdAt: subscription.createdAt,
    };
    const existing = this.items.get(key);
    if (existing === undefined) {
      this.items.set(key, item);
      return;
    }
    const same = (['trigger', 'type', 'targetUrl', 'createdAt'] as const).every(
      (field) => existing[field] === item[field],
    );
    if (!same) {
      throw new SubscriptionExistsError(subscription.subscriptionId, {
        operation: 'SubscriptionStore.put',
        tableName: 'fake',
      });
    }
  }

  async get(connectionId: string, subscriptionId: string): Promise<Subscription | undefined> {
    const item = this.items.get(FakeSubscriptionStore.key(connectionId, subscriptionId));
    return item === undefined ? undefined : clone(item);
  }

  async delete(connectionId: string, subscriptionId: string): Promise<boolean> {
    return this.items.delete(FakeSubscriptionStore.key(connectionId, subscriptionId));
  }

  async listByConnection(connectionId: string): Promise<Subscription[]> {
    return [...this.items.values()].filter((s) => s.connectionId === connectionId).map(clone);
  }

  async listFor(connectionId: string, trigger: Trigger, type: EventType): Promise<Subscription[]> {
    return [...this.items.values()]
      .filter((s) => s.connectionId === connectionId && s.trigger === trigger && s.type === type)
      .map(clone);
  }

  async listActiveStreams(): Promise<Array<{ connectionId: string; stream: Stream }>> {
    const pairs = new Map<string, { connectionId: string; stream: Stream }>();
    for (const s of this.items.values()) {
      const stream = streamOf(s.trigger);
      pairs.set(`${s.connectionId}/${stream}`, { connectionId: s.connectionId, stream });
    }
    return [...pairs.values()];
  }
}

/** Cursors with the DynamoDB adapter's lease and optimistic-version rules (CursorConflictError on a lost write). */
export class FakeCursorStore implements CursorStore {
  /** Keyed by `connectionId/stream`. */
  readonly items = new Map<string, Cursor>();

  private static key(connectionId: string, stream: Stream): string {
    return `${connectionId}/${stream}`;
  }

  async get(connectionId: string, stream: Stream): Promise<Cursor | undefined> {
    const item = this.items.get(FakeCursorStore.key(connectionId, stream));
    return item === undefined ? undefined : clone(item);
  }

  /** Free, expired (strictly before now) or our own lease → taken (re-entry extends it); else undefined. */
  async acquireLease(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    now: Date;
    leaseMs: number;
    initialHwm: string;
  }): Promise<Cursor | undefined> {
    const key = FakeCursorStore.key(args.connectionId, args.stream);
    const existing = this.items.get(key);
    const nowMs = args.now.getTime();
    if (
      existing?.leaseExpiresAt !== undefined &&
      existing.leaseExpiresAt >= nowMs &&
      existing.leaseOwner !== args.owner
    ) {
      return undefined;
    }
    const cursor: Cursor = {
      ...(existing ?? {
        connectionId: args.connectionId,
        stream: args.stream,
        hwm: args.initialHwm,
        version: 0,
      }),
      leaseOwner: args.owner,
      leaseExpiresAt: nowMs + args.leaseMs,
    };
    this.items.set(key, cursor);
    return clone(cursor);
  }

  async checkpoint(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    expectedVersion: number;
    hwm: string;
    now: Date;
    leaseExpiresAt: number;
    strategy?: StreamStrategy | undefined;
    progress?: StreamProgress | undefined;
  }): Promise<Cursor> {
    const key = FakeCursorStore.key(args.connectionId, args.stream);
    const existing = this.items.get(key);
    if (existing === undefined) {
      throw new CursorConflictError(`Cursor ${key} does not exist; acquire the lease first`);
    }
    if (existing.version !== args.expectedVersion || existing.leaseOwner !== args.owner) {
      throw new CursorConflictError(
        `Checkpoint of cursor ${key} lost: version ${existing.version} (expected ${args.expectedVersion}), ` +
          `lease ${existing.leaseOwner ?? 'nobody'} (caller ${args.owner})`,
      );
    }
    const cursor: Cursor = {
      ...existing,
      hwm: args.hwm,
      version: existing.version + 1,
      updatedAt: args.now.toISOString(),
      leaseExpiresAt: args.leaseExpiresAt,
      // Parsed like the adapter does, so a fake-only shape error cannot hide.
      ...(args.strategy !== undefined ? { strategy: streamStrategySchema.parse(args.strategy) } : {}),
      ...(args.progress !== undefined ? { progress: streamProgressSchema.parse(args.progress) } : {}),
    };
    this.items.set(key, clone(cursor));
    return clone(cursor);
  }

  /** Extends the lease while `owner` holds it; CursorConflictError otherwise. */
  async renewLease(args: {
    connectionId: string;
    stream: Stream;
    owner: string;
    now: Date;
    leaseMs: number;
  }): Promise<void> {
    const key = FakeCursorStore.key(args.connectionId, args.stream);
    const existing = this.items.get(key);
    if (existing?.leaseOwner !== args.owner) {
      throw new CursorConflictError(`Lease of cursor ${key} is no longer held by ${args.owner}`);
    }
    this.items.set(key, { ...existing, leaseExpiresAt: args.now.getTime() + args.leaseMs });
  }

  /** Like the DynamoDB adapter's `reset`: sets the hwm, bumps the version, drops progress, lease untouched. */
  async reset(args: { connectionId: string; stream: Stream; hwm: string; now: Date }): Promise<void> {
    const key = FakeCursorStore.key(args.connectionId, args.stream);
    const existing = this.items.get(key);
    const { progress: _progress, ...kept } = existing ?? {
      connectionId: args.connectionId,
      stream: args.stream,
      version: -1,
    };
    this.items.set(key, {
      ...kept,
      hwm: args.hwm,
      updatedAt: args.now.toISOString(),
      version: (existing?.version ?? -1) + 1,
    });
  }

  async releaseLease(connectionId: string, stream: Stream, owner: string): Promise<void> {
    const key = FakeCursorStore.key(connectionId, stream);
    const existing = this.items.get(key);
    if (existing?.leaseOwner === owner) {
      const { leaseOwner: _owner, leaseExpiresAt: _expires, ...rest } = existing;
      this.items.set(key, rest);
    }
  }

  async list(): Promise<Cursor[]> {
    return [...this.items.values()].map(clone);
  }
}

interface LedgerEntry {
  firstSeenAt: string;
  cursorVersion: number;
  expiresAt: number;
}

/** Conditional put: 'new' once per live eventId; an entry past its expiry counts as absent. */
export class FakeEventLedger implements EventLedger {
  /** Keyed by `connectionId/eventId`. */
  readonly items = new Map<string, LedgerEntry>();

  async record(args: {
    connectionId: string;
    eventId: string;
    firstSeenAt: Date;
    cursorVersion: number;
    expiresAt: Date;
  }): Promise<LedgerOutcome> {
    const key = `${args.connectionId}/${args.eventId}`;
    const existing = this.items.get(key);
    if (existing !== undefined && existing.expiresAt >= Math.floor(args.firstSeenAt.getTime() / 1000)) {
      return { status: 'seen', firstSeenAt: existing.firstSeenAt, cursorVersion: existing.cursorVersion };
    }
    this.items.set(key, {
      firstSeenAt: args.firstSeenAt.toISOString(),
      cursorVersion: args.cursorVersion,
      expiresAt: Math.floor(args.expiresAt.getTime() / 1000),
    });
    return { status: 'new' };
  }

  async has(args: { connectionId: string; eventIds: string[]; now: Date }): Promise<Set<string>> {
    const nowSeconds = Math.floor(args.now.getTime() / 1000);
    return new Set(
      args.eventIds.filter((eventId) => {
        const entry = this.items.get(`${args.connectionId}/${eventId}`);
        return entry !== undefined && entry.expiresAt >= nowSeconds;
      }),
    );
  }
}

/** Delivered markers in memory. `failNext` makes the next call of a method reject (a throttled store). */
export class FakeDeliveryMarkerStore implements DeliveryMarkerStore {
  /** Keyed by `subscriptionId/eventId`. */
  readonly items = new Map<string, { deliveredAt: string; expiresAt: number }>();
  private readonly failures = new Map<'has' | 'mark', unknown[]>();

  failNext(
    method: 'has' | 'mark',
    times = 1,
    error: unknown = new Error(`markers.${method} throttled`),
  ): void {
    this.failures.set(
      method,
      Array.from({ length: times }, () => error),
    );
  }

  private maybeFail(method: 'has' | 'mark'): void {
    const pending = this.failures.get(method);
    if (pending && pending.length > 0) throw pending.shift();
  }

  async has(subscriptionId: string, eventId: string): Promise<boolean> {
    this.maybeFail('has');
    return this.items.has(`${subscriptionId}/${eventId}`);
  }

  async mark(subscriptionId: string, eventId: string, deliveredAt: Date, expiresAt: Date): Promise<void> {
    this.maybeFail('mark');
    this.items.set(`${subscriptionId}/${eventId}`, {
      deliveredAt: deliveredAt.toISOString(),
      expiresAt: Math.floor(expiresAt.getTime() / 1000),
    });
  }
}

/** The local runtime's in-memory rate limiter, recording every call; `failNext` makes the next reserve reject. */
export class FakeHookRateLimiter extends InMemoryHookRateLimiter {
  readonly reserveCalls: Array<{ url: string; count: number }> = [];
  readonly restrictions: Array<{ url: string; until: number; perWindow: number }> = [];
  private failures = 0;

  constructor(policy: HookRatePolicy = hookRatePolicy(25)) {
    super(policy);
  }

  failNext(times = 1): void {
    this.failures = times;
  }

  override async reserve(url: string, count: number, now: Date): Promise<RateBooking[]> {
    this.reserveCalls.push({ url, count });
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('rate limiter throttled');
    }
    return super.reserve(url, count, now);
  }

  override async restrict(url: string, until: Date, perWindow: number, now: Date): Promise<void> {
    this.restrictions.push({ url, until: until.getTime(), perWindow });
    return super.restrict(url, until, perWindow, now);
  }
}

/** The DynamoDB adapter's claim rules, in memory. `failNext` makes the next call of a method reject. */
export class FakeIdempotencyStore implements IdempotencyStore {
  readonly items = new Map<string, IdempotencyRecord>();
  private readonly failures = new Map<'claim' | 'complete' | 'release', unknown>();

  failNext(method: 'claim' | 'complete' | 'release', error: unknown = new Error(`${method} failed`)): void {
    this.failures.set(method, error);
  }

  private maybeFail(method: 'claim' | 'complete' | 'release'): void {
    if (!this.failures.has(method)) return;
    const error = this.failures.get(method);
    this.failures.delete(method);
    throw error;
  }

  async claim(args: {
    key: string;
    bodyHash: string;
    now: Date;
    inProgressMs: number;
    ttlSeconds: number;
  }): Promise<IdempotencyClaim> {
    this.maybeFail('claim');
    const nowMs = args.now.getTime();
    const nowSeconds = Math.floor(nowMs / 1000);
    const existing = this.items.get(args.key);
    const replaceable =
      existing === undefined ||
      existing.expiresAt < nowSeconds ||
      (existing.status === 'IN_PROGRESS' && existing.inProgressExpiresAt < nowMs);
    if (replaceable) {
      this.items.set(args.key, {
        key: args.key,
        bodyHash: args.bodyHash,
        status: 'IN_PROGRESS',
        inProgressExpiresAt: nowMs + args.inProgressMs,
        expiresAt: nowSeconds + args.ttlSeconds,
      });
      return { status: 'claimed' };
    }
    if (existing.bodyHash !== args.bodyHash) return { status: 'mismatch' };
    if (existing.status === 'IN_PROGRESS') return { status: 'in_progress' };
    return { status: 'completed', record: clone(existing) };
  }

  async complete(args: { key: string; response: { statusCode: number; body: unknown } }): Promise<void> {
    this.maybeFail('complete');
    const existing = this.items.get(args.key);
    if (existing === undefined) {
      throw new StoreError(`Idempotency record ${args.key} no longer exists; cannot store its response`, {
        operation: 'IdempotencyStore.complete',
        tableName: 'fake',
        retryable: false,
      });
    }
    // Stored as JSON, like the adapter: what a replay returns is what JSON carries (no undefined, no Dates).
    const response = JSON.parse(JSON.stringify(args.response)) as IdempotencyRecord['response'];
    this.items.set(args.key, { ...existing, status: 'COMPLETED', response });
  }

  async release(key: string): Promise<void> {
    this.maybeFail('release');
    if (this.items.get(key)?.status === 'IN_PROGRESS') this.items.delete(key);
  }
}

/** Thrown by FakeCredentialCipher for a ciphertext made for another connection. */
export class FakeCipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FakeCipherError';
  }
}

/**
 * Reversible but not plaintext: `fake:<connectionId>:<base64 of the reversed text>`. Decrypting with another
 * connectionId fails, like KMS with a different encryption context.
 */
export class FakeCredentialCipher implements CredentialCipher {
  async encrypt(plaintext: string, context: { connectionId: string }): Promise<string> {
    const scrambled = Buffer.from([...plaintext].reverse().join(''), 'utf8').toString('base64');
    return `fake:${context.connectionId}:${scrambled}`;
  }

  async decrypt(ciphertext: string, context: { connectionId: string }): Promise<string> {
    const prefix = `fake:${context.connectionId}:`;
    if (!ciphertext.startsWith(prefix)) throw new FakeCipherError('ciphertext belongs to another connection');
    return [...Buffer.from(ciphertext.slice(prefix.length), 'base64').toString('utf8')].reverse().join('');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Konnektive

export type GatewayMethod = keyof KonnektiveGateway;

/** One call the fake received (credentials included, so tests can assert which tenant's were used). */
export interface FakeCall {
  method: GatewayMethod;
  credentials: KonnektiveCredentials;
  /** The query or the write parameters. */
  args: unknown;
}

type WriteMethod = 'importOrder' | 'importLead' | 'updateFulfillment' | 'cancelOrder' | 'updateCustomer';
type WriteHandler = (credentials: KonnektiveCredentials, params: KonnektiveParams) => unknown;

interface Hold {
  /** Resolves when a call has reached the hold. */
  reached: Promise<void>;
  /** Lets the held call continue. */
  release(): void;
}

/**
 * The one in-memory KonnektiveGateway of the core and handler tests. Queries page through `orders`, `transactions`,
 * `campaigns` and `customers` like the real API (filters: status, type, id, email, phone, date range in the query's
 * zone; `sortDir`; `resultsPerPage`; every page is selected anew, so records changed between pages shift as they
 * would). Writes answer plausible records, add the order to `orders` and its customer to `customers`. Script failures with `failNext`/`failAlways`,
 * replace a write with `onWrite`, refuse endpoints with `deny`, hold a call in flight with `hold`, and change
 * data mid-pagination with `afterPage`.
 */
export class FakeKonnektive implements KonnektiveGateway {
  orders: OrderRecord[] = [];
  transactions: TransactionRecord[] = [];
  campaigns: Campaign[] = [];
  customers: CustomerRecord[] = [];
  readonly calls: FakeCall[] = [];
  /** When set, any other loginId/password gets KonnektiveAuthError. */
  validCredentials: KonnektiveCredentials | undefined;
  /** Account zone: dates of created records, and of queries that name no zone. */
  timeZone: string;
  /** Called after each query page is produced (to change data mid-pagination). */
  afterPage: ((page: number) => void) | undefined;

  private readonly denied = new Set<GatewayMethod>();
  private readonly queued = new Map<GatewayMethod, unknown[]>();
  private readonly always = new Map<GatewayMethod, unknown>();
  private readonly writeHandlers = new Map<WriteMethod, WriteHandler>();
  private readonly holds = new Map<GatewayMethod, { resolveReached: () => void; released: Promise<void> }>();
  private sequence = 0;

  constructor(
    private readonly clock: Clock = { now: () => new Date() },
    timeZone = 'America/New_York',
  ) {
    this.timeZone = timeZone;
  }

  /** Wall-time string of an instant in the fake account's zone, as Konnektive writes dates. */
  wall(instant: Date): string {
    return formatKonnektiveDateTime(instant, this.timeZone);
  }

  /** Calls of one method. */
  callsTo(method: GatewayMethod): FakeCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** The next `times` calls of `method` throw `error`. */
  failNext(method: GatewayMethod, error: unknown, times = 1): this {
    const queue = this.queued.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(error);
    this.queued.set(method, queue);
    return this;
  }

  /** Every call of `method` throws `error` until `clearFailures`. */
  failAlways(method: GatewayMethod, error: unknown): this {
    this.always.set(method, error);
    return this;
  }

  clearFailures(): void {
    this.queued.clear();
    this.always.clear();
  }

  /** The API user lacks the permission of `method` (KonnektivePermissionError naming it). */
  deny(method: GatewayMethod): this {
    this.denied.add(method);
    return this;
  }

  /** Replaces a write's answer. */
  onWrite(method: WriteMethod, handler: WriteHandler): this {
    this.writeHandlers.set(method, handler);
    return this;
  }

  /** The next call of `method` waits (after being recorded) until `release()`. */
  hold(method: GatewayMethod): Hold {
    let resolveReached: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      resolveReached = resolve;
    });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.holds.set(method, { resolveReached, released });
    return { reached, release };
  }

  private async enter(
    method: GatewayMethod,
    credentials: KonnektiveCredentials,
    args: unknown,
  ): Promise<void> {
    this.calls.push({ method, credentials: { ...credentials }, args: clone(args) });
    const hold = this.holds.get(method);
    if (hold !== undefined) {
      this.holds.delete(method);
      hold.resolveReached();
      await hold.released;
    }
    const queue = this.queued.get(method);
    if (queue !== undefined && queue.length > 0) throw queue.shift();
    if (this.always.has(method)) throw this.always.get(method);
    const endpoint = ENDPOINTS[method];
    if (
      this.validCredentials !== undefined &&
      (credentials.loginId !== this.validCredentials.loginId ||
        credentials.password !== this.validCredentials.password)
    ) {
      throw new KonnektiveAuthError('Could not authenticate credentials', endpoint.path);
    }
    if (this.denied.has(method)) {
      throw new KonnektivePermissionError(
        `Permission denied: this API user does not have access to ${endpoint.permission}`,
        endpoint.path,
        endpoint.permission,
      );
    }
  }

  async *queryOrders(
    credentials: KonnektiveCredentials,
    query: OrderQuery,
  ): AsyncIterable<Page<OrderRecord>> {
    await this.enter('queryOrders', credentials, query);
    const zone = query.timeZone ?? this.timeZone;
    const field = query.dateRangeType ?? 'dateCreated';
    const matching = () =>
      this.orders.filter(
        (order) =>
          (query.orderStatus === undefined || order.orderStatus === query.orderStatus) &&
          (query.orderType === undefined || order.orderType === query.orderType) &&
          (query.orderId === undefined || order.orderId === query.orderId) &&
          (query.customerId === undefined || String(order.customerId) === String(query.customerId)) &&
          sameText(order.emailAddress, query.emailAddress) &&
          sameText(order.phoneNumber, query.phoneNumber) &&
          inRange(order[field], query.range, zone),
      );
    yield* this.paginate(() => sortBy(matching(), field, query.sortDir ?? 1), query.resultsPerPage);
  }

  async *queryTransactions(
    credentials: KonnektiveCredentials,
    query: TransactionQuery,
  ): AsyncIterable<Page<TransactionRecord>> {
    await this.enter('queryTransactions', credentials, query);
    const zone = query.timeZone ?? this.timeZone;
    const field = query.dateRangeType ?? 'dateCreated';
    const matching = () =>
      this.transactions.filter(
        (txn) =>
          (query.txnType === undefined || txn.txnType === query.txnType) &&
          (query.responseType === undefined || txn.responseType === query.responseType) &&
          (query.orderId === undefined || txn.orderId === query.orderId) &&
          inRange(txn[field], query.range, zone),
      );
    yield* this.paginate(() => sortBy(matching(), field, query.sortDir ?? 1), query.resultsPerPage);
  }

  async *queryCampaigns(
    credentials: KonnektiveCredentials,
    query: { campaignId?: number | string; resultsPerPage?: number } = {},
  ): AsyncIterable<Page<Campaign>> {
    await this.enter('queryCampaigns', credentials, query);
    yield* this.paginate(
      () =>
        this.campaigns.filter(
          (campaign) =>
            query.campaignId === undefined || String(campaign.campaignId) === String(query.campaignId),
        ),
      query.resultsPerPage,
    );
  }

  async *queryCustomers(
    credentials: KonnektiveCredentials,
    query: CustomerQuery,
  ): AsyncIterable<Page<CustomerRecord>> {
    await this.enter('queryCustomers', credentials, query);
    const zone = query.timeZone ?? this.timeZone;
    const field = query.dateRangeType ?? 'dateCreated';
    const matching = () =>
      this.customers.filter(
        (customer) =>
          (query.customerId === undefined || String(customer.customerId) === String(query.customerId)) &&
          sameText(customer.emailAddress, query.emailAddress) &&
          sameText(customer.phoneNumber, query.phoneNumber) &&
          inRange(customer[field], query.range, zone),
      );
    yield* this.paginate(() => sortBy(matching(), field, query.sortDir ?? 1), query.resultsPerPage);
  }

  async importOrder(
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
  ): Promise<Record<string, unknown>> {
    await this.enter('importOrder', credentials, params);
    const custom = this.writeHandlers.get('importOrder');
    if (custom !== undefined) return (await custom(credentials, params)) as Record<string, unknown>;
    const order = this.newOrder(params, 'COMPLETE');
    const cardNumber = params.cardNumber === undefined ? undefined : String(params.cardNumber);
    const record = {
      ...order,
      totalAmount: totalOf(params),
      paySource: params.paySource ?? 'CREDITCARD',
      ...(cardNumber === undefined ? {} : { cardLast4: cardNumber.slice(-4) }),
    };
    this.upsertOrder(record);
    return clone(record);
  }

  async importLead(
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
  ): Promise<Record<string, unknown>> {
    await this.enter('importLead', credentials, params);
    const custom = this.writeHandlers.get('importLead');
    if (custom !== undefined) return (await custom(credentials, params)) as Record<string, unknown>;
    const record = this.newOrder(params, 'PARTIAL');
    this.upsertOrder(record);
    return clone(record);
  }

  async updateFulfillment(credentials: KonnektiveCredentials, params: KonnektiveParams): Promise<unknown> {
    return this.simpleWrite('updateFulfillment', credentials, params, 'Fulfillment updated');
  }

  async cancelOrder(credentials: KonnektiveCredentials, params: KonnektiveParams): Promise<unknown> {
    const answer = await this.simpleWrite('cancelOrder', credentials, params, 'Order cancelled');
    const order = this.orders.find((o) => o.orderId === params.orderId);
    if (order !== undefined) order.orderStatus = 'CANCELLED';
    return answer;
  }

  async updateCustomer(credentials: KonnektiveCredentials, params: KonnektiveParams): Promise<unknown> {
    const answer = await this.simpleWrite('updateCustomer', credentials, params, 'Customer updated');
    const customer = this.customers.find((c) => String(c.customerId) === String(params.customerId));
    if (customer !== undefined) {
      const { customerId: _id, ...changes } = params;
      Object.assign(customer, changes, { dateUpdated: this.wall(this.clock.now()) });
    }
    return answer;
  }

  private async simpleWrite(
    method: WriteMethod,
    credentials: KonnektiveCredentials,
    params: KonnektiveParams,
    text: string,
  ): Promise<unknown> {
    await this.enter(method, credentials, params);
    const custom = this.writeHandlers.get(method);
    return custom === undefined ? { message: text } : custom(credentials, params);
  }

  /** 1-based pages, each selected anew; an empty result is one empty page (the port's contract), never an error. */
  private *paginate<T>(select: () => T[], resultsPerPage = 200): Generator<Page<T>> {
    const size = Math.max(1, Math.min(200, resultsPerPage));
    for (let page = 1; ; page++) {
      const all = select();
      const records = all.slice((page - 1) * size, page * size).map(clone);
      yield { page, resultsPerPage: size, totalResults: all.length, records, rejected: [] };
      this.afterPage?.(page);
      if (records.length < size || page * size >= all.length) return;
    }
  }

  private newOrder(params: KonnektiveParams, orderStatus: string): OrderRecord {
    this.sequence += 1;
    const now = formatKonnektiveDateTime(this.clock.now(), this.timeZone);
    return {
      orderId:
        params.orderId === undefined
          ? (0xa000000000 + this.sequence).toString(16).toUpperCase()
          : String(params.orderId),
      customerId: 1000 + this.sequence,
      orderStatus,
      orderType: 'NEW_SALE',
      campaignId: Number(params.campaignId),
      dateCreated: now,
      dateUpdated: now,
      firstName: params.firstName ?? null,
      lastName: params.lastName ?? null,
      emailAddress: params.emailAddress ?? null,
    };
  }

  private upsertOrder(record: OrderRecord): void {
    const index = this.orders.findIndex((o) => o.orderId === record.orderId);
    if (index === -1) this.orders.push(record);
    else this.orders[index] = { ...this.orders[index], ...record };
    const customerId = Number(record.customerId);
    if (!this.customers.some((c) => c.customerId === customerId)) {
      this.customers.push({
        customerId,
        firstName: record.firstName ?? null,
        lastName: record.lastName ?? null,
        emailAddress: record.emailAddress ?? null,
        dateCreated: record.dateCreated,
        dateUpdated: record.dateCreated,
      });
    }
  }
}

const totalOf = (params: KonnektiveParams): string => {
  let total = 0;
  for (let n = 1; params[`product${n}_id`] !== undefined; n++) {
    const qty = Number(params[`product${n}_qty`] ?? 1);
    total += qty * Number(params[`product${n}_price`] ?? 10) + Number(params[`product${n}_shipPrice`] ?? 0);
  }
  return total.toFixed(2);
};

/** An exact-match text filter, case-insensitive like Konnektive's; no filter matches everything. */
const sameText = (value: unknown, filter: string | undefined): boolean =>
  filter === undefined || (typeof value === 'string' && value.toLowerCase() === filter.toLowerCase());

const inRange = (value: unknown, range: { start: Date; end: Date } | undefined, zone: string): boolean => {
  if (range === undefined) return true;
  if (typeof value !== 'string') return false;
  const at = parseKonnektiveDateTime(value, zone).instant.getTime();
  return at >= range.start.getTime() && at <= range.end.getTime();
};

const sortBy = <T extends Record<string, unknown>>(records: T[], field: string, sortDir: 0 | 1): T[] =>
  [...records].sort((a, b) => {
    const order = String(a[field] ?? '').localeCompare(String(b[field] ?? ''));
    return sortDir === 1 ? order : -order;
  });

// Record builders

let counter = 0;
/** A Konnektive-shaped order. */
export const order = (fields: Partial<OrderRecord> & { dateCreated: string }): OrderRecord => {
  counter += 1;
  return {
    orderId: counter.toString(16).toUpperCase().padStart(10, '0'),
    orderStatus: 'COMPLETE',
    orderType: 'NEW_SALE',
    dateUpdated: fields.dateCreated,
    totalAmount: '10.00',
    customerId: counter,
    items: [],
    ...fields,
  };
};

/** A Konnektive-shaped transaction. */
export const transaction = (
  fields: Partial<TransactionRecord> & { dateCreated: string },
): TransactionRecord => {
  counter += 1;
  return {
    transactionId: counter,
    txnType: 'SALE',
    responseType: 'SUCCESS',
    dateUpdated: fields.dateCreated,
    totalAmount: '10.00',
    orderId: counter.toString(16).toUpperCase().padStart(10, '0'),
    ...fields,
  };
};

// ---------------------------------------------------------------------------------------------------------
// All together

export interface Fakes {
  clock: FakeClock;
  connections: FakeConnectionStore;
  tokens: FakeTokenStore;
  subscriptions: FakeSubscriptionStore;
  cursors: FakeCursorStore;
  ledger: FakeEventLedger;
  deliveries: FakeDeliveryMarkerStore;
  idempotency: FakeIdempotencyStore;
  cipher: FakeCredentialCipher;
  konnektive: FakeKonnektive;
}

/** A fresh set of fakes sharing one clock. */
export const createFakes = (start?: Date | string): Fakes => {
  const clock = new FakeClock(start);
  return {
    clock,
    connections: new FakeConnectionStore(),
    tokens: new FakeTokenStore(),
    subscriptions: new FakeSubscriptionStore(),
    cursors: new FakeCursorStore(),
    ledger: new FakeEventLedger(),
    deliveries: new FakeDeliveryMarkerStore(),
    idempotency: new FakeIdempotencyStore(),
    cipher: new FakeCredentialCipher(),
    konnektive: new FakeKonnektive(clock),
  };
};
