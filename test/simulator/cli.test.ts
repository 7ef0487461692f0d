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

  it('reads settings from the environment', async () => {
    cli = runCli([], { SIM_PORT: 'not-a-port' });
    expect(await cli.exit).toBe(1);
    expect(cli.stderr()).toMatch(/--port/);
  }, 60_000);
});
