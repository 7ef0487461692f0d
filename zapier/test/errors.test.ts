import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../src/api-errors.js';
import { API, connectedAuth, PASSWORD, SESSION_KEY, useFakeApi } from './support/api.js';
import { App, appTester, errorPayload, fn, rejection } from './support/app.js';

useFakeApi();

const cancelOrder = fn(App.creates.cancel_order.operation.perform);
const input = { orderId: '0000000000', cancelReason: 'Customer request' };

/** Runs Cancel Order against an API answering `status` with `body` and `headers`; returns the error. */
const failWith = async (
  status: number,
  body: string | Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Error> => {
  nock(API).post('/actions/cancel_order').reply(status, body, headers);
  return rejection(appTester(cancelOrder, { authData: connectedAuth, inputData: input }));
};

/** Runs Create New Sale against an API answering `status` with `body` and `headers`; returns the error. */
const failOn = async (
  action: 'create_sale',
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Error> => {
  nock(API).post(`/actions/${action}`).reply(status, body, headers);
  return rejection(
    appTester(fn(App.creates[action].operation.perform), {
      authData: connectedAuth,
      inputData: { campaignId: 12, products: [{ id: 101 }], paySource: 'COD' },
    }),
  );
};

describe('API errors become Zapier errors', () => {
  it("422 → Error with the API's message and code", async () => {
    const error = await failWith(422, {
      message: 'cancelReason must be at most 100 characters',
      code: 'VALIDATION_FAILED',
      fields: { cancelReason: 'too long' },
      requestId: 'req-1',
    });
    expect(error.name).toBe('AppError');
    expect(errorPayload(error)).toEqual({
      message: 'cancelReason must be at most 100 characters',
      code: 'VALIDATION_FAILED',
      status: 422,
    });
  });

  it.each([
    ['DECLINED', 'Transaction Declined: Card Declined'],
    ['REDIRECT_REQUIRED', 'Konnektive wants a 3-D Secure redirect for this card; this Zap cannot follow it.'],
  ])(
    "422 %s → HaltedError with Konnektive's text: an expected outcome must not count toward turning the Zap off",
    async (code, message) => {
      const error = await failOn('create_sale', 422, { message, code });
      expect(error.name).toBe('HaltedError');
      expect(error.message).toBe(message);
    },
  );

  it('a decline never shows the step input (card number, security code) in its message', async () => {
    nock(API)
      .post('/actions/create_sale')
      .reply(422, { message: 'Transaction Declined: Card Declined', code: 'DECLINED' });
    const error = await rejection(
      appTester(fn(App.creates.create_sale.operation.perform), {
        authData: connectedAuth,
        // Konnektive's hard-decline test card; obviously not a real one.
        inputData: {
          campaignId: 12,
          products: [{ id: 101 }],
          cardNumber: '4000000000000002',
          cardSecurityCode: '987',
        },
      }),
    );
    expect(error.name).toBe('HaltedError');
    expect(error.message).not.toContain('4000000000000002');
    expect(error.message).not.toContain('987');
  });

  it('OUTCOME_UNKNOWN (502) → a plain Error showing the message, never a retry', async () => {
    const message =
      'The sale was sent to Konnektive but no answer came back: check Konnektive before running it again.';
    const error = await failOn('create_sale', 502, { message, code: 'OUTCOME_UNKNOWN', requestId: 'req-9' });
    expect(error.name).toBe('AppError');
    expect(errorPayload(error)).toEqual({ message, code: 'OUTCOME_UNKNOWN', status: 502 });
  });

  it('OUTCOME_UNKNOWN stays a plain Error even with a 503 and a Retry-After (the code decides)', async () => {
    const error = await failOn(
      'create_sale',
      503,
      { message: 'Outcome unknown.', code: 'OUTCOME_UNKNOWN' },
      { 'Retry-After': '30' },
    );
    expect(error.name).toBe('AppError');
  });

  it('403 CREDENTIALS_REJECTED → ExpiredAuthError: the user must reconnect, no session refresh', async () => {
    const message =
      'Konnektive no longer accepts the stored password of fake-api-user: reconnect the account.';
    const error = await failWith(403, { message, code: 'CREDENTIALS_REJECTED' });
    expect(error.name).toBe('ExpiredAuthError');
    expect(error.message).toBe(message);
  });

  it('400 malformed → Error with message and code', async () => {
    const error = await failWith(400, { message: 'The request body is not JSON.', code: 'MALFORMED_JSON' });
    expect(errorPayload(error)).toEqual({
      message: 'The request body is not JSON.',
      code: 'MALFORMED_JSON',
      status: 400,
    });
  });

  it('403 not whitelisted → message lists the egress IPs', async () => {
    const error = await failWith(403, {
      message: 'Konnektive refused the call: our IP is not on the API user whitelist.',
      code: 'IP_NOT_WHITELISTED',
      egressIps: ['198.51.100.7', '198.51.100.8'],
    });
    const payload = errorPayload(error);
    expect(payload).toMatchObject({ code: 'IP_NOT_WHITELISTED', status: 403 });
    expect(payload.message).toContain('198.51.100.7');
    expect(payload.message).toContain('198.51.100.8');
  });

  it('403 not whitelisted → IPs the message already lists are not repeated', async () => {
    const message = 'Whitelist 198.51.100.7, 198.51.100.8 on the Konnektive API user.';
    const error = await failWith(403, {
      message,
      code: 'IP_NOT_WHITELISTED',
      egressIps: ['198.51.100.7', '198.51.100.8'],
    });
    expect(errorPayload(error).message).toBe(message);
  });

  it('403 permission denied → message names the missing permissions', async () => {
    const error = await failWith(403, {
      message: 'The API user may not cancel orders.',
      code: 'PERMISSION_DENIED',
      missingPermissions: ['Cancel Order'],
    });
    expect(errorPayload(error).message).toContain('Cancel Order');
  });

  it('503 with Retry-After → ThrottledError with that delay', async () => {
    const error = await failWith(
      503,
      { message: 'Konnektive is not answering.', code: 'KONNEKTIVE_UNAVAILABLE' },
      { 'Retry-After': '120' },
    );
    expect(error.name).toBe('ThrottledError');
    expect(errorPayload(error)).toEqual({ message: 'Konnektive is not answering.', delay: 120 });
  });

  it('503 without Retry-After → ThrottledError with the default delay', async () => {
    const error = await failWith(503, {
      message: 'Konnektive is not answering.',
      code: 'KONNEKTIVE_UNAVAILABLE',
    });
    expect(error.name).toBe('ThrottledError');
    expect(errorPayload(error)).toMatchObject({ delay: 60 });
  });

  it('429 → ThrottledError with the Retry-After delay', async () => {
    const error = await failWith(
      429,
      { message: 'Slow down.', code: 'RATE_LIMITED' },
      { 'Retry-After': '7' },
    );
    expect(error.name).toBe('ThrottledError');
    expect(errorPayload(error)).toMatchObject({ delay: 7 });
  });

  it('409 idempotency in progress → ThrottledError with a short delay (the retry gets the stored result)', async () => {
    const error = await failWith(409, {
      message: 'A request with this Idempotency-Key is still being processed.',
      code: 'IDEMPOTENCY_IN_PROGRESS',
    });
    expect(error.name).toBe('ThrottledError');
    expect(errorPayload(error)).toMatchObject({ delay: 15 });
  });

  it('a non-JSON error body → Error naming the status, without the raw body', async () => {
    const error = await failWith(502, '<html>Bad Gateway from a proxy</html>');
    expect(error.name).toBe('AppError');
    const payload = errorPayload(error);
    expect(payload).toMatchObject({ code: 'HTTP_502', status: 502 });
    expect(String(payload.message)).toContain('502');
    expect(String(payload.message)).not.toContain('<html>');
  });

  it('never shows the password or the session token, even if the API echoed them', async () => {
    const error = await failWith(422, {
      message: `Login ${PASSWORD} with token ${SESSION_KEY} failed`,
      code: 'VALIDATION_FAILED',
    });
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(SESSION_KEY);
    expect(errorPayload(error).message).toBe('Login :redacted: with token :redacted: failed');
  });
});

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');

  it('reads delta-seconds and HTTP dates, at least one second', () => {
    expect(retryAfterSeconds('30', now)).toBe(30);
    expect(retryAfterSeconds('0', now)).toBe(1);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
    expect(retryAfterSeconds('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(1);
  });

  it('ignores absent or unreadable values', () => {
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
    expect(retryAfterSeconds('', now)).toBeUndefined();
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds('-5', now)).toBeUndefined();
  });
});
