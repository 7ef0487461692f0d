/**
 * `npm run ops -- <target> <command>`: what on-call does, against a deployed stage or against `npm start`.
 * Arguments are checked with zod (one line naming the flag); exit 0 on success, 1 on any failure.
 */
import * as z from 'zod';
import type { ConnectionReport } from '../../functions/core/operations/connections.js';
import {
  DEAD_LETTER_QUEUES,
  type DeadLetterReport,
  MAX_SAMPLE,
} from '../../functions/core/operations/dead-letters.js';
import type { OpsBackend } from './backend.js';
import { OpsError } from './backend.js';

const TARGET_HELP = `Target (one of):
  --stage <name> [--region <region>]   a deployed stage (config/stages/<name>.ts; the shell's AWS credentials)
  --local [url]                        npm start on this machine (default http://127.0.0.1:3000)
Output: --json prints the result as JSON.`;

export const HELP: Record<string, string> = {
  '': `usage: npm run ops -- <target> <command> [options]

Commands:
  connections list                          connections: status, subscriptions, per-stream lag and lease
  connections retest <connectionId>         mark an invalid connection for re-test (next connect tests it once)
  dlq list [--queue q] [--sample n]         dead letters: count and a redacted sample per queue
  dlq redrive [--queue q] [--max n] [--fresh]
                                            move dead letters back to the queue they came from
  replay --from <iso> --to <iso> --subscription <id>
                                            re-deliver archived events to one subscription, despite delivered markers

${TARGET_HELP}
Help on one command: npm run ops -- <command> --help`,
  'connections list': `usage: npm run ops -- <target> connections list [--json]

Every connection, oldest first: status (active | invalid), whether a re-test is pending, its subscriptions by
trigger type, and per stream in use: high-water mark, lag (now − hwm), read strategy and lease (free | held | stuck).

${TARGET_HELP}`,
  'connections retest': `usage: npm run ops -- <target> connections retest <connectionId> [--json]

Marks an invalid connection (Konnektive refused its password) so that the next connect with that password — the
user reconnecting in Zapier — is tested once against Konnektive; accepted, the connection is active again and its
polls resume. An active connection has nothing to re-test.

${TARGET_HELP}`,
  'dlq list': `usage: npm run ops -- <target> dlq list [--queue ${DEAD_LETTER_QUEUES.join('|')}] [--sample n] [--json]

How many messages each dead-letter queue holds and up to n (default 10, at most ${MAX_SAMPLE}) of them: ids, the
event's kind, connection, record, targets and attempts — never a payload or hook URL. Sampled messages stay queued.
Locally there is only the delivery queue.

${TARGET_HELP}`,
  'dlq redrive': `usage: npm run ops -- <target> dlq redrive [--queue delivery|poll] [--max n] [--fresh] [--json]

Moves up to n (default 1000) dead letters back to the queue they came from (default: delivery). A redriven delivery
gets one more attempt (its retry horizon is over); --fresh restarts its retry schedule from now instead.
Schedule dead letters are missed ticks and are not redriven.

${TARGET_HELP}`,
  replay: `usage: npm run ops -- <target> replay --from <iso> --to <iso> --subscription <id> [--json]

Re-delivers every archived event detected in [from, to) of the subscription's connection, trigger and type to that
subscription only, even where it was delivered before (delivered markers are bypassed for this replay, which keeps
its own). AWS: a replay of the bus archive through a temporary rule and queue (removed afterwards); locally: the
runtime's archive. Instants are ISO-8601, e.g. 2026-11-25T12:00:00Z.

${TARGET_HELP}`,
};

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const BOOLEAN_FLAGS = new Set(['json', 'help', 'fresh']);
const VALUE_FLAGS = new Set(['stage', 'region', 'queue', 'sample', 'max', 'from', 'to', 'subscription']);

export interface ParsedArgs {
  flags: Record<string, string | true>;
  positionals: string[];
}

/** `--flag value`, `--flag=value`, boolean flags, and `--local` with an optional URL. */
export const tokenize = (argv: readonly string[]): ParsedArgs => {
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (name in flags) throw new UsageError(`--${name} given twice`);
    if (name === 'local') {
      const next = argv[i + 1];
      if (inline !== undefined) flags.local = inline;
      else if (next !== undefined && /^https?:\/\//.test(next)) {
        flags.local = next;
        i++;
      } else flags.local = true;
    } else if (BOOLEAN_FLAGS.has(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
    } else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`--${name} needs a value`);
      }
      if (inline === undefined) i++;
      flags[name] = value;
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { flags, positionals };
};

/** Parses `value` with `schema`; the first issue as one line naming the flag. */
const check = <S extends z.ZodType>(schema: S, value: unknown): z.output<S> => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  throw new UsageError(`${typeof key === 'string' ? `--${key}: ` : ''}${issue?.message ?? 'invalid'}`);
};

const count = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a number` })
    .int(`must be a whole number`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const isoInstant = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 instant such as 2026-11-25T12:00:00Z',
});
const queueFlag = z.enum(DEAD_LETTER_QUEUES, { error: `must be one of ${DEAD_LETTER_QUEUES.join(', ')}` });

const targetSchema = z
  .object({
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,15}$/, 'must be a stage name such as dev or prod')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')
      .optional(),
    local: z
      .union([z.literal(true), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })])
      .optional(),
  })
  .superRefine((target, context) => {
    if (target.stage && target.local) {
      context.addIssue({
        code: 'custom',
        path: ['local'],
        message: 'give either --stage or --local, not both',
      });
    } else if (!target.stage && !target.local) {
      context.addIssue({
        code: 'custom',
        path: ['stage'],
        message: 'say where: --stage <name> (AWS) or --local [url] (npm start)',
      });
    } else if (target.region && !target.stage) {
      context.addIssue({ code: 'custom', path: ['region'], message: 'only with --stage' });
    }
  });
export type OpsTarget = z.output<typeof targetSchema>;

const ALLOWED: Record<string, readonly string[]> = {
  'connections list': [],
  'connections retest': [],
  'dlq list': ['queue', 'sample'],
  'dlq redrive': ['queue', 'max', 'fresh'],
  replay: ['from', 'to', 'subscription'],
};
const COMMON = ['stage', 'region', 'local', 'json', 'help'];

/** The command's key in HELP/ALLOWED from the positionals, and the rest. */
const commandOf = (positionals: string[]): { key: string; rest: string[] } => {
  const [first, second, ...rest] = positionals;
  if (first === undefined || first === 'help') return { key: '', rest: [] };
  if (first === 'replay') return { key: 'replay', rest: positionals.slice(1) };
  if (first === 'connections' || first === 'dlq') {
    const key = `${first} ${second ?? ''}`;
    if (!(key in ALLOWED)) {
      throw new UsageError(
        second === undefined
          ? `${first} needs a subcommand: ${Object.keys(ALLOWED)
              .filter((k) => k.startsWith(`${first} `))
              .map((k) => k.split(' ')[1])
              .join(' | ')}`
          : `unknown command ${first} ${second}`,
      );
    }
    return { key, rest };
  }
  throw new UsageError(`unknown command ${first} (npm run ops -- --help)`);
};

export interface OpsIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export type BackendFactory = (target: OpsTarget, io: OpsIo) => Promise<OpsBackend>;

/** Runs one ops command; resolves with the exit code. */
export const runOps = async (
  argv: readonly string[],
  io: OpsIo,
  makeBackend: BackendFactory,
): Promise<number> => {
  let backend: OpsBackend | undefined;
  try {
    const { flags, positionals } = tokenize(argv);
    const { key, rest } = commandOf(positionals);
    if (flags.help || key === '') {
      io.out(`${HELP[key] ?? HELP['']}\n`);
      return key === '' && !flags.help && positionals[0] !== 'help' ? 1 : 0;
    }
    const allowed = new Set([...COMMON, ...(ALLOWED[key] ?? [])]);
    const stray = Object.keys(flags).find((flag) => !allowed.has(flag));
    if (stray) throw new UsageError(`--${stray} does not apply to ${key} (npm run ops -- ${key} --help)`);
    const expectedPositionals = key === 'connections retest' ? 1 : 0;
    if (rest.length > expectedPositionals)
      throw new UsageError(`unexpected argument ${rest[expectedPositionals]}`);
    const target = check(targetSchema, flags);

    let run: (backend: OpsBackend) => Promise<{ json: unknown; text: string }>;
    switch (key) {
      case 'connections list':
        run = async (b) => {
          const connections = await b.listConnections();
          return { json: { connections }, text: formatConnections(connections) };
        };
        break;
      case 'connections retest': {
        const connectionId = rest[0];
        if (!connectionId) throw new UsageError('connections retest needs a <connectionId>');
        run = async (b) => {
          const result = await b.retestConnection(connectionId);
          return { json: result, text: `${result.connectionId}: ${result.message}` };
        };
        break;
      }
      case 'dlq list': {
        const options = check(
          z.object({ queue: queueFlag.optional(), sample: count(0, MAX_SAMPLE).default(10) }),
          flags,
        );
        run = async (b) => {
          const queues = await b.listDeadLetters(options);
          return { json: { queues }, text: formatDeadLetters(queues) };
        };
        break;
      }
      case 'dlq redrive': {
        const options = check(
          z.object({
            queue: queueFlag
              .refine(
                (queue) => queue !== 'schedule',
                'schedule dead letters are missed ticks: nothing to redrive',
              )
              .default('delivery'),
            max: count(1, 100_000).default(1000),
            fresh: z.literal(true).optional(),
          }),
          flags,
        );
        run = async (b) => {
          const result = await b.redriveDeadLetters({ ...options, fresh: options.fresh === true });
          return {
            json: result,
            text: `redrove ${result.redriven} message(s) from the ${result.queue} dead-letter queue${
              result.fresh ? ' with a fresh retry schedule' : ''
            }; ${result.remaining} left`,
          };
        };
        break;
      }
      case 'replay': {
        const options = check(
          z
            .object({
              from: isoInstant,
              to: isoInstant,
              subscription: z.string({ error: 'is required (a subscription id)' }).min(1),
            })
            .refine((range) => Date.parse(range.to) > Date.parse(range.from), {
              error: 'must be after --from',
              path: ['to'],
            }),
          { from: flags.from, to: flags.to, subscription: flags.subscription },
        );
        run = async (b) => {
          const result = await b.replay({
            from: options.from,
            to: options.to,
            subscriptionId: options.subscription,
          });
          return {
            json: result,
            text:
              `queued ${result.queued} event(s) of ${result.what} detected in [${result.from}, ${result.to}) ` +
              `for subscription ${result.subscriptionId} only (connection ${result.connectionId}); ` +
              `this replay's markers are <eventId>@${result.replayedAt}` +
              (result.eventIds.length > 0 ? `\n  ${result.eventIds.join('\n  ')}` : ''),
          };
        };
        break;
      }
      default:
        throw new UsageError(`unknown command ${key}`);
    }

    backend = await makeBackend(target, io);
    const result = await run(backend);
    io.out(flags.json ? `${JSON.stringify(result.json, null, 2)}\n` : `${backend.target}\n${result.text}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof OpsError) {
      io.err(`npm run ops: ${error.message}\n`);
    } else {
      io.err(`npm run ops: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    }
    return 1;
  } finally {
    backend?.close();
  }
};

const formatConnections = (connections: ConnectionReport[]): string => {
  if (connections.length === 0) return 'no connections';
  return connections
    .map((c) => {
      const types = Object.entries(c.subscriptions.byType)
        .map(([type, n]) => `${type}×${n}`)
        .join(', ');
      const lines = [
        `${c.connectionId}  ${c.status}${c.retestRequestedAt ? ` (re-test requested ${c.retestRequestedAt})` : ''}  ` +
          `${c.label} (login ${c.loginId}, ${c.timeZone})  subscriptions ${c.subscriptions.total}${types ? `: ${types}` : ''}`,
      ];
      for (const s of c.streams) {
        lines.push(
          `  ${s.stream.padEnd(13)} ${String(s.subscriptions).padStart(3)} sub(s)  ` +
            (s.hwm ? `lag ${s.lagSeconds ?? 0} s (hwm ${s.hwm})` : 'never polled') +
            `  ${s.strategy ?? 'strategy undecided'}  lease ${s.lease}`,
        );
      }
      return lines.join('\n');
    })
    .join('\n');
};

const formatDeadLetters = (queues: DeadLetterReport[]): string =>
  queues
    .map((q) => {
      const lines = [`${q.queue}: ${q.count} message(s)`];
      for (const m of q.sample) {
        const parts = [
          m.id,
          m.sentAt ?? '',
          m.kind,
          m.what ?? '',
          m.eventId ? `event ${m.eventId}` : '',
          m.recordId ? `record ${m.recordId}` : '',
          m.connectionId ? `connection ${m.connectionId}` : '',
          m.targets ? `targets ${m.targets.join(',')}` : '',
          m.attempt ? `attempt ${m.attempt} since ${m.firstAttemptAt}` : '',
          m.redeliver ? 'replay' : '',
          m.reason ? `(${m.reason})` : '',
        ];
        lines.push(`  ${parts.filter(Boolean).join('  ')}`);
      }
      return lines.join('\n');
    })
    .join('\n');
