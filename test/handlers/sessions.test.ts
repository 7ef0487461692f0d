/**
 * POST /sessions, GET /me, DELETE /sessions/current through the real middy chain with API Gateway v2 events.
 */
import { beforeEach, describe, expect, it } from 'vitest';

import { KonnektiveNotWhitelistedError, KonnektiveTransientError } from '../../functions/core/konnektive.js';
import type { SessionDeps } from '../../functions/core/session/create-session.js';
import { createCreateSessionHandler } from '../../functions/handlers/create-session.js';
import { createGetMeHandler } from '../../functions/handlers/get-me.js';
import { createRevokeSessionHandler } from '../../functions/handlers/revoke-session.js';
import { createAuthenticator, MAX_BODY_BYTES } from '../../functions/platform/http.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';
import { createFakes, type Fakes } from '../support/fakes.js';

const LOGIN = { loginId: 'api-user-1', password: 'fake-secret-pass-1' };
const EGRESS = ['203.0.113.10', '203.0.113.11'];

let fakes: Fakes;
let sessionDeps: SessionDeps;

beforeEach(() => {
  fakes = createFakes();
  fakes.konnektive.validCredentials = LOGIN;
  sessionDeps = { ...fakes, egressIps: EGRESS };
});

const postSession = (body: unknown, extra: { rawBody?: string } = {}) =>
  createCreateSessionHandler(sessionDeps)(
    apiEvent({ method: 'POST', path: '/sessions', body, ...extra }),
    lambdaContext(),
  );

const authenticate = () => createAuthenticator({ tokens: fakes.tokens, connections: fakes.connections });
const getMe = (token?: string) =>
  createGetMeHandler({ authenticate: authenticate() })(
    apiEvent({ method: 'GET', path: '/me', ...(token ? { token } : {}) }),
    lambdaContext(),
  );
const revoke = (token?: string) =>
  createRevokeSessionHandler({ authenticate: authenticate(), tokens: fakes.tokens })(
    apiEvent({ method: 'DELETE', path: '/sessions/current', ...(token ? { token } : {}) }),
    lambdaContext(),
  );

const expectError = (
  result: { statusCode?: number; body?: string },
  statusCode: number,
  code: string,
): Record<string, unknown> => {
  expect(result.statusCode).toBe(statusCode);
  const body = bodyOf(result);
  expect(body.code).toBe(code);
  expect(typeof body.message).toBe('string');
  expect((body.message as string).length).toBeLessThanOrEqual(250);
  expect(result.body).not.toMatch(/\n\s+at /); // never a stack trace
  return body;
};

describe('POST /sessions', () => {
  it('201 {token, label, connectionId, loginId, timeZone}', async () => {
    const result = await postSession({ ...LOGIN, timeZone: 'America/Denver' });
    expect(result.statusCode).toBe(201);
    const body = bodyOf(result);
    expect(body).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      label: LOGIN.loginId,
      connectionId: expect.stringMatching(/^c_[0-9a-f]{24}$/),
      loginId: LOGIN.loginId,
      timeZone: 'America/Denver',
    });
    expect(result.body).not.toContain(LOGIN.password);
  });

  it('bad credentials → 403 INVALID_CREDENTIALS (not 401: Zapier would hide it)', async () => {
    const body = expectError(
      await postSession({ ...LOGIN, password: 'wrong-pass-9' }),
      403,
      'INVALID_CREDENTIALS',
    );
    expect(body.message).toMatch(/rejected the login ID or password/);
    expect(JSON.stringify(body)).not.toContain('wrong-pass-9');
  });

  it('the refused password of an invalid connection → 403 INVALID_CREDENTIALS without asking Konnektive again', async () => {
    const { connectionId } = bodyOf(await postSession(LOGIN)) as { connectionId: string };
    // Konnektive later refuses the stored password (it was changed in the CRM); a step marks the connection.
    await fakes.connections.setStatus(connectionId, 'invalid', fakes.clock.now());
    fakes.konnektive.validCredentials = { loginId: LOGIN.loginId, password: 'the-new-password-1' };
    fakes.konnektive.calls.length = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      expectError(await postSession(LOGIN), 403, 'INVALID_CREDENTIALS');
    }
    expect(fakes.konnektive.calls).toEqual([]);
    // The user reconnects with the new password: verified, and the connection is active again.
    expect((await postSession({ ...LOGIN, password: 'the-new-password-1' })).statusCode).toBe(201);
    expect((await fakes.connections.get(connectionId))?.status).toBe('active');
  });

  it('not whitelisted → 403 IP_NOT_WHITELISTED listing the egress IPs', async () => {
    fakes.konnektive.failNext(
      'queryOrders',
      new KonnektiveNotWhitelistedError(
        'IP must be whitelisted - 198.51.100.7',
        'order/query',
        '198.51.100.7',
      ),
    );
    const body = expectError(await postSession(LOGIN), 403, 'IP_NOT_WHITELISTED');
    expect(body.egressIps).toEqual(EGRESS);
    expect(body.message).toContain('203.0.113.10, 203.0.113.11');
  });

  it('missing permission → 403 PERMISSION_DENIED naming it', async () => {
    fakes.konnektive.deny('queryTransactions');
    const body = expectError(await postSession(LOGIN), 403, 'PERMISSION_DENIED');
    expect(body.missingPermissions).toEqual(['Query Transactions']);
    expect(body.message).toContain('Query Transactions');
  });

  it('Konnektive down → 503 KONNEKTIVE_UNAVAILABLE with Retry-After', async () => {
    fakes.konnektive.failNext('queryOrders', new KonnektiveTransientError('timed out', 'order/query'));
    const result = await postSession(LOGIN);
    expectError(result, 503, 'KONNEKTIVE_UNAVAILABLE');
    expect(Number(result.headers?.['Retry-After'])).toBeGreaterThan(0);
  });

  it('invalid input → 422 VALIDATION_FAILED naming the fields; malformed JSON → 400; too large → 413', async () => {
    const invalid = expectError(
      await postSession({ loginId: '', timeZone: 'Mars/Base' }),
      422,
      'VALIDATION_FAILED',
    );
    expect(Object.keys(invalid.fields as object).sort()).toEqual(['loginId', 'password', 'timeZone']);
    expect(invalid.message).toContain('timeZone');
    expectError(await postSession(undefined, { rawBody: '{"loginId": ' }), 400, 'MALFORMED_JSON');
    expectError(
      await postSession(undefined, {
        rawBody: JSON.stringify({ ...LOGIN, pad: 'x'.repeat(MAX_BODY_BYTES) }),
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect(fakes.konnektive.calls).toHaveLength(0);
  });

  it.each([['null'], ['[]'], ['"text"'], ['42']])(
    'a JSON body of %s is a 422, never a 500',
    async (rawBody) => {
      expectError(await postSession(undefined, { rawBody }), 422, 'VALIDATION_FAILED');
    },
  );
});

describe('GET /me and DELETE /sessions/current', () => {
  it('/me answers the connection of the token; 401 UNAUTHORIZED without, or with an unknown token', async () => {
    const { token, connectionId } = bodyOf(await postSession(LOGIN)) as {
      token: string;
      connectionId: string;
    };
    const me = await getMe(token);
    expect(me.statusCode).toBe(200);
    expect(bodyOf(me)).toEqual({
      connectionId,
      label: LOGIN.loginId,
      loginId: LOGIN.loginId,
      timeZone: 'America/New_York',
    });
    expectError(await getMe(), 401, 'UNAUTHORIZED');
    expectError(await getMe('not-a-token'), 401, 'UNAUTHORIZED');
  });

  it('/me → 403 CREDENTIALS_REJECTED (not 401: that would make Zapier retry the stale password) once Konnektive rejected the stored password', async () => {
    const { token, connectionId } = bodyOf(await postSession(LOGIN)) as {
      token: string;
      connectionId: string;
    };
    await fakes.connections.setStatus(connectionId, 'invalid', fakes.clock.now());
    expectError(await getMe(token), 403, 'CREDENTIALS_REJECTED');
  });

  it('revoking answers 204 and only that token stops working', async () => {
    const a = (bodyOf(await postSession(LOGIN)) as { token: string }).token;
    const b = (bodyOf(await postSession(LOGIN)) as { token: string }).token;
    const revoked = await revoke(a);
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');
    expectError(await getMe(a), 401, 'UNAUTHORIZED');
    expect((await getMe(b)).statusCode).toBe(200);
    expectError(await revoke(a), 401, 'UNAUTHORIZED');
    expectError(await revoke(), 401, 'UNAUTHORIZED');
  });
});
