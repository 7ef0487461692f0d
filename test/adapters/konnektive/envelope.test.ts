import { describe, expect, it } from 'vitest';
import { ENDPOINTS, type EndpointSpec } from '../../../functions/adapters/konnektive/endpoints.js';
import { classifyEnvelope } from '../../../functions/adapters/konnektive/envelope.js';
import {
  KonnektiveAuthError,
  KonnektiveDeclinedError,
  KonnektiveError,
  KonnektiveNotFoundError,
  KonnektiveNotWhitelistedError,
  KonnektivePermissionError,
  KonnektiveRedirectError,
  KonnektiveValidationError,
} from '../../../functions/core/konnektive.js';
import {
  EMPTY_TEXT_IDS,
  emptyText,
  IP_TEXTS,
  PERMISSION_TEXTS,
  QUERY_ENDPOINT_NOUNS,
} from '../../../local/simulator/contract.js';

const READ = ENDPOINTS.queryOrders;
const WRITE = ENDPOINTS.importOrder;

type ErrorClass = abstract new (...args: never[]) => KonnektiveError;

/** `[case, endpoint, ERROR message text, expected class]`; the order of the rules is what these pin down. */
const errorTextTable: Array<[string, EndpointSpec, string, ErrorClass]> = [
  ['IP whitelist (read)', READ, 'IP must be whitelisted - 203.0.113.7', KonnektiveNotWhitelistedError],
  ['IP whitelist (write)', WRITE, 'IP must be whitelisted - 203.0.113.7', KonnektiveNotWhitelistedError],
  ['bad credentials', READ, 'Could not authenticate credentials', KonnektiveAuthError],
  ['bad credentials (write)', WRITE, 'Could not authenticate credentials', KonnektiveAuthError],
  ['invalid login', READ, 'Invalid login id', KonnektiveAuthError],
  [
    'permission (unknown text #1)',
    READ,
    'API user does not have permission for this method',
    KonnektivePermissionError,
  ],
  ['permission (unknown text #2)', WRITE, 'Access denied', KonnektivePermissionError],
  [
    'permission (unknown text #3)',
    READ,
    'User is not authorized to use order/query',
    KonnektivePermissionError,
  ],
  ['decline', WRITE, 'Transaction Declined: Card Declined', KonnektiveDeclinedError],
  // A decline reason may itself contain words of the auth/permission rules: the anchored prefix wins.
  [
    'decline mentioning authentication',
    WRITE,
    'Transaction Declined: 3DS authentication failed',
    KonnektiveDeclinedError,
  ],
  ['decline "not allowed"', WRITE, 'Transaction Declined: Transaction not allowed', KonnektiveDeclinedError],
  ['not found (write)', ENDPOINTS.cancelOrder, 'Order not found', KonnektiveNotFoundError],
  ['customer not found', ENDPOINTS.updateCustomer, 'Customer not found', KonnektiveNotFoundError],
  ['invalid order id', ENDPOINTS.cancelOrder, 'Invalid Order Id', KonnektiveNotFoundError],
  ['other write text is validation', WRITE, 'No products exist in the order', KonnektiveValidationError],
  [
    '"No … matching" on a write is not empty',
    WRITE,
    'No orders matching those parameters could be found',
    KonnektiveValidationError,
  ],
  ['other read text stays generic', READ, 'Something odd happened', KonnektiveError],
];

describe('classifyEnvelope', () => {
  it.each(errorTextTable)('%s', (_name, endpoint, message, expected) => {
    const outcome = classifyEnvelope({ result: 'ERROR', message }, endpoint);
    expect(outcome.kind).toBe('error');
    if (outcome.kind !== 'error') return;
    expect(outcome.error).toBeInstanceOf(expected);
    expect(outcome.error.constructor).toBe(expected);
    expect(outcome.error.endpoint).toBe(endpoint.path);
    expect(outcome.error.message).toBe(message);
  });

  it('SUCCESS with an object or a string message is success, the message untouched', () => {
    expect(classifyEnvelope({ result: 'SUCCESS', message: { orderId: 'ABC' } }, READ)).toEqual({
      kind: 'success',
      message: { orderId: 'ABC' },
    });
    expect(classifyEnvelope({ result: 'SUCCESS', message: 'Card is preauthorized' }, WRITE)).toEqual({
      kind: 'success',
      message: 'Card is preauthorized',
    });
  });

  it('extracts the caller IP from the whitelist text', () => {
    const outcome = classifyEnvelope(
      { result: 'ERROR', message: 'IP must be whitelisted - 198.51.100.23' },
      READ,
    );
    expect(outcome.kind === 'error' && outcome.error).toBeInstanceOf(KonnektiveNotWhitelistedError);
    if (outcome.kind === 'error' && outcome.error instanceof KonnektiveNotWhitelistedError) {
      expect(outcome.error.callerIp).toBe('198.51.100.23');
      expect(outcome.error.errorClass).toBe('not_whitelisted');
    }
    const noIp = classifyEnvelope({ result: 'ERROR', message: 'IP must be whitelisted' }, READ);
    expect(
      noIp.kind === 'error' && noIp.error instanceof KonnektiveNotWhitelistedError && noIp.error.callerIp,
    ).toBe(undefined);
  });

  it('names the permission of the endpoint that was refused', () => {
    const names = Object.values(ENDPOINTS).map((endpoint) => {
      const outcome = classifyEnvelope({ result: 'ERROR', message: 'Permission denied' }, endpoint);
      return outcome.kind === 'error' && outcome.error instanceof KonnektivePermissionError
        ? outcome.error.permission
        : 'not a permission error';
    });
    expect(names).toEqual([
      'Query Orders',
      'Query Transactions',
      'Query Campaigns',
      'Query Customers',
      'Import Orders',
      'Import Leads',
      'Update Fulfillment',
      'Cancel Order',
      'Update Customer',
    ]);
  });

  it('keeps the decline reason after the prefix', () => {
    const outcome = classifyEnvelope(
      { result: 'ERROR', message: 'Transaction Declined: Prepaid Credit Cards Are Not Accepted' },
      WRITE,
    );
    expect(
      outcome.kind === 'error' && outcome.error instanceof KonnektiveDeclinedError && outcome.error.reason,
    ).toBe('Prepaid Credit Cards Are Not Accepted');
  });

  it('matches every "No … found/matching" wording as empty for reads', () => {
    for (const message of [
      'No orders matching those parameters could be found',
      'No transactions matching those parameters could be found',
      'No transactions found',
      'No records matching the query',
      'No campaigns matching those parameters could be found',
    ]) {
      expect(classifyEnvelope({ result: 'ERROR', message }, ENDPOINTS.queryTransactions)).toEqual({
        kind: 'empty',
        message,
      });
    }
  });

  it('checks auth before the empty pattern', () => {
    const outcome = classifyEnvelope(
      { result: 'ERROR', message: 'No access: could not authenticate credentials' },
      READ,
    );
    expect(outcome.kind === 'error' && outcome.error).toBeInstanceOf(KonnektiveAuthError);
  });

  it('turns a field-error object into a validation error with fields and a readable message', () => {
    const outcome = classifyEnvelope(
      {
        result: 'ERROR',
        message: {
          shipAddress1: 'is a required field',
          shipCity: 'is a required field',
          cardYear: ['too old', 'bad'],
        },
      },
      WRITE,
    );
    expect(outcome.kind).toBe('error');
    if (outcome.kind !== 'error' || !(outcome.error instanceof KonnektiveValidationError)) {
      throw new Error('expected a validation error');
    }
    expect(outcome.error.fields).toEqual({
      shipAddress1: 'is a required field',
      shipCity: 'is a required field',
      cardYear: 'too old, bad',
    });
    expect(outcome.error.message).toBe(
      'shipAddress1: is a required field; shipCity: is a required field; cardYear: too old, bad',
    );
  });

  it('turns MERC_REDIRECT into a redirect error carrying the message object', () => {
    const redirect = {
      script: '<script>window.location="https://acs.example.test"</script>',
      orderId: 'ABC',
    };
    const outcome = classifyEnvelope({ result: 'MERC_REDIRECT', message: redirect }, WRITE);
    if (outcome.kind !== 'error' || !(outcome.error instanceof KonnektiveRedirectError)) {
      throw new Error('expected a redirect error');
    }
    expect(outcome.error.redirect).toEqual(redirect);
    expect(outcome.error.errorClass).toBe('redirect');
  });

  it('treats JSON that is not an envelope as an api contract violation (not transient)', () => {
    for (const body of [{ foo: 1 }, [], 'SUCCESS', null, { result: 1, message: 'x' }]) {
      const outcome = classifyEnvelope(body, READ);
      expect(outcome.kind).toBe('error');
      if (outcome.kind === 'error') {
        expect(outcome.error.constructor).toBe(KonnektiveError);
        expect(outcome.error.errorClass).toBe('api');
      }
    }
  });

  it('treats an unknown result value and a message-less ERROR as api errors', () => {
    for (const body of [
      { result: 'FAILURE', message: 'x' },
      { result: 'ERROR', message: null },
    ]) {
      const outcome = classifyEnvelope(body, WRITE);
      expect(outcome.kind === 'error' && outcome.error.errorClass).toBe('api');
    }
  });

  it('applies the sanitizer to every Konnektive text it puts in an error', () => {
    const redact = (t: string) => t.replaceAll('s3cret-value', '[redacted]');
    const text = classifyEnvelope({ result: 'ERROR', message: 'bad password s3cret-value' }, WRITE, redact);
    const fields = classifyEnvelope(
      { result: 'ERROR', message: { password: 's3cret-value is wrong' } },
      WRITE,
      redact,
    );
    for (const outcome of [text, fields]) {
      expect(outcome.kind).toBe('error');
      if (outcome.kind === 'error') {
        expect(outcome.error.message).not.toContain('s3cret-value');
        expect(JSON.stringify(outcome.error)).not.toContain('s3cret-value');
      }
    }
  });

  describe('every phrasing the simulator can answer (contract variants)', () => {
    const readEndpoints = [ENDPOINTS.queryOrders, ENDPOINTS.queryTransactions, ENDPOINTS.queryCampaigns];

    it.each(
      readEndpoints.flatMap((endpoint) =>
        EMPTY_TEXT_IDS.map((id) => {
          const noun = QUERY_ENDPOINT_NOUNS[endpoint.path];
          if (noun === undefined) throw new Error(`no noun for ${endpoint.path}`);
          return [endpoint.path, id, emptyText(noun, id), endpoint] as const;
        }),
      ),
    )('%s empty text %s ("%s") is an empty page', (_path, _id, message, endpoint) => {
      expect(classifyEnvelope({ result: 'ERROR', message }, endpoint)).toEqual({ kind: 'empty', message });
    });

    it.each(
      Object.entries(PERMISSION_TEXTS).flatMap(([id, template]) =>
        readEndpoints.map((endpoint) => [
          id,
          endpoint.path,
          template.replaceAll('{permission}', endpoint.permission).replaceAll('{endpoint}', endpoint.path),
          endpoint,
        ]),
      ) as Array<[string, string, string, EndpointSpec]>,
    )(
      'permission text %s on %s ("%s") is a permission error, never bad credentials',
      (_id, _path, message, endpoint) => {
        const outcome = classifyEnvelope({ result: 'ERROR', message }, endpoint);
        expect(outcome.kind === 'error' && outcome.error.constructor).toBe(KonnektivePermissionError);
        if (outcome.kind === 'error' && outcome.error instanceof KonnektivePermissionError) {
          expect(outcome.error.permission).toBe(endpoint.permission);
        }
      },
    );

    it.each(
      Object.entries(IP_TEXTS).flatMap(([id, template]) =>
        ['203.0.113.7', '::ffff:127.0.0.1', '::1'].map((ip) => [id, ip, template.replaceAll('{ip}', ip)]),
      ),
    )('IP text %s with %s ("%s") is a whitelist refusal naming the IP', (_id, ip, message) => {
      for (const endpoint of [READ, WRITE]) {
        const outcome = classifyEnvelope({ result: 'ERROR', message }, endpoint);
        expect(outcome.kind === 'error' && outcome.error.constructor).toBe(KonnektiveNotWhitelistedError);
        if (outcome.kind === 'error' && outcome.error instanceof KonnektiveNotWhitelistedError) {
          expect(outcome.error.callerIp).toBe(ip);
        }
      }
    });

    it.each([
      'Could not authenticate credentials',
      'Invalid login or password',
      'Invalid username or password',
      'Incorrect password',
      'Authentication failed',
    ])('"%s" is bad credentials', (message) => {
      const outcome = classifyEnvelope({ result: 'ERROR', message }, READ);
      expect(outcome.kind === 'error' && outcome.error.constructor).toBe(KonnektiveAuthError);
    });

    it.each([
      'Request refused',
      'Your request could not be processed at this time',
      'Login temporarily restricted by administrator',
      'Rate limit exceeded',
    ])('an unknown refusal ("%s") is never bad credentials', (message) => {
      const outcome = classifyEnvelope({ result: 'ERROR', message }, READ);
      expect(outcome.kind).toBe('error');
      if (outcome.kind === 'error') expect(outcome.error).not.toBeInstanceOf(KonnektiveAuthError);
    });

    it.each([
      '0 results',
      'No results',
      'No records found',
      'There were no transactions for this date range',
      'Nothing found',
    ])('other empty phrasings ("%s") are empty pages for reads', (message) => {
      expect(classifyEnvelope({ result: 'ERROR', message }, ENDPOINTS.queryTransactions).kind).toBe('empty');
    });

    it('a decline that mentions an IP stays a decline', () => {
      const outcome = classifyEnvelope(
        {
          result: 'ERROR',
          message: 'Transaction Declined: IP address 203.0.113.9 blocked by the fraud filter',
        },
        WRITE,
      );
      expect(outcome.kind === 'error' && outcome.error.constructor).toBe(KonnektiveDeclinedError);
    });
  });
});
