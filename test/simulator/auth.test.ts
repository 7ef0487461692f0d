import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../local/simulator/index.js';
import { asEnvelope, errorMessage, send, startTestSim } from './helpers.js';

const WINDOW = { startDate: '01/01/2026', endDate: '12/31/2026' };

describe('simulator API users: allow-list, credentials, permissions', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startTestSim({
      seed: 3,
      users: [
        { loginId: 'demo-api-user', password: 'demo-password-123' },
        { loginId: 'office-only', password: 'office-pass-1', allowedIps: ['198.51.100.7', '203.0.113.0/24'] },
        {
          loginId: 'orders-reader',
          password: 'reader-pass-1',
          allowedIps: '*',
          permissions: ['Query Orders'],
        },
      ],
    });
  });
  afterAll(() => sim.close());

  const call = async (path: string, params: Record<string, string>, headers: Record<string, string> = {}) =>
    asEnvelope(await send(sim.url, path, params, 'form', headers));

  it.each([
    ['a wrong password', { loginId: 'demo-api-user', password: 'not-it' }],
    ['an unknown loginId', { loginId: 'ghost', password: 'demo-password-123' }],
    ['no credentials', {}],
    ['an empty password', { loginId: 'demo-api-user', password: '' }],
  ])('refuses %s with "Could not authenticate credentials"', async (_case, creds) => {
    expect(await call('/order/query/', { ...creds, ...WINDOW })).toEqual({
      result: 'ERROR',
      message: 'Could not authenticate credentials',
    });
  });

  it('refuses a caller outside the allow-list with the caller IP in the text', async () => {
    const answer = await call('/order/query/', {
      loginId: 'office-only',
      password: 'office-pass-1',
      ...WINDOW,
    });
    expect(answer).toEqual({ result: 'ERROR', message: 'IP must be whitelisted - 127.0.0.1' });
  });

  it('lets X-Sim-Client-Ip stand for the caller IP (exact entry and CIDR)', async () => {
    const creds = { loginId: 'office-only', password: 'office-pass-1', ...WINDOW };
    for (const ip of ['198.51.100.7', '203.0.113.200']) {
      const answer = await call('/order/query/', creds, { 'X-Sim-Client-Ip': ip });
      // Past the IP and credential checks, an empty account answers the empty-result sentence.
      expect(answer).toEqual({
        result: 'ERROR',
        message: 'No orders matching those parameters could be found',
      });
    }
    const outside = await call('/order/query/', creds, { 'X-Sim-Client-Ip': '198.51.100.8' });
    expect(outside).toEqual({ result: 'ERROR', message: 'IP must be whitelisted - 198.51.100.8' });
  });

  it('checks the IP before the password', async () => {
    const answer = await call('/order/query/', { loginId: 'office-only', password: 'wrong', ...WINDOW });
    expect(errorMessage(answer)).toBe('IP must be whitelisted - 127.0.0.1');
  });

  it('keeps the demo user to loopback callers', async () => {
    const answer = await call(
      '/order/query/',
      { loginId: 'demo-api-user', password: 'demo-password-123', ...WINDOW },
      {
        'X-Sim-Client-Ip': '192.0.2.44',
      },
    );
    expect(errorMessage(answer)).toBe('IP must be whitelisted - 192.0.2.44');
  });

  it('refuses an endpoint the user was not granted, after credentials and before validation', async () => {
    const creds = { loginId: 'orders-reader', password: 'reader-pass-1' };
    expect(await call('/transactions/query/', { ...creds, ...WINDOW })).toEqual({
      result: 'ERROR',
      message: 'Permission denied: this API user does not have access to Query Transactions',
    });
    // Invalid input is not looked at before the permission check.
    expect(errorMessage(await call('/order/import/', creds))).toBe(
      'Permission denied: this API user does not have access to Import Orders',
    );
    // Wrong password on a refused endpoint still fails on credentials first.
    expect(errorMessage(await call('/order/import/', { ...creds, password: 'nope' }))).toBe(
      'Could not authenticate credentials',
    );
    // The granted endpoint works.
    expect(errorMessage(await call('/order/query/', { ...creds, ...WINDOW }))).toBe(
      'No orders matching those parameters could be found',
    );
  });

  it('applies updateUser to password, allow-list and permissions', async () => {
    sim.sim.addUser({ loginId: 'rotating', password: 'first-pass-1', allowedIps: '*' });
    const before = await call('/campaign/query/', { loginId: 'rotating', password: 'first-pass-1' });
    expect(before.result).toBe('SUCCESS');
    sim.sim.updateUser('rotating', { password: 'second-pass-2', permissions: ['Query Orders'] });
    expect(
      errorMessage(await call('/campaign/query/', { loginId: 'rotating', password: 'first-pass-1' })),
    ).toBe('Could not authenticate credentials');
    expect(
      errorMessage(await call('/campaign/query/', { loginId: 'rotating', password: 'second-pass-2' })),
    ).toBe('Permission denied: this API user does not have access to Query Campaigns');
    sim.sim.updateUser('rotating', { allowedIps: ['10.9.8.7'] });
    expect(
      errorMessage(await call('/campaign/query/', { loginId: 'rotating', password: 'second-pass-2' })),
    ).toBe('IP must be whitelisted - 127.0.0.1');
    expect(() => sim.sim.updateUser('nobody-here', { password: 'x' })).toThrow(/No API user/);
    expect(() => sim.sim.addUser({ loginId: 'bad-ip', password: 'p', allowedIps: ['not-an-ip'] })).toThrow(
      /Invalid allowedIps entry/,
    );
  });
});

describe('simulator API users: options', () => {
  it('uses a configured permission template and can ignore X-Sim-Client-Ip', async () => {
    const sim = await startTestSim({
      trustClientIpHeader: false,
      permissionDeniedTemplate: 'You are not allowed to use {endpoint} ({permission})',
      users: [{ loginId: 'limited', password: 'limited-pass', permissions: [] }],
    });
    try {
      const refused = asEnvelope(
        await send(sim.url, '/campaign/query/', { loginId: 'limited', password: 'limited-pass' }, 'get', {
          'X-Sim-Client-Ip': '192.0.2.1',
        }),
      );
      // The header was ignored (loopback is allowed by default), so the permission check is what refused.
      expect(refused).toEqual({
        result: 'ERROR',
        message: 'You are not allowed to use campaign/query (Query Campaigns)',
      });
      const log = sim.sim.requestLog();
      expect(log.at(-1)?.ip).toBe('127.0.0.1');
    } finally {
      await sim.close();
    }
  });
});
