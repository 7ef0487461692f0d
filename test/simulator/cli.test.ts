import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb/dynamodb-local.js';
import { DEMO } from './helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

const runCli = (args: string[], env: Record<string, string> = {}): Cli => {
  // One process (node with the tsx loader), so a kill in afterEach cannot orphan a grandchild server.
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/simulator/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
};

describe('npm run sim (local/simulator/main.ts)', () => {
  let cli: Cli | undefined;
  afterEach(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exit;
    }
    cli = undefined;
  });

  it('prints one ready line with the URL and demo credentials, serves seeded data, and stops on SIGTERM', async () => {
    const port = await freePort();
    cli = runCli(['--port', String(port), '--seed', '5', '--seed-orders', '30'], {
      SIM_TIME_ZONE: 'America/Chicago',
    });
    await expect.poll(() => cli?.stdout() ?? '', { timeout: 60_000, interval: 100 }).toContain('ready');
    const line = cli.stdout().trim();
    expect(line).toContain(`http://127.0.0.1:${port}`);
    expect(line).toContain(DEMO.loginId);
    expect(line).toContain(DEMO.password);
    expect(line).toContain('America/Chicago');
    const status = (await (await fetch(`http://127.0.0.1:${port}/_sim/status`)).json()) as {
      counts: { orders: number };
    };
    expect(status.counts.orders).toBe(30);
    const campaigns = (await (
      await fetch(`http://127.0.0.1:${port}/campaign/query/?${new URLSearchParams(DEMO)}`)
    ).json()) as {
      result: string;
    };
    expect(campaigns.result).toBe('SUCCESS');
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  }, 90_000);

  it.each([
    [['--port', 'eighty'], /--port/],
    [['--error-rate', '2'], /--error-rate/],
    [['--seed-orders', '-4'], /--seed-orders/],
    [['--bogus'], /bogus/],
    [['--time-zone', 'Mars/Olympus'], /Mars\/Olympus/],
  ])(
    'exits 1 with a clear message for %j',
    async (args, pattern) => {
      cli = runCli(['--port', '0', ...args]);
      expect(await cli.exit).toBe(1);
      expect(cli.stderr()).toMatch(pattern);
    },
    60_000,
  );

  it('selects contract variants: a preset, then one flag per switch, with environment equivalents', async () => {
    const port = await freePort();
    cli = runCli(
      [
        '--port',
        String(port),
        '--seed-orders',
        '0',
        '--contract',
        'worst',
        '--campaign-dates',
        'optional',
        '--empty-text',
        'all=alt1',
        '--empty-text',
        'transactions=alt3,products=default',
        '--page-latency-ms',
        '10-20',
      ],
      { SIM_SORTING: 'honoured', SIM_REFUND_TXN_TYPE: 'VOID_SAME_DAY' },
    );
    await expect.poll(() => cli?.stdout() ?? '', { timeout: 60_000, interval: 100 }).toContain('ready');
    expect(cli.stdout()).toContain('contract custom');
    const answer = (await (await fetch(`http://127.0.0.1:${port}/_sim/contract`)).json()) as {
      preset: string | null;
      contract: Record<string, unknown>;
    };
    expect(answer.preset).toBeNull();
    expect(answer.contract).toEqual({
      timeFilters: 'ignored',
      sorting: 'honoured',
      dateUpdatedMovesOn: 'neither',
      emptyTexts: {
        orders: 'alt1',
        transactions: 'alt3',
        campaigns: 'alt1',
        customers: 'alt1',
        products: 'default',
      },
      permissionText: 'alt3',
      ipText: 'alt1',
      refundTxnType: 'VOID_SAME_DAY',
      pageLatency: { minMs: 10, maxMs: 20 },
      campaignDates: 'optional',
    });
    const empty = (await (
      await fetch(
        `http://127.0.0.1:${port}/transactions/query/?${new URLSearchParams({ ...DEMO, startDate: '01/01/2020', endDate: '01/01/2020' })}`,
      )
    ).json()) as { message: string };
    expect(empty.message).toBe('No transactions found');
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  }, 90_000);

  it('reads the contract preset from SIM_CONTRACT and names it on the ready line', async () => {
    const port = await freePort();
    cli = runCli(['--port', String(port), '--seed-orders', '0'], {
      SIM_CONTRACT: 'day-granular-sorted',
    });
    await expect.poll(() => cli?.stdout() ?? '', { timeout: 60_000, interval: 100 }).toContain('ready');
    expect(cli.stdout()).toContain('contract day-granular-sorted');
    cli.child.kill('SIGTERM');
    expect(await cli.exit).toBe(0);
  }, 90_000);

  it.each([
    [['--contract', 'best'], /--contract: must be one of default, /],
    [['--time-filters', 'sideways'], /--time-filters: must be one of honoured, ignored/],
    [['--date-updated-moves-on', 'always'], /--date-updated-moves-on/],
    [['--empty-text', 'refunds=alt1'], /--empty-text: unknown endpoint "refunds"/],
    [['--empty-text', 'transactions=alt9'], /--empty-text: "transactions=alt9"/],
    [['--refund-txn-type', 'void'], /--refund-txn-type/],
    [['--page-latency-ms', '60000-20000'], /--page-latency-ms: MIN must not exceed MAX/],
    [['--page-latency-ms', 'slow'], /--page-latency-ms/],
    [['--campaign-dates', 'sometimes'], /--campaign-dates/],
  ])(
    'exits 1 naming the contract flag for %j',
    async (args, pattern) => {
      cli = runCli(['--port', '0', ...args]);
      expect(await cli.exit).toBe(1);
      expect(cli.stderr()).toMatch(pattern);
    },
    60_000,
  );

  it('reads settings from the environment', async () => {
    cli = runCli([], { SIM_PORT: 'not-a-port' });
    expect(await cli.exit).toBe(1);
    expect(cli.stderr()).toMatch(/--port/);
  }, 60_000);
});
