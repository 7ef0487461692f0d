/**
 * The Zapier app end to end, the way a merchant's Zap uses it: the app's own functions run through
 * zapier-platform-core's real handler (appTester: middleware, result checks, error classes) against the whole local
 * runtime — the HTTP API's Lambda handlers on DynamoDB Local, the poller, bus, delivery queue and deliverer — with
 * the Konnektive simulator behind it and a local hook receiver standing in for hooks.zapier.com.
 *
 * The steps share one runtime and run in order, like a user's session: connect → switch Zaps on (subscribe) and
 * see hooks arrive → run actions → replay an action → search → switch a Zap off → meet the error classes (Konnektive down, an unknown outcome, a password changed in the CRM). Everything the app's functions
 * return is captured and run through Zapier's integration checks at the end; with UPDATE_LIVE_RESULTS=1 it is also
 * written to zapier/test/fixtures/live-results.json, which the unit tests check on every run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App, appTester, errorPayload, fn, rejection } from '../support/app.js';
import {
  checkLiveResults,
  type LiveResult,
  type LiveResultsFile,
  sensitiveValues,
} from '../support/integration-checks.js';
import {
  deliveriesSettled,
  type Harness,
  hooksAt,
  loadHarness,
  messageField,
  onlyCall,
  payloadOf,
  type Sim,
  tickQuietly,
  tickUntilHook,
} from './runtime.js';

/** The simulator's built-in API user (fake credentials, loopback only). */
const DEMO = { loginId: 'demo-api-user', password: 'demo-password-123' };
/** Konnektive's test card (approves) and the simulator's hard-decline card; obviously fake numbers. */
const TEST_CARD = '0000000000000000';
const TEST_CVV = '100';
const DECLINE_CARD = '4000000000000002';
const CARD_YEAR = String(new Date().getUTCFullYear() + 3);
const ACCOUNT_TIME_ZONE = 'America/New_York';

const STEP_TIMEOUT = 120_000;

let running: Harness | undefined;
/** authData after the Connect step: what Zapier stores for the connection. */
let connection: { loginId: string; password: string; sessionKey: string } | undefined;

const h = (): Harness => {
  if (!running) throw new Error('the runtime did not start');
  return running;
};
const auth = () => {
  if (!connection) throw new Error('the Connect step did not produce a session');
  return connection;
};

beforeAll(async () => {
  running = await loadHarness();
  process.env.API_BASE_URL = running.runtime.apiUrl;
}, STEP_TIMEOUT);

beforeEach(() => {
  // The app reads API_BASE_URL on every call (as Zapier injects it); keep it on the runtime for each step.
  process.env.API_BASE_URL = h().runtime.apiUrl;
});

afterAll(async () => {
  await running?.stop();
  running = undefined;
}, STEP_TIMEOUT);

type Json = Record<string, unknown>;

const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asJson = (value: unknown, what: string): Json => {
  if (!isJson(value)) throw new Error(`${what} is not a JSON object: ${JSON.stringify(value)}`);
  return value;
};

const asJsonArray = (value: unknown, what: string): Json[] => {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array: ${JSON.stringify(value)}`);
  return value.map((item, index) => asJson(item, `${what}[${index}]`));
};

const sortedKeys = (value: Json): string[] => Object.keys(value).sort();

/** What the app's functions returned, in the live-results format (checked in step 8). */
const captured: LiveResult[] = [];

/** A date-time as the contract wants it in every record: ISO-8601 with the account's offset. */
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)$/;

/**
 * How Zapier renders a string connection label: `{{key}}` from the auth fields and the test's answer hoisted to
 * the top level.
 */
const renderLabel = (template: string, context: Json): string =>
  template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => {
    const value = context[key];
    return value === undefined || value === null ? '' : String(value);
  });

/** `MM/DD/YYYY` of an instant in the account's zone, as Konnektive wants dates. */
const accountDate = (instant: Date): string =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: ACCOUNT_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);

// ------------------------------------------------------------------------------------------------ 1. Connect

describe('1. connect (session auth)', { timeout: STEP_TIMEOUT }, () => {
  const authentication = App.authentication;
  const exchange = fn(authentication?.sessionConfig?.perform);
  const test = fn(authentication?.test);

  it("refuses a wrong password with the API's message, which never echoes the password", async () => {
    const wrongPassword = 'wrong-password-not-real-000';
    const error = await rejection(
      appTester(exchange, { authData: { loginId: DEMO.loginId, password: wrongPassword } }),
    );

    expect(error.name).toBe('AppError');
    const payload = errorPayload(error);
    expect(payload).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 403 });
    expect(String(payload.message)).toContain('Konnektive rejected the login ID or password');
    expect(error.message).not.toContain(wrongPassword);
  });

  it('exchanges the right password for a session key; the test passes and the label is the login id', async () => {
    const session = asJson(
      await appTester(exchange, { authData: { loginId: DEMO.loginId, password: DEMO.password } }),
      'sessionConfig.perform result',
    );
    expect(Object.keys(session)).toEqual(['sessionKey']);
    const { sessionKey } = session;
    if (typeof sessionKey !== 'string') throw new Error('sessionKey is not a string');
    expect(sessionKey.length).toBeGreaterThanOrEqual(32);
    expect(sessionKey).not.toContain(DEMO.password);

    // Zapier merges the session key into authData and runs the connection test with it.
    const authData = { ...DEMO, sessionKey };
    const me = asJson(await appTester(test, { authData }), 'authentication.test result');
    expect(me).toMatchObject({ loginId: DEMO.loginId, timeZone: ACCOUNT_TIME_ZONE });
    expect(String(me.connectionId)).toMatch(/^c_[0-9a-f]{24}$/);
    expect(JSON.stringify(me)).not.toContain(DEMO.password);
    expect(JSON.stringify(me)).not.toContain(sessionKey);

    const template = authentication?.connectionLabel;
    if (typeof template !== 'string') throw new Error('connectionLabel is not a string template');
    const label = renderLabel(template, { ...authData, ...me });
    expect(label).toBe(DEMO.loginId);
    expect(label).not.toContain(DEMO.password);

    connection = authData;
  });

  it('asks the user to reconnect when a session refresh finds the stored password refused (ExpiredAuthError)', async () => {
    const error = await rejection(
      appTester(exchange, {
        authData: { ...auth(), password: 'stale-password-not-real-000' },
      }),
    );
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).not.toContain('stale-password-not-real-000');
  });

  it('asks Zapier to refresh the session when the key is unknown (401 → RefreshAuthError)', async () => {
    const error = await rejection(
      appTester(test, { authData: { ...auth(), sessionKey: 'not-a-real-session-key-0000000000000000' } }),
    );
    expect(error.name).toBe('RefreshAuthError');
  });
});

// ----------------------------------------------------------------------------------------------- 2. Triggers

type TriggerKey = 'order' | 'transaction';

const hookOps = (trigger: TriggerKey) => {
  const op = App.triggers[trigger].operation;
  return {
    performSubscribe: fn('performSubscribe' in op ? op.performSubscribe : undefined),
    performUnsubscribe: fn('performUnsubscribe' in op ? op.performUnsubscribe : undefined),
    perform: fn('perform' in op ? op.perform : undefined),
    performList: fn('performList' in op ? op.performList : undefined),
  };
};

/** The newest transaction id matching `match`, after `make` created it. */
const newTransaction = (sim: Sim, make: () => void, match: (record: Json) => boolean): string => {
  const before = new Set(sim.listTransactions().map((record) => String(record.transactionId)));
  make();
  const created = sim
    .listTransactions()
    .filter((record) => !before.has(String(record.transactionId)) && match(record));
  expect(created).toHaveLength(1);
  return String(created[0]?.transactionId);
};

/** Each trigger type, and how a merchant's CRM produces one such event (returns its event id). */
const TRIGGER_CASES: ReadonlyArray<{
  trigger: TriggerKey;
  typeField: 'orderType' | 'transactionType';
  type: string;
  produce: (sim: Sim) => string;
}> = [
  {
    trigger: 'order',
    typeField: 'orderType',
    type: 'NEW_SALE',
    produce: (sim) => `NEW_SALE-${messageField(sim.importOrder())}`,
  },
  {
    trigger: 'order',
    typeField: 'orderType',
    type: 'NEW_LEAD',
    produce: (sim) => `NEW_LEAD-${messageField(sim.createLead())}`,
  },
  {
    trigger: 'order',
    typeField: 'orderType',
    type: 'CANCELLED',
    produce: (sim) => {
      const orderId = messageField(sim.importOrder());
      messageField(sim.cancelOrder(orderId, 'e2e: customer changed their mind'));
      return `CANCELLED-${orderId}`;
    },
  },
  {
    trigger: 'transaction',
    typeField: 'transactionType',
    type: 'DECLINE',
    produce: (sim) =>
      `DECLINE-${newTransaction(
        sim,
        () => {
          expect(sim.importOrder({ cardNumber: DECLINE_CARD, cardSecurityCode: '123' }).result).toBe('ERROR');
        },
        (record) => record.responseType === 'HARD_DECLINE',
      )}`,
  },
  {
    trigger: 'transaction',
    typeField: 'transactionType',
    type: 'REFUND',
    produce: (sim) => {
      const orderId = messageField(sim.importOrder());
      return `REFUND-${newTransaction(
        sim,
        () => messageField(sim.refundOrder(orderId, 'full')),
        (record) => record.txnType === 'REFUND' && record.responseType === 'SUCCESS',
      )}`;
    },
  },
];

const hookPath = (trigger: string, type: string) => `/${trigger}/${type}`;

/** What Zapier keeps as `subscribeData` per Zap: performSubscribe's answer, with its top-level `id`. */
type SubscribeData = Json & { id: string };
const subscribed = new Map<string, SubscribeData>();

describe('2. instant triggers: subscribe, hook, perform, performList', { timeout: STEP_TIMEOUT }, () => {
  it.each(TRIGGER_CASES)(
    '$trigger $type: a CRM event reaches the Zap, and the sample has the payload keys',
    async ({ trigger, typeField, type, produce }) => {
      const ops = hookOps(trigger);
      const path = hookPath(trigger, type);
      const targetUrl = h().receiver.hook(path);
      const inputData = { [typeField]: type };

      // Zap switched on.
      const subscription = asJson(
        await appTester(ops.performSubscribe, { authData: auth(), inputData, targetUrl }),
        'performSubscribe result',
      );
      expect(subscription).toMatchObject({ trigger, type, targetUrl });
      const { id } = subscription;
      if (typeof id !== 'string' || id === '') throw new Error('performSubscribe returned no string id');
      const subscribeData: SubscribeData = { ...subscription, id };
      subscribed.set(path, subscribeData);

      // Something happens in the CRM; the runtime polls and posts it to the Zap's hook URL.
      const eventId = produce(h().sim);
      const payload = await tickUntilHook(h(), path, eventId);
      expect(payload).toMatchObject({ id: eventId, event: `${trigger}.${type}`, connection: DEMO.loginId });
      expect(String(payload.occurredAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      // Zapier hands the POSTed body to perform: one Zap run with exactly that payload.
      const runs = await appTester(ops.perform, {
        authData: auth(),
        inputData,
        cleanedRequest: payload,
        subscribeData,
      });
      expect(runs).toEqual([payload]);
      captured.push({
        kind: 'triggers',
        key: trigger,
        method: 'perform',
        case: type,
        items: asJsonArray(runs, 'runs'),
      });
      if (trigger === 'order') expect(Array.isArray(payload.items), 'order items are line items').toBe(true);
      expect(String(payload.dateCreated)).toMatch(ISO_WITH_OFFSET);

      // The editor's "test trigger" (performList) must show the same shape as the hook, or mapped fields blank.
      const samples = asJsonArray(
        await appTester(ops.performList, { authData: auth(), inputData, meta: { isLoadingSample: true } }),
        'performList result',
      );
      captured.push({ kind: 'triggers', key: trigger, method: 'performList', case: type, items: samples });
      expect(samples.length).toBeGreaterThanOrEqual(1);
      expect(samples.length).toBeLessThanOrEqual(3);
      const [first] = samples;
      if (!first) throw new Error('performList returned nothing');
      // Named differences first (a readable failure), then the exact key lists.
      expect(
        {
          onlyInSample: sortedKeys(first).filter((key) => !(key in payload)),
          onlyInHook: sortedKeys(payload).filter((key) => !(key in first)),
        },
        'performList first item keys vs hook payload keys',
      ).toEqual({ onlyInSample: [], onlyInHook: [] });
      expect(sortedKeys(first)).toEqual(sortedKeys(payload));
      // The event just delivered is among the newest samples, serialized identically.
      const same = samples.find((sample) => sample.id === eventId);
      expect(same, `sample ${eventId} among ${JSON.stringify(samples.map((s) => s.id))}`).toEqual(payload);
      for (const sample of samples) {
        expect(sample).toMatchObject({ event: `${trigger}.${type}`, connection: DEMO.loginId });
        expect(String(sample.id)).not.toMatch(/^sample-/);
      }
    },
  );
});

// ------------------------------------------------------------------------------------------------ 3. Creates

type CreateKey = keyof typeof App.creates;
const create = (key: CreateKey) => fn(App.creates[key].operation.perform);

/**
 * A create's result: the resource's new state (the order, or the customer for update_customer), as the API's
 * record serializer writes it. Captured for the integration checks.
 */
const actionResult = (key: CreateKey, value: unknown): Json => {
  const result = asJson(value, `${key} result`);
  captured.push({ kind: 'creates', key, method: 'perform', items: [result] });
  if (key === 'update_customer') {
    expect(result.id).toBe(String(result.customerId));
  } else {
    expect(result.id, `${key} result id`).toBe(result.orderId);
    expect(String(result.orderId)).toMatch(/^[0-9A-F]{10}$/);
    expect(Array.isArray(result.items), `${key} items are line items`).toBe(true);
  }
  expect(String(result.dateCreated)).toMatch(ISO_WITH_OFFSET);
  expect(String(result.dateUpdated)).toMatch(ISO_WITH_OFFSET);
  return result;
};

/** What the Campaign and Product dropdowns offered (filled in by the first create test). */
let picked: { campaignId: string; productId: string } | undefined;
const dropdowns = () => {
  if (!picked) throw new Error('the dropdown step did not pick a campaign and product');
  return picked;
};
/** A hidden dropdown trigger's perform. */
const dropdownPerform = (key: 'campaign_list' | 'campaign_product_list') => {
  const op = App.triggers[key].operation;
  return fn('perform' in op ? op.perform : undefined);
};

/** The sale made through create_sale, used by the later actions. */
let sale: Json | undefined;
const theSale = () => {
  if (!sale) throw new Error('the create_sale step did not create a sale');
  return sale;
};

const buyer = {
  firstName: 'Testy',
  lastName: 'McTestface',
  emailAddress: 'testy.mctestface@example.com',
  phoneNumber: '555-0100',
  address1: '1 Test Way',
  city: 'Springfield',
  state: 'IL',
  postalCode: '62701',
  country: 'US',
};

/** A create_sale step as a user would fill it in, from the dropdowns' values. */
const saleInput = (overrides: Json = {}): Json => ({
  campaignId: dropdowns().campaignId,
  products: [{ id: dropdowns().productId, qty: '2' }],
  paySource: 'CREDITCARD',
  cardNumber: TEST_CARD,
  cardMonth: '12',
  cardYear: CARD_YEAR,
  cardSecurityCode: TEST_CVV,
  ...buyer,
  billShipSame: 'true',
  ...overrides,
});

describe('3. actions', { timeout: STEP_TIMEOUT }, () => {
  it('the Campaign and Product dropdowns list the account’s campaign 1 and its products', async () => {
    const campaigns = asJsonArray(
      await appTester(dropdownPerform('campaign_list'), {
        authData: auth(),
        meta: { page: 0, isFillingDynamicDropdown: true },
      }),
      'campaign_list result',
    );
    const campaign = campaigns.find((item) => item.id === '1');
    expect(campaign, `campaign 1 among ${JSON.stringify(campaigns.map((c) => c.id))}`).toBeDefined();
    expect(typeof campaign?.name).toBe('string');

    const products = asJsonArray(
      await appTester(dropdownPerform('campaign_product_list'), {
        authData: auth(),
        inputData: { campaignId: '1' },
        meta: { isFillingDynamicDropdown: true },
      }),
      'campaign_product_list result',
    );
    expect(products.length).toBeGreaterThan(0);
    const [product] = products;
    expect(product).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: expect.any(String) });
    picked = { campaignId: String(campaign?.id), productId: String(product?.id) };
  });

  it("create_sale charges the test card through order/import with Konnektive's names", async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const result = actionResult(
      'create_sale',
      await appTester(create('create_sale'), {
        authData: auth(),
        inputData: saleInput({ custom1: 'e2e-sale-1' }),
      }),
    );

    const call = onlyCall(h(), 'order/import');
    expect(call.result).toBe('SUCCESS');
    expect(call.params).toMatchObject({
      loginId: DEMO.loginId,
      campaignId: dropdowns().campaignId,
      product1_id: dropdowns().productId,
      product1_qty: '2',
      paySource: 'CREDITCARD',
      cardMonth: '12',
      cardYear: CARD_YEAR,
      ...buyer,
      // Booleans go to Konnektive as 1/0.
      billShipSame: '1',
      custom1: 'e2e-sale-1',
    });
    // The simulator's log masks the card and drops the password; nothing of our own naming leaks through.
    expect(call.params.cardNumber).not.toBe(TEST_CARD);
    expect(call.params.cardNumber).toMatch(/0000$/);
    expect(call.params).not.toHaveProperty('password');
    expect(call.params).not.toHaveProperty('products');

    expect(result).toMatchObject({
      orderStatus: 'COMPLETE',
      orderType: 'NEW_SALE',
      cardLast4: TEST_CARD.slice(-4),
    });
    expect(result.campaignId).toBe(Number(dropdowns().campaignId));
    expect(result.customerId).toEqual(expect.any(Number));
    const order = sim.getOrder(String(result.orderId));
    expect(order).toMatchObject({ orderStatus: 'COMPLETE', emailAddress: buyer.emailAddress });
    expect(String(result.totalAmount)).toBe(String(order?.totalAmount));
    expect(Number(result.customerId)).toBe(Number(order?.customerId));
    sale = result;
  });

  it('create_lead creates a partial order through leads/import', async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const lead = {
      firstName: 'Leady',
      lastName: 'McLeadface',
      emailAddress: 'leady.mcleadface@example.com',
      phoneNumber: '555-0101',
    };
    const result = actionResult(
      'create_lead',
      await appTester(create('create_lead'), {
        authData: auth(),
        inputData: { campaignId: dropdowns().campaignId, ...lead, billShipSame: 'true' },
      }),
    );

    const call = onlyCall(h(), 'leads/import');
    expect(call.params).toMatchObject({ campaignId: dropdowns().campaignId, ...lead });
    expect(result).toMatchObject({ orderStatus: 'PARTIAL', ...lead });
    expect(sim.getOrder(String(result.orderId))).toMatchObject({
      orderStatus: 'PARTIAL',
      emailAddress: lead.emailAddress,
    });
  });

  it('update_fulfillment ships the sale with a tracking number through fulfillment/update', async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const orderId = String(theSale().orderId);
    const shippedAt = new Date();
    const result = actionResult(
      'update_fulfillment',
      await appTester(create('update_fulfillment'), {
        authData: auth(),
        inputData: {
          orderId,
          fulfillmentStatus: 'SHIPPED',
          trackingNumber: '9400100000000000000000',
          dateShipped: shippedAt.toISOString(),
          shipCarrier: 'USPS',
        },
      }),
    );

    const call = onlyCall(h(), 'fulfillment/update');
    expect(call.result).toBe('SUCCESS');
    expect(call.params).toMatchObject({
      orderId,
      fulfillmentStatus: 'SHIPPED',
      trackingNumber: '9400100000000000000000',
      // Zapier's ISO instant becomes the account's local date.
      dateShipped: accountDate(shippedAt),
      shipCarrier: 'USPS',
    });
    // The order's new state, its fulfillment included.
    expect(result.orderId).toBe(orderId);
    expect(JSON.stringify(result.fulfillments)).toContain('9400100000000000000000');
  });

  it('update_customer changes only the given fields through customer/update', async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const customerId = String(theSale().customerId);
    const result = actionResult(
      'update_customer',
      await appTester(create('update_customer'), {
        authData: auth(),
        // Mapped from an earlier step, ids arrive as text.
        inputData: { customerId, city: 'Shelbyville', phoneNumber: '555-0199' },
      }),
    );

    const call = onlyCall(h(), 'customer/update');
    expect(call.params).toMatchObject({ customerId, city: 'Shelbyville', phoneNumber: '555-0199' });
    expect(call.params).not.toHaveProperty('firstName');
    // The customer's new state.
    expect(result).toMatchObject({ id: customerId, city: 'Shelbyville', phoneNumber: '555-0199' });
    expect(String(result.customerId)).toBe(customerId);
    const customer = sim.listCustomers().find((record) => String(record.customerId) === customerId);
    expect(customer).toMatchObject({
      city: 'Shelbyville',
      phoneNumber: '555-0199',
      lastName: buyer.lastName,
    });
  });

  it('cancel_order cancels the sale through order/cancel', async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const orderId = String(theSale().orderId);
    const result = actionResult(
      'cancel_order',
      await appTester(create('cancel_order'), {
        authData: auth(),
        inputData: { orderId, cancelReason: 'e2e: customer asked to cancel', fullRefund: 'false' },
      }),
    );

    const call = onlyCall(h(), 'order/cancel');
    expect(call.params).toMatchObject({ orderId, cancelReason: 'e2e: customer asked to cancel' });
    expect(result).toMatchObject({ orderId, orderStatus: 'CANCELLED' });
    expect(sim.getOrder(orderId)).toMatchObject({ orderStatus: 'CANCELLED' });
  });

  it("a declined card halts the step with Konnektive's decline text (and never shows the card number)", async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const error = await rejection(
      appTester(create('create_sale'), {
        authData: auth(),
        inputData: saleInput({ cardNumber: DECLINE_CARD, cardSecurityCode: '123', custom1: 'e2e-decline-1' }),
      }),
    );

    // A decline is an expected outcome: Halted, so it never counts toward Zapier turning the Zap off.
    expect(error.name).toBe('HaltedError');
    expect(error.message).toContain('Transaction Declined: Card Declined');
    expect(error.message).not.toContain(DECLINE_CARD);
    expect(onlyCall(h(), 'order/import').result).toBe('ERROR');
  });
});

// ------------------------------------------------------------------------------------------------- 4. Replay

describe('4. replay', { timeout: STEP_TIMEOUT }, () => {
  it('running the same create_sale step twice returns the first result and charges once', async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const bundle = { authData: auth(), inputData: saleInput({ uniqueSourceId: 'e2e-replay-1' }) };

    const first = actionResult('create_sale', await appTester(create('create_sale'), bundle));
    const second = actionResult('create_sale', await appTester(create('create_sale'), bundle));

    expect(second).toEqual(first);
    expect(onlyCall(h(), 'order/import').result).toBe('SUCCESS');
    const charges = sim
      .listTransactions()
      .filter((record) => record.orderId === first.orderId && record.txnType === 'SALE');
    expect(charges).toHaveLength(1);
  });

  it('Update Customer A → B → A within minutes really sets A again (updates carry no Idempotency-Key)', async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const customerId = String(theSale().customerId);
    for (const city of ['Ogdenville', 'North Haverbrook', 'Ogdenville']) {
      await appTester(create('update_customer'), { authData: auth(), inputData: { customerId, city } });
    }
    const calls = sim.requestLog().filter((entry) => entry.endpoint === 'customer/update');
    expect(calls.map((call) => call.params.city)).toEqual(['Ogdenville', 'North Haverbrook', 'Ogdenville']);
    const customer = sim.listCustomers().find((record) => String(record.customerId) === customerId);
    expect(customer).toMatchObject({ city: 'Ogdenville' });
  });
});

// ------------------------------------------------------------------------------------------------ 5. Searches

describe('5. searches', { timeout: STEP_TIMEOUT }, () => {
  const search = (key: 'find_order' | 'find_customer') => fn(App.searches[key].operation.perform);

  it('find_order finds the sale by its order id, and by email newest first', async () => {
    const orderId = String(theSale().orderId);
    const byId = asJsonArray(
      await appTester(search('find_order'), { authData: auth(), inputData: { orderId } }),
      'find_order result',
    );
    captured.push({ kind: 'searches', key: 'find_order', method: 'perform', items: byId });
    expect(byId.map((order) => order.orderId)).toEqual([orderId]);
    expect(byId[0]).toMatchObject({ id: orderId, emailAddress: buyer.emailAddress });

    const byEmail = asJsonArray(
      await appTester(search('find_order'), {
        authData: auth(),
        inputData: { emailAddress: buyer.emailAddress },
      }),
      'find_order result',
    );
    expect(byEmail.length).toBeGreaterThanOrEqual(2);
    expect(byEmail.length).toBeLessThanOrEqual(10);
    const created = byEmail.map((order) => Date.parse(String(order.dateCreated)));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(byEmail.map((order) => order.orderId)).toContain(orderId);
  });

  it('find_order finds nothing for an unknown order id, without failing', async () => {
    const none = await appTester(search('find_order'), {
      authData: auth(),
      inputData: { orderId: 'FFFFFFFFFF' },
    });
    expect(none).toEqual([]);
  });

  it('find_customer finds the buyer by email', async () => {
    const found = asJsonArray(
      await appTester(search('find_customer'), {
        authData: auth(),
        inputData: { emailAddress: buyer.emailAddress },
      }),
      'find_customer result',
    );
    captured.push({ kind: 'searches', key: 'find_customer', method: 'perform', items: found });
    expect(found.map((customer) => String(customer.customerId))).toContain(String(theSale().customerId));
  });
});

// -------------------------------------------------------------------------------------------- 6. Unsubscribe

describe('6. unsubscribe', { timeout: STEP_TIMEOUT }, () => {
  it('after performUnsubscribe a later sale reaches a still-subscribed Zap but not the switched-off one', async () => {
    const harness = h();
    const ops = hookOps('order');
    const offPath = hookPath('order', 'NEW_SALE');
    const subscription = subscribed.get(offPath);
    if (!subscription) throw new Error(`no subscription for ${offPath} from the trigger step`);

    // A second Zap on New Sale stays on: it proves later sales are still detected and delivered.
    const onPath = '/order/NEW_SALE/still-on';
    await appTester(ops.performSubscribe, {
      authData: auth(),
      inputData: { orderType: 'NEW_SALE' },
      targetUrl: harness.receiver.hook(onPath),
    });
    // Everything the earlier steps produced is delivered before the Zap is switched off.
    await tickQuietly(harness, 2);

    const unsubscribed = await appTester(ops.performUnsubscribe, {
      authData: auth(),
      inputData: { orderType: 'NEW_SALE' },
      subscribeData: subscription,
    });
    expect(unsubscribed).toEqual({ id: subscription.id, deleted: true });
    const listed = await harness.api('GET', '/subscriptions', undefined, auth().sessionKey);
    expect(listed.status).toBe(200);
    const ids = asJsonArray(listed.body.subscriptions, 'subscriptions').map((s) => s.id);
    expect(ids).not.toContain(subscription.id);
    const switchedOffAt = Date.now();

    const eventId = `NEW_SALE-${messageField(harness.sim.importOrder())}`;
    await tickUntilHook(harness, onPath, eventId);
    await deliveriesSettled(harness);
    await tickQuietly(harness, 2);

    const afterOff = hooksAt(harness, offPath).filter((hook) => hook.receivedAt >= switchedOffAt);
    expect(afterOff.map((hook) => payloadOf(hook).id)).toEqual([]);
    expect(hooksAt(harness, onPath).filter((hook) => payloadOf(hook).id === eventId)).toHaveLength(1);

    // Zapier may call unsubscribe again (e.g. a retried Zap-off): still fine.
    const again = await appTester(ops.performUnsubscribe, {
      authData: auth(),
      inputData: { orderType: 'NEW_SALE' },
      subscribeData: subscription,
    });
    expect(again).toEqual({ id: subscription.id, deleted: true });
  });
});

// ------------------------------------------------------------------------------------------- 7. Error classes

/** The simulator's request log as its control API answers it (`GET /_sim/requests`): what Konnektive saw. */
const konnektiveSaw = async (): Promise<Json[]> => {
  const response = await fetch(`${h().simulator.url}/_sim/requests`);
  return asJsonArray(asJson(await response.json(), '/_sim/requests').requests, 'requests');
};

describe('7. error classes as Zapier sees them', { timeout: STEP_TIMEOUT }, () => {
  const search = (key: 'find_order' | 'find_customer') => fn(App.searches[key].operation.perform);

  it('Konnektive down for a read → ThrottledError (503 with Retry-After): Zapier retries the step later', async () => {
    const { sim } = h();
    sim.setFaults({ errorRate: 1, endpoints: ['order/query'] });
    try {
      const error = await rejection(
        appTester(search('find_order'), {
          authData: auth(),
          inputData: { orderId: String(theSale().orderId) },
        }),
      );
      expect(error.name).toBe('ThrottledError');
      expect(error.message).toMatch(/Konnektive is unavailable/);
    } finally {
      sim.setFaults({ errorRate: 0, endpoints: null });
    }
  });

  it('a sale Konnektive processed but never answered → OUTCOME_UNKNOWN, an error the user reads (never a retry); the replayed step charges nothing', async () => {
    const { sim } = h();
    sim.clearRequestLog();
    const ordersBefore = sim.listOrders().length;
    // Konnektive processes the sale, then the answer is lost (an HTTP 5xx instead of the order).
    sim.setFaults({ errorRate: 1, endpoints: ['order/import'], afterProcessing: true });
    const bundle = { authData: auth(), inputData: saleInput({ uniqueSourceId: 'e2e-unknown-1' }) };
    try {
      const error = await rejection(appTester(create('create_sale'), bundle));
      expect(error.name).not.toBe('ThrottledError');
      const payload = errorPayload(error);
      expect(payload).toMatchObject({ code: 'OUTCOME_UNKNOWN', status: 502 });
      expect(String(payload.message)).toMatch(/may or may not have gone through\. Check Konnektive/);
      expect(sim.listOrders().length).toBe(ordersBefore + 1);
    } finally {
      sim.setFaults({ errorRate: 0, endpoints: null, afterProcessing: false });
    }
    // The user (or Autoreplay) runs the step again: the stored answer, no second order/import.
    const again = await rejection(appTester(create('create_sale'), bundle));
    expect(errorPayload(again)).toMatchObject({ code: 'OUTCOME_UNKNOWN', status: 502 });
    expect(sim.requestLog().filter((entry) => entry.endpoint === 'order/import')).toHaveLength(1);
    expect(sim.listOrders().length).toBe(ordersBefore + 1);
  });

  it('a password changed in Konnektive → ExpiredAuthError on every step, with one refused login at Konnektive, not one per step', async () => {
    const harness = h();
    const rotated = 'rotated-demo-password-456';
    harness.sim.updateUser(DEMO.loginId, { password: rotated });
    harness.sim.clearRequestLog();
    const exchange = fn(App.authentication?.sessionConfig?.perform);
    const connectionTest = fn(App.authentication?.test);
    const customerId = String(theSale().customerId);
    const steps: ReadonlyArray<[string, () => Promise<unknown>]> = [
      [
        'Find Order',
        () =>
          appTester(search('find_order'), {
            authData: auth(),
            inputData: { emailAddress: buyer.emailAddress },
          }),
      ],
      [
        'Update Customer',
        () =>
          appTester(create('update_customer'), {
            authData: auth(),
            inputData: { customerId, city: 'Capital City' },
          }),
      ],
      [
        'Create New Sale',
        () =>
          appTester(create('create_sale'), {
            authData: auth(),
            inputData: saleInput({ custom1: 'e2e-expired' }),
          }),
      ],
      [
        'New Order Event sample',
        () =>
          appTester(hookOps('order').performList, {
            authData: auth(),
            inputData: { orderType: 'NEW_SALE' },
            meta: { isLoadingSample: true },
          }),
      ],
      ['connection test', () => appTester(connectionTest, { authData: auth() })],
      // Zapier refreshing the session with the stale password it holds.
      ['session refresh', () => appTester(exchange, { authData: auth() })],
      [
        'Find Customer',
        () =>
          appTester(search('find_customer'), {
            authData: auth(),
            inputData: { emailAddress: buyer.emailAddress },
          }),
      ],
    ];
    for (const [name, step] of steps) {
      const error = await rejection(step());
      expect(error.name, name).toBe('ExpiredAuthError');
      expect(error.message, name).not.toContain(DEMO.password);
      expect(error.message, name).not.toContain(TEST_CARD);
    }
    // Konnektive saw the stale password exactly once (the first step), however many steps ran after it.
    const seen = await konnektiveSaw();
    expect(seen.map((entry) => entry.endpoint)).toEqual(['order/query']);
    expect(seen.map((entry) => entry.result)).toEqual(['ERROR']);
    expect(JSON.stringify(seen)).not.toContain(DEMO.password);

    // The user reconnects with the new password: the steps work again.
    const session = asJson(
      await appTester(exchange, { authData: { loginId: DEMO.loginId, password: rotated } }),
      'reconnect',
    );
    const reconnected = { loginId: DEMO.loginId, password: rotated, sessionKey: String(session.sessionKey) };
    const found = asJsonArray(
      await appTester(search('find_order'), {
        authData: reconnected,
        inputData: { orderId: String(theSale().orderId) },
      }),
      'find_order after reconnecting',
    );
    expect(found.map((order) => order.orderId)).toEqual([theSale().orderId]);
  });
});

// ----------------------------------------------------------------------------------------- 8. Integration checks

const LIVE_RESULTS = fileURLToPath(new URL('../fixtures/live-results.json', import.meta.url));

describe('8. Zapier integration checks on everything the app returned', () => {
  it('passes the T and Z checks, holds no secret, and is written to the fixture with UPDATE_LIVE_RESULTS=1', () => {
    expect(captured.length).toBeGreaterThan(0);
    expect(checkLiveResults(App, captured)).toEqual([]);
    const file: LiveResultsFile = {
      capturedAt: new Date().toISOString(),
      source:
        'zapier/test/e2e/app-against-runtime.test.ts against the local runtime and the Konnektive simulator',
      results: captured,
    };
    expect(sensitiveValues(file)).toEqual([]);
    if (process.env.UPDATE_LIVE_RESULTS === '1') {
      mkdirSync(dirname(LIVE_RESULTS), { recursive: true });
      writeFileSync(LIVE_RESULTS, `${JSON.stringify(file, null, 2)}\n`);
    }
  });
});
