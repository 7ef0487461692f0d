/** `npm run ops` argument handling: help for every command, one-line errors naming the flag, exit codes. */
import { describe, expect, it } from 'vitest';
import type { OpsBackend } from '../../scripts/ops/backend.js';
import { OpsError } from '../../scripts/ops/backend.js';
import { HELP, type OpsTarget, runOps } from '../../scripts/ops/cli.js';

const run = async (argv: string[], backend: Partial<OpsBackend> = {}) => {
  let out = '';
  let err = '';
  const targets: OpsTarget[] = [];
  const calls: unknown[] = [];
  const code = await runOps(
    argv,
    { out: (text) => (out += text), err: (text) => (err += text) },
    async (target) => {
      targets.push(target);
      return {
        target: 'fake',
        listConnections: async () => [],
        retestConnection: async () => {
          throw new OpsError('No connection x');
        },
        listDeadLetters: async (options) => {
          calls.push(options);
          return [];
        },
        redriveDeadLetters: async (options) => {
          calls.push(options);
          return { queue: options.queue, redriven: 0, fresh: options.fresh, remaining: 0 };
        },
        replay: async (request) => {
          calls.push(request);
          throw new OpsError('No subscription s');
        },
        close: () => undefined,
        ...backend,
      };
    },
  );
  return { code, out, err, targets, calls };
};

describe('npm run ops', () => {
  it('has help for every command, exit 0', async () => {
    for (const command of ['connections list', 'connections retest', 'dlq list', 'dlq redrive', 'replay']) {
      const result = await run([...command.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.out).toBe(`${HELP[command]}\n`);
      expect(result.out).toContain('--stage <name>');
    }
    expect((await run(['--help'])).out).toContain('Commands:');
    expect((await run([])).code).toBe(1);
  });

  it.each([
    [['dlq', 'list'], 'npm run ops: --stage: say where: --stage <name> (AWS) or --local [url] (npm start)'],
    [
      ['--stage', 'dev', '--local', 'dlq', 'list'],
      'npm run ops: --local: give either --stage or --local, not both',
    ],
    [['--stage', 'Dev!', 'dlq', 'list'], 'npm run ops: --stage: must be a stage name such as dev or prod'],
    [['--local', '--region', 'us-east-1', 'dlq', 'list'], 'npm run ops: --region: only with --stage'],
    [
      ['--local', 'dlq', 'list', '--queue', 'x'],
      'npm run ops: --queue: must be one of delivery, poll, schedule',
    ],
    [['--local', 'dlq', 'list', '--sample', 'many'], 'npm run ops: --sample: must be a number'],
    [['--local', 'dlq', 'redrive', '--max', '0'], 'npm run ops: --max: must be at least 1'],
    [
      ['--local', 'dlq', 'redrive', '--queue', 'schedule'],
      'npm run ops: --queue: schedule dead letters are missed ticks: nothing to redrive',
    ],
    [['--local', 'dlq', 'redrive', '--max'], 'npm run ops: --max needs a value'],
    [
      ['--local', 'dlq', 'list', '--max', '3'],
      'npm run ops: --max does not apply to dlq list (npm run ops -- dlq list --help)',
    ],
    [['--local', 'dlq', 'purge'], 'npm run ops: unknown command dlq purge'],
    [['--local', 'connections', 'retest'], 'npm run ops: connections retest needs a <connectionId>'],
    [
      ['--local', 'replay', '--to', '2026-11-25T12:00:00Z', '--subscription', 's'],
      'npm run ops: --from: must be an ISO-8601 instant such as 2026-11-25T12:00:00Z',
    ],
    [
      [
        '--local',
        'replay',
        '--from',
        '2026-11-25T12:00:00Z',
        '--to',
        '2026-11-25T11:00:00Z',
        '--subscription',
        's',
      ],
      'npm run ops: --to: must be after --from',
    ],
    [
      ['--local', 'replay', '--from', '2026-11-25T10:00:00Z', '--to', '2026-11-25T11:00:00Z'],
      'npm run ops: --subscription: is required (a subscription id)',
    ],
    [['--local', 'launch'], 'npm run ops: unknown command launch (npm run ops -- --help)'],
    [['--local', 'dlq', 'list', '--bogus'], 'npm run ops: unknown option --bogus'],
  ])('%j → exit 1, one line: %s', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.err).toBe(`${message}\n`);
    expect(result.targets).toEqual([]);
  });

  it('passes validated options to the backend and reports its failures in one line', async () => {
    const list = await run([
      '--local',
      'http://127.0.0.1:4000',
      'dlq',
      'list',
      '--sample=3',
      '--queue',
      'delivery',
    ]);
    expect(list).toMatchObject({ code: 0, targets: [{ local: 'http://127.0.0.1:4000' }] });
    expect(list.calls).toEqual([{ queue: 'delivery', sample: 3 }]);
    const redrive = await run([
      '--stage',
      'dev',
      '--region',
      'eu-west-1',
      'dlq',
      'redrive',
      '--fresh',
      '--json',
    ]);
    expect(redrive.targets).toEqual([{ stage: 'dev', region: 'eu-west-1' }]);
    expect(redrive.calls).toEqual([{ queue: 'delivery', max: 1000, fresh: true }]);
    expect(JSON.parse(redrive.out)).toEqual({ queue: 'delivery', redriven: 0, fresh: true, remaining: 0 });
    const replay = await run([
      '--local',
      'replay',
      '--from',
      '2026-11-25T10:00:00Z',
      '--to',
      '2026-11-25T11:00:00Z',
      '--subscription',
      's',
    ]);
    expect(replay).toMatchObject({ code: 1, err: 'npm run ops: No subscription s\n' });
    const crash = await run(['--local', 'connections', 'list'], {
      listConnections: async () => {
        throw new TypeError('boom');
      },
    });
    expect(crash).toMatchObject({ code: 1, err: 'npm run ops: TypeError: boom\n' });
  });
});
