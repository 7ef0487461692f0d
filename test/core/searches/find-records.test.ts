import { beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  CredentialsRejectedError,
  MissingPermissionsError,
  UpstreamUnavailableError,
} from '../../../functions/core/errors.js';
import {
  type CustomerQuery,
  KonnektiveTransientError,
  type OrderQuery,
} from '../../../functions/core/konnektive.js';
import type { KonnektiveAccessDeps } from '../../../functions/core/konnektive-access.js';
import type { Connection } from '../../../functions/core/model.js';
import { customerSchema, orderSchema } from '../../../functions/core/records/schemas.js';
import {
  customerSearchSchema,
  findCustomers,
  findOrders,
  MAX_SEARCH_RESULTS,
  orderSearchSchema,
  SEARCH_LOOKBACK_DAYS,
  searchSlices,
} from '../../../functions/core/searches/find-records.js';
import { createFakes, type Fakes, order } from '../../support/fakes.js';

const DAY = 86_400_000;
const EMAIL = 'jane.sample@example.com';

let fakes: Fakes;
let deps: KonnektiveAccessDeps;
let connection: Connection;

beforeEach(async () => {
  fakes = createFakes('2026-11-25T15:00:00Z');
  deps = { ...fakes, egressIps: ['203.0.113.10'] };
  connection = await fakes.connections.upsert(
    {
      connectionId: 'c_a',
      loginId: 'merchant-api',
      encryptedPassword: await fakes.cipher.encrypt('fake-pass-1', { connectionId: 'c_a' }),
      timeZone: 'America/New_York',
      label: 'merchant-api',
      status: 'active',
    },
    fakes.clock.now(),
  );
});

/** An order of `email` created `daysAgo` days before the fake clock's now. */
const orderOf = (email: string, daysAgo: number, extra: Record<string, unknown> = {}) => {
  const created = fakes.konnektive.wall(new Date(fakes.clock.now().getTime() - daysAgo * DAY));
  const record = order({ dateCreated: created, emailAddress: email, phoneNumber: '555-0100', ...extra });
  fakes.konnektive.orders.push(record);
  return record;
};

const orderQueries = () => fakes.konnektive.callsTo('queryOrders').map((call) => call.args as OrderQuery);

describe('the search span', () => {
  it('is the last 365 days in slices of at most 92, newest first, meeting without overlap', () => {
    const now = new Date('2026-11-25T15:00:00Z');
    const slices = searchSlices(now);
    expect(slices).toHaveLength(4);
    expect(slices[0]?.end).toEqual(now);
    expect(slices.at(-1)?.start.getTime()).toBe(now.getTime() - SEARCH_LOOKBACK_DAYS * DAY);
    for (const [index, slice] of slices.entries()) {
      expect(slice.end.getTime() - slice.start.getTime()).toBeLessThanOrEqual(92 * DAY);
      const older = slices[index + 1];
      if (older) expect(older.end.getTime()).toBe(slice.start.getTime() - 1);
    }
  });
});

describe('findOrders', () => {
  it('by order id: one Konnektive call without dates, the order serialized with id and connection', async () => {
    const wanted = orderOf(EMAIL, 500, {
      orderId: 'ABCDEF0123',
      items: { '3': { productId: '3', qty: '1' } },
    });
    orderOf(EMAIL, 1);
    const { results } = await findOrders(
      deps,
      connection,
      orderSearchSchema.parse({ orderId: wanted.orderId.toLowerCase() }),
    );
    expect(results.map((result) => result.orderId)).toEqual([wanted.orderId]);
    expect(results[0]).toMatchObject({
      id: wanted.orderId,
      connection: 'merchant-api',
      items: [{ productId: '3', qty: '1' }],
    });
    expect(orderSchema.safeParse(results[0]).success).toBe(true);
    expect(orderQueries()).toEqual([{ orderId: 'ABCDEF0123', timeZone: 'America/New_York' }]);
  });

  it('every given filter must match: an order id with another email finds nothing', async () => {
    const wanted = orderOf(EMAIL, 3);
    const search = orderSearchSchema.parse({
      orderId: wanted.orderId,
      emailAddress: 'someone.else@example.com',
    });
    expect((await findOrders(deps, connection, search)).results).toEqual([]);
    const phone = orderSearchSchema.parse({ emailAddress: EMAIL, phoneNumber: '555-0199' });
    expect((await findOrders(deps, connection, phone)).results).toEqual([]);
  });

  it('by email: newest first by dateCreated, at most 10, reading only the newest slice when it has enough', async () => {
    for (let day = 1; day <= 12; day++) orderOf(EMAIL, day * 3);
    orderOf('someone.else@example.com', 0);
    const { results } = await findOrders(deps, connection, orderSearchSchema.parse({ emailAddress: EMAIL }));
    expect(results).toHaveLength(MAX_SEARCH_RESULTS);
    const created = results.map((result) => Date.parse(String(result.dateCreated)));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(results.every((result) => result.emailAddress === EMAIL)).toBe(true);
    const [query] = orderQueries();
    expect(orderQueries()).toHaveLength(1);
    expect(query).toMatchObject({
      emailAddress: EMAIL,
      rangeCalls: 'whole-days',
      dateRangeType: 'dateCreated',
      sortDir: 0,
      timeZone: 'America/New_York',
    });
    expect(query?.range?.end).toEqual(fakes.clock.now());
  });

  it('by phone: walks older slices while it has fewer than 10, back 365 days and no further', async () => {
    const recent = orderOf(EMAIL, 10);
    const older = orderOf(EMAIL, 300);
    orderOf(EMAIL, 400);
    const { results } = await findOrders(
      deps,
      connection,
      orderSearchSchema.parse({ phoneNumber: '555-0100' }),
    );
    expect(results.map((result) => result.orderId)).toEqual([recent.orderId, older.orderId]);
    expect(orderQueries()).toHaveLength(4);
  });

  it('dates in the answer carry the account offset; Konnektive leaving fields out gives null, never a missing key', async () => {
    orderOf(EMAIL, 2);
    const [result] = (await findOrders(deps, connection, orderSearchSchema.parse({ emailAddress: EMAIL })))
      .results;
    expect(String(result?.dateCreated)).toMatch(/T\d\d:\d\d:\d\d-05:00$/);
    expect(result).toMatchObject({ couponCode: null, cardExpiryDate: null, fulfillments: [] });
  });

  it('an invalid connection is refused without asking Konnektive; outages and missing permissions become their errors', async () => {
    await expect(
      findOrders(
        deps,
        { ...connection, status: 'invalid' },
        orderSearchSchema.parse({ emailAddress: EMAIL }),
      ),
    ).rejects.toBeInstanceOf(CredentialsRejectedError);
    expect(fakes.konnektive.calls).toEqual([]);
    fakes.konnektive.failNext('queryOrders', new KonnektiveTransientError('timed out', 'order/query'));
    await expect(
      findOrders(deps, connection, orderSearchSchema.parse({ orderId: 'ABC' })),
    ).rejects.toBeInstanceOf(UpstreamUnavailableError);
  });
});

describe('findCustomers', () => {
  const customer = (customerId: number, email: string, updatedDaysAgo: number) => {
    const at = fakes.konnektive.wall(new Date(fakes.clock.now().getTime() - updatedDaysAgo * DAY));
    fakes.konnektive.customers.push({
      customerId,
      firstName: 'Jane',
      emailAddress: email,
      phoneNumber: '5550100',
      dateCreated: fakes.konnektive.wall(new Date(fakes.clock.now().getTime() - 900 * DAY)),
      dateUpdated: at,
    });
  };

  it('by email: customers active (updated) in the last year, however old, each with id = String(customerId)', async () => {
    customer(7, EMAIL, 20);
    customer(8, 'someone.else@example.com', 1);
    const { results } = await findCustomers(
      deps,
      connection,
      customerSearchSchema.parse({ emailAddress: EMAIL }),
    );
    expect(results).toEqual([
      expect.objectContaining({ id: '7', customerId: 7, emailAddress: EMAIL, lastName: null }),
    ]);
    expect(customerSchema.safeParse(results[0]).success).toBe(true);
    const queries = fakes.konnektive.callsTo('queryCustomers').map((call) => call.args as CustomerQuery);
    expect(queries[0]).toMatchObject({
      emailAddress: EMAIL,
      dateRangeType: 'dateUpdated',
      rangeCalls: 'whole-days',
    });
  });

  it('matches phone numbers by their digits, and a customer not active for over a year is not found', async () => {
    customer(9, EMAIL, 500);
    customer(10, EMAIL, 2);
    const { results } = await findCustomers(
      deps,
      connection,
      customerSearchSchema.parse({ phoneNumber: '5550100' }),
    );
    expect(results.map((result) => result.id)).toEqual(['10']);
  });

  it('names the missing permission', async () => {
    fakes.konnektive.deny('queryCustomers');
    await expect(
      findCustomers(deps, connection, customerSearchSchema.parse({ emailAddress: EMAIL })),
    ).rejects.toBeInstanceOf(MissingPermissionsError);
  });
});

describe('search input', () => {
  it('needs at least one filter, and says so on each of them', () => {
    const error = (() => {
      try {
        orderSearchSchema.parse({ orderId: '  ', emailAddress: '' });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ZodError);
    expect((error as ZodError).issues.map((issue) => issue.path.join('.'))).toEqual([
      'orderId',
      'emailAddress',
      'phoneNumber',
    ]);
    expect(() => customerSearchSchema.parse({})).toThrow(ZodError);
  });

  it('trims values and refuses malformed ones with the field named', () => {
    expect(orderSearchSchema.parse({ emailAddress: ` ${EMAIL} `, ignored: 'x' })).toEqual({
      emailAddress: EMAIL,
    });
    const bad = orderSearchSchema.safeParse({ emailAddress: 'not-an-email', orderId: 'AB CD' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'emailAddress',
      'orderId',
    ]);
  });
});
