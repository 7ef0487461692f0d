/**
 * The one Konnektive policy: the invalid-connection guard, decryption through one reader, and what each Konnektive
 * failure means (the domain error, and marking a connection whose stored password was rejected).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CredentialsRejectedError,
  DeclinedError,
  InvalidCredentialsError,
  MissingPermissionsError,
  NotFoundError,
  NotWhitelistedError,
  RateLimitedError,
  RedirectRequiredError,
  UpstreamError,
  UpstreamUnavailableError,
  ValidationError,
} from '../../functions/core/errors.js';
import {
  KonnektiveAuthError,
  KonnektiveDeclinedError,
  KonnektiveError,
  KonnektiveNotFoundError,
  KonnektiveNotWhitelistedError,
  KonnektivePermissionError,
  KonnektiveRedirectError,
  KonnektiveTransientError,
  KonnektiveValidationError,
} from '../../functions/core/konnektive.js';
import {
  CREDENTIALS_REJECTED_MESSAGE,
  type KonnektiveAccessDeps,
  konnektiveFailureOf,
  toDomainError,
  UPSTREAM_RETRY_AFTER_SECONDS,
  whitelistMessage,
  withStoredCredentials,
} from '../../functions/core/konnektive-access.js';
import type { Connection } from '../../functions/core/model.js';
import { getSamples } from '../../functions/core/triggers/samples.js';
import { createFakes, type Fakes } from '../support/fakes.js';

const EGRESS = ['203.0.113.10', '203.0.113.11'];
const E = 'order/query';

let fakes: Fakes;
let deps: KonnektiveAccessDeps;
let connection: Connection;

beforeEach(async () => {
  fakes = createFakes();
  deps = { ...fakes, egressIps: EGRESS };
  connection = await fakes.connections.upsert(
    {
      connectionId: 'c_a',
      loginId: 'api-user',
      encryptedPassword: await fakes.cipher.encrypt('fake-pass-1', { connectionId: 'c_a' }),
      timeZone: 'UTC',
      label: 'A',
      status: 'active',
    },
    fakes.clock.now(),
  );
});

describe('toDomainError', () => {
  it.each([
    [
      'auth (stored)',
      new KonnektiveAuthError('Could not authenticate credentials', E),
      CredentialsRejectedError,
    ],
    [
      'not whitelisted',
      new KonnektiveNotWhitelistedError('IP must be whitelisted', E, '1.2.3.4'),
      NotWhitelistedError,
    ],
    ['permission', new KonnektivePermissionError('denied', E, 'Query Orders'), MissingPermissionsError],
    ['transient', new KonnektiveTransientError('HTTP 503', E, { status: 503 }), UpstreamUnavailableError],
    ['declined', new KonnektiveDeclinedError('Transaction Declined: x', 'order/import', 'x'), DeclinedError],
    ['redirect', new KonnektiveRedirectError('MERC_REDIRECT', 'order/import', {}), RedirectRequiredError],
    ['validation', new KonnektiveValidationError('bad zip', 'order/import', { zip: 'bad' }), ValidationError],
    ['not found', new KonnektiveNotFoundError('Order not found', 'order/cancel'), NotFoundError],
    ['unknown', new KonnektiveError('ERROR', E), UpstreamError],
  ])('%s → its domain error, with the Konnektive failure as cause', (_name, failure, domain) => {
    const error = toDomainError(failure, { egressIps: EGRESS });
    expect(error).toBeInstanceOf(domain);
    expect(konnektiveFailureOf(error)).toBe(failure);
  });

  it('leaves anything that is not a Konnektive failure as it is', () => {
    const bug = new TypeError('x is undefined');
    expect(toDomainError(bug, { egressIps: EGRESS })).toBe(bug);
    expect(konnektiveFailureOf(bug)).toBeUndefined();
  });

  it('names the egress IPs and the IP Konnektive saw when not whitelisted', () => {
    const error = toDomainError(new KonnektiveNotWhitelistedError('IP must be whitelisted', E, '1.2.3.4'), {
      egressIps: EGRESS,
    }) as NotWhitelistedError;
    expect(error.message).toBe(whitelistMessage(EGRESS, '1.2.3.4'));
    expect(error.message).toContain('(it saw 1.2.3.4)');
    expect(error.message).toContain('203.0.113.10, 203.0.113.11');
    expect(error.egressIps).toEqual(EGRESS);
    expect(whitelistMessage([])).toContain("the stack's EgressIps output");
  });

  it('carries the permission, the Retry-After and the fields', () => {
    const permission = toDomainError(new KonnektivePermissionError('denied', E, 'Query Orders'), {
      egressIps: [],
    }) as MissingPermissionsError;
    expect(permission.missingPermissions).toEqual(['Query Orders']);
    expect(permission.message).toBe('The Konnektive API user lacks the "Query Orders" permission');
    const transient = toDomainError(new KonnektiveTransientError('down', E), {
      egressIps: [],
    }) as UpstreamUnavailableError;
    expect(transient.retryAfterSeconds).toBe(UPSTREAM_RETRY_AFTER_SECONDS);
    const validation = toDomainError(
      new KonnektiveValidationError('bad zip', 'order/import', { zip: 'bad' }),
      {
        egressIps: [],
      },
    ) as ValidationError;
    expect(validation.fields).toEqual({ zip: 'bad' });
    expect(validation.message).toBe('Konnektive rejected the input: bad zip');
  });

  it('HTTP 429 is RateLimitedError with the Retry-After; other transient failures stay UpstreamUnavailableError', () => {
    const throttled = toDomainError(new KonnektiveTransientError('HTTP 429', E, { status: 429 }), {
      egressIps: [],
    });
    expect(throttled).toBeInstanceOf(RateLimitedError);
    expect((throttled as RateLimitedError).retryAfterSeconds).toBe(UPSTREAM_RETRY_AFTER_SECONDS);
    const overloaded = toDomainError(new KonnektiveTransientError('HTTP 503', E, { status: 503 }), {
      egressIps: [],
    });
    expect(overloaded).toBeInstanceOf(UpstreamUnavailableError);
  });

  it('a new password that Konnektive rejects is InvalidCredentialsError, not a rejected connection', () => {
    const auth = new KonnektiveAuthError('Could not authenticate credentials', E);
    expect(toDomainError(auth, { egressIps: [], password: 'new' })).toBeInstanceOf(InvalidCredentialsError);
    const down = toDomainError(new KonnektiveTransientError('down', E), { egressIps: [], password: 'new' });
    expect((down as Error).message).toContain('try connecting again shortly');
  });
});

describe('withStoredCredentials', () => {
  it('decrypts the stored password and runs the call with it', async () => {
    const seen = await withStoredCredentials(
      deps,
      connection,
      async (_konnektive, credentials) => credentials,
    );
    expect(seen).toEqual({ loginId: 'api-user', password: 'fake-pass-1' });
  });

  it('reads passwords through the given reader when there is one (the cache seam)', async () => {
    const read: Connection[] = [];
    const seen = await withStoredCredentials(
      {
        ...deps,
        credentials: {
          read: async (c) => {
            read.push(c);
            return { loginId: c.loginId, password: 'from-reader' };
          },
        },
      },
      connection,
      async (_konnektive, credentials) => credentials.password,
    );
    expect(seen).toBe('from-reader');
    expect(read).toEqual([connection]);
  });

  it('refuses a connection marked invalid without calling Konnektive or decrypting', async () => {
    let called = false;
    const error = await withStoredCredentials(deps, { ...connection, status: 'invalid' }, async () => {
      called = true;
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as Error).message).toBe(CREDENTIALS_REJECTED_MESSAGE);
    expect(called).toBe(false);
  });

  it('marks the connection invalid when Konnektive rejects the stored password', async () => {
    const error = await withStoredCredentials(deps, connection, async () => {
      throw new KonnektiveAuthError('Could not authenticate credentials', E);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((await fakes.connections.get('c_a'))?.status).toBe('invalid');
  });

  it('leaves the connection active on any other failure', async () => {
    const error = await withStoredCredentials(deps, connection, async () => {
      throw new KonnektiveNotWhitelistedError('IP must be whitelisted', E, undefined);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotWhitelistedError);
    expect((await fakes.connections.get('c_a'))?.status).toBe('active');
  });

  it('tells onStoredCredentialsRejected, once, which connection it marked invalid', async () => {
    const rejected: string[] = [];
    const observed = { ...deps, onStoredCredentialsRejected: (id: string) => void rejected.push(id) };
    await withStoredCredentials(observed, connection, async () => {
      throw new KonnektiveAuthError('Could not authenticate credentials', E);
    }).catch(() => undefined);
    expect(rejected).toEqual(['c_a']);
    // The connection is now invalid: the guard refuses it without asking Konnektive, and nothing is counted again.
    await withStoredCredentials(observed, { ...connection, status: 'invalid' }, async () => undefined).catch(
      () => undefined,
    );
    expect(rejected).toEqual(['c_a']);
  });

  it('does not call onStoredCredentialsRejected for other failures', async () => {
    const rejected: string[] = [];
    const observed = { ...deps, onStoredCredentialsRejected: (id: string) => void rejected.push(id) };
    for (const failure of [
      new KonnektiveNotWhitelistedError('IP must be whitelisted', E, undefined),
      new KonnektiveTransientError('HTTP 503', E, { status: 503 }),
      new KonnektivePermissionError('denied', E, 'Query Orders'),
    ]) {
      await withStoredCredentials(observed, connection, async () => {
        throw failure;
      }).catch(() => undefined);
    }
    expect(rejected).toEqual([]);
  });
});

describe('samples under the policy', () => {
  it('refuse a connection marked invalid without calling Konnektive', async () => {
    await expect(
      getSamples(deps, { ...connection, status: 'invalid' }, 'order', 'NEW_SALE'),
    ).rejects.toBeInstanceOf(CredentialsRejectedError);
    expect(fakes.konnektive.calls).toHaveLength(0);
  });

  it('mark the connection invalid when Konnektive rejects its password', async () => {
    fakes.konnektive.failNext(
      'queryOrders',
      new KonnektiveAuthError('Could not authenticate credentials', E),
    );
    await expect(getSamples(deps, connection, 'order', 'NEW_SALE')).rejects.toBeInstanceOf(
      CredentialsRejectedError,
    );
    expect((await fakes.connections.get('c_a'))?.status).toBe('invalid');
  });
});
