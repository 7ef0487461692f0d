import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ZodError } from 'zod';
import {
  CredentialsRejectedError,
  InvalidCredentialsError,
  MissingPermissionsError,
  NotWhitelistedError,
  UpstreamUnavailableError,
} from '../../../functions/core/errors.js';
import {
  KonnektiveAuthError,
  KonnektiveNotWhitelistedError,
  KonnektiveTransientError,
  type OrderQuery,
} from '../../../functions/core/konnektive.js';
import { storedCredentials } from '../../../functions/core/konnektive-access.js';
import {
  connectionIdFor,
  createSession,
  describeMe,
  REFUSED_PASSWORD_HOLD_MS,
  revokeToken,
  type SessionDeps,
  tokenHashOf,
} from '../../../functions/core/session/create-session.js';
import { createSessionRequestSchema } from '../../../functions/core/session/schemas.js';
import { createFakes, type Fakes } from '../../support/fakes.js';

const LOGIN = { loginId: 'api-user-1', password: 'fake-secret-pass-1' };
const EGRESS = ['203.0.113.10', '203.0.113.11'];

let fakes: Fakes;
let deps: SessionDeps;
let tokenCounter: number;

beforeEach(() => {
  fakes = createFakes('2026-11-25T15:00:00Z');
  fakes.konnektive.validCredentials = LOGIN;
  tokenCounter = 0;
  deps = { ...fakes, egressIps: EGRESS, newToken: () => `token-${++tokenCounter}` };
});

const request = (body: Record<string, unknown> = {}) =>
  createSessionRequestSchema.parse({ ...LOGIN, ...body });

describe('createSession', () => {
  it('verifies with one cheap read per endpoint, then stores the connection and a hashed token', async () => {
    const session = await createSession(deps, request({ timeZone: 'America/Chicago' }));
    const connectionId = connectionIdFor(LOGIN.loginId);
    expect(session).toEqual({
      token: 'token-1',
      connectionId,
      label: LOGIN.loginId,
      loginId: LOGIN.loginId,
      timeZone: 'America/Chicago',
    });
    expect(fakes.konnektive.calls.map((call) => call.method)).toEqual([
      'queryOrders',
      'queryTransactions',
      'queryCampaigns',
    ]);
    const orderQuery = fakes.konnektive.callsTo('queryOrders')[0]?.args as OrderQuery;
    expect(orderQuery.resultsPerPage).toBe(1);
    expect(orderQuery.timeZone).toBe('America/Chicago');
    expect(orderQuery.range?.end.toISOString()).toBe('2026-11-25T15:00:00.000Z');
    expect(orderQuery.range?.start.toISOString()).toBe('2026-11-24T15:00:00.000Z');

    const stored = fakes.connections.items.get(connectionId);
    expect(stored).toMatchObject({ loginId: LOGIN.loginId, status: 'active', timeZone: 'America/Chicago' });
    expect(stored?.encryptedPassword).not.toContain(LOGIN.password);
    expect(JSON.stringify([...fakes.connections.items.values()])).not.toContain(LOGIN.password);
    // The ciphertext is bound to this connection.
    await expect(fakes.cipher.decrypt(stored?.encryptedPassword ?? '', { connectionId })).resolves.toBe(
      LOGIN.password,
    );

    expect([...fakes.tokens.items.keys()]).toEqual([tokenHashOf('token-1')]);
    expect(JSON.stringify([...fakes.tokens.items.values()])).not.toContain('token-1"');
  });

  it('the token hash is the one the bearer authenticator looks up', () => {
    expect(tokenHashOf('abc')).toBe(createHash('sha256').update('abc').digest('hex'));
  });

  it('default tokens are 256-bit random base64url strings', async () => {
    const { newToken: _fixed, ...withRandom } = deps;
    const a = await createSession(withRandom, request());
    const b = await createSession(withRandom, request());
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
  });

  it('the same loginId reuses its connection (tenant) and gets a new token; the old token stays valid', async () => {
    const first = await createSession(deps, request());
    fakes.clock.advance(60_000);
    const second = await createSession(deps, request({ timeZone: 'UTC' }));
    expect(second.connectionId).toBe(first.connectionId);
    expect(second.token).not.toBe(first.token);
    expect(fakes.connections.items.size).toBe(1);
    expect(fakes.tokens.items.size).toBe(2);
    expect(fakes.connections.items.get(first.connectionId)?.timeZone).toBe('UTC');
  });

  it('connection ids are deterministic per loginId and differ between loginIds', () => {
    expect(connectionIdFor('a')).toMatch(/^c_[0-9a-f]{24}$/);
    expect(connectionIdFor('a')).toBe(connectionIdFor('a'));
    expect(connectionIdFor('a')).not.toBe(connectionIdFor('b'));
  });

  it('a connection marked invalid is active again after a session with a password Konnektive accepts', async () => {
    const { connectionId } = await createSession(deps, request());
    await fakes.connections.setStatus(connectionId, 'invalid', fakes.clock.now());
    fakes.konnektive.validCredentials = { ...LOGIN, password: 'the-new-pass-2' };
    await createSession(deps, request({ password: 'the-new-pass-2' }));
    expect(fakes.connections.items.get(connectionId)?.status).toBe('active');
  });

  describe('a password Konnektive refused is not tried again', () => {
    const markInvalid = async () => {
      const { connectionId } = await createSession(deps, request());
      // Later a call with the stored password is refused (it was changed in the CRM).
      await fakes.connections.setStatus(connectionId, 'invalid', fakes.clock.now());
      fakes.konnektive.validCredentials = { ...LOGIN, password: 'changed-in-the-crm-3' };
      fakes.konnektive.calls.length = 0;
      return connectionId;
    };

    it('the stored, refused password → InvalidCredentialsError without a Konnektive call, however often', async () => {
      const connectionId = await markInvalid();
      for (let attempt = 0; attempt < 5; attempt++) {
        fakes.clock.advance(60_000);
        await expect(createSession(deps, request())).rejects.toBeInstanceOf(InvalidCredentialsError);
      }
      expect(fakes.konnektive.calls).toEqual([]);
      expect(fakes.connections.items.get(connectionId)?.status).toBe('invalid');
    });

    it('a new password Konnektive refuses is remembered instead, and is not tried a second time', async () => {
      const connectionId = await markInvalid();
      await expect(createSession(deps, request({ password: 'typo-pass-4' }))).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
      expect(fakes.konnektive.calls).toHaveLength(1);
      await expect(createSession(deps, request({ password: 'typo-pass-4' }))).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
      expect(fakes.konnektive.calls).toHaveLength(1);
      const stored = fakes.connections.items.get(connectionId);
      expect(stored?.status).toBe('invalid');
      expect(stored?.timeZone).toBe('America/New_York');
      await expect(fakes.cipher.decrypt(stored?.encryptedPassword ?? '', { connectionId })).resolves.toBe(
        'typo-pass-4',
      );
    });

    it('after REFUSED_PASSWORD_HOLD_MS one attempt reaches Konnektive again (the refusal may have been wrong)', async () => {
      await markInvalid();
      fakes.konnektive.validCredentials = LOGIN;
      fakes.clock.advance(REFUSED_PASSWORD_HOLD_MS + 1000);
      await expect(createSession(deps, request())).resolves.toMatchObject({ loginId: LOGIN.loginId });
      expect(fakes.konnektive.calls.length).toBeGreaterThan(0);
    });

    it('an active connection never answers from memory: a wrong password typed while connecting is checked', async () => {
      await createSession(deps, request());
      fakes.konnektive.calls.length = 0;
      await expect(createSession(deps, request({ password: 'wrong-5' }))).rejects.toBeInstanceOf(
        InvalidCredentialsError,
      );
      expect(fakes.konnektive.calls).toHaveLength(1);
      expect(fakes.connections.items.get(connectionIdFor(LOGIN.loginId))?.status).toBe('active');
    });
  });

  it('bad credentials → InvalidCredentialsError (403), nothing stored, no further probes', async () => {
    const error = await createSession(deps, request({ password: 'wrong-pass' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect((error as Error).message).toMatch(/rejected the login ID or password/);
    expect((error as Error).message).not.toContain('wrong-pass');
    expect(fakes.konnektive.calls).toHaveLength(1);
    expect(fakes.connections.items.size).toBe(0);
    expect(fakes.tokens.items.size).toBe(0);
  });

  it('missing permissions are all named, and nothing is stored', async () => {
    fakes.konnektive.deny('queryTransactions').deny('queryCampaigns');
    const error = await createSession(deps, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingPermissionsError);
    expect((error as MissingPermissionsError).missingPermissions).toEqual([
      'Query Transactions',
      'Query Campaigns',
    ]);
    expect((error as Error).message).toContain('Query Transactions, Query Campaigns');
    expect(fakes.connections.items.size).toBe(0);
  });

  it('not whitelisted → NotWhitelistedError whose message lists the egress IPs', async () => {
    fakes.konnektive.failNext(
      'queryOrders',
      new KonnektiveNotWhitelistedError(
        'IP must be whitelisted - 198.51.100.7',
        'order/query',
        '198.51.100.7',
      ),
    );
    const error = await createSession(deps, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotWhitelistedError);
    expect((error as NotWhitelistedError).egressIps).toEqual(EGRESS);
    expect((error as Error).message).toContain('203.0.113.10, 203.0.113.11');
    expect((error as Error).message).toContain('198.51.100.7');
    expect(fakes.connections.items.size).toBe(0);
  });

  it('Konnektive down → UpstreamUnavailableError with a retry delay', async () => {
    fakes.konnektive.failNext('queryOrders', new KonnektiveTransientError('timed out', 'order/query'));
    const error = await createSession(deps, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it('auth errors on a later probe still stop the verification', async () => {
    fakes.konnektive.failNext(
      'queryTransactions',
      new KonnektiveAuthError('Could not authenticate credentials', 'transactions/query'),
    );
    await expect(createSession(deps, request())).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(fakes.konnektive.callsTo('queryCampaigns')).toHaveLength(0);
  });
});

describe('session request schema', () => {
  it('defaults the time zone and validates it by name', () => {
    expect(request().timeZone).toBe('America/New_York');
    expect(request({ timeZone: '' }).timeZone).toBe('America/New_York');
    expect(request({ timeZone: ' Europe/Paris ' }).timeZone).toBe('Europe/Paris');
    for (const bad of ['Mars/Olympus', '+02:00', 42]) {
      const result = createSessionRequestSchema.safeParse({ ...LOGIN, timeZone: bad });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['timeZone']);
      expect(result.error?.issues[0]?.message).toMatch(/IANA time zone/);
    }
  });

  it('requires loginId and password, and never echoes the password', () => {
    const result = createSessionRequestSchema.safeParse({ loginId: ' ', password: 'x'.repeat(200) });
    expect(result.success).toBe(false);
    const text = JSON.stringify((result.error as ZodError).issues);
    expect(text).toContain('loginId');
    expect(text).toContain('password');
    expect(text).not.toContain('x'.repeat(20));
  });
});

describe('me, revoke and stored credentials', () => {
  it('describeMe answers the public fields; an invalid connection is CREDENTIALS_REJECTED', async () => {
    const session = await createSession(deps, request());
    const connection = await fakes.connections.get(session.connectionId);
    if (connection === undefined) throw new Error('connection missing');
    expect(describeMe(connection)).toEqual({
      connectionId: session.connectionId,
      label: LOGIN.loginId,
      loginId: LOGIN.loginId,
      timeZone: 'America/New_York',
    });
    expect(() => describeMe({ ...connection, status: 'invalid' })).toThrow(CredentialsRejectedError);
  });

  it('revokeToken forgets exactly that token', async () => {
    const a = await createSession(deps, request());
    const b = await createSession(deps, request());
    await revokeToken(deps, a.token);
    expect(await fakes.tokens.get(tokenHashOf(a.token))).toBeUndefined();
    expect(await fakes.tokens.get(tokenHashOf(b.token))).toBeDefined();
    await expect(revokeToken(deps, a.token)).resolves.toBeUndefined();
  });

  it('storedCredentials decrypts with the connection as context', async () => {
    const session = await createSession(deps, request());
    const connection = await fakes.connections.get(session.connectionId);
    if (connection === undefined) throw new Error('connection missing');
    await expect(storedCredentials(fakes, connection)).resolves.toEqual(LOGIN);
    await expect(storedCredentials(fakes, { ...connection, connectionId: 'c_other' })).rejects.toThrow();
  });
});
