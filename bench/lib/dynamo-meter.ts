/**
 * Counts (and times) every DynamoDB call the stores make in this process, by command, by wrapping
 * `DynamoDBDocumentClient.prototype.send` — the one client the runtime's stores use. Cheap: a map update per call.
 * Benchmark instrumentation only; nothing in the product is changed.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => unknown;

export interface OpStats {
  calls: number;
  totalMs: number;
}

const WRITES = new Set(['Put', 'Update', 'Delete', 'BatchWrite', 'TransactWrite']);

/**
 * `Put Ledger`, `Get Deliveries`, …: the command without its `Command` suffix and the logical table (the physical
 * names are `<prefix>-<Id>`, see functions/adapters/dynamodb/tables.ts).
 */
const operationName = (command: unknown): string => {
  if (typeof command !== 'object' || command === null) return 'unknown';
  const name = command.constructor.name.replace(/Command$/, '');
  const input = (command as { input?: { TableName?: unknown } }).input;
  const table = typeof input?.TableName === 'string' ? input.TableName.split('-').pop() : undefined;
  return table ? `${name} ${table}` : name;
};

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

export class DynamoMeter {
  private ops = new Map<string, OpStats>();
  private original: Send | undefined;

  install(): void {
    if (this.original) return;
    const prototype = DynamoDBDocumentClient.prototype as unknown as { send: Send };
    const original = prototype.send;
    this.original = original;
    const record = (name: string, started: number) => {
      const stats = this.ops.get(name) ?? { calls: 0, totalMs: 0 };
      stats.calls += 1;
      stats.totalMs += performance.now() - started;
      this.ops.set(name, stats);
    };
    prototype.send = function (this: unknown, command: unknown, ...rest: unknown[]) {
      const name = operationName(command);
      const started = performance.now();
      const result = original.call(this, command, ...rest);
      if (isPromise(result)) {
        // A rejected call is counted apart: for the ledger's conditional put it means "already seen".
        result.then(
          () => record(name, started),
          () => record(`${name} (failed)`, started),
        );
      } else {
        record(name, started);
      }
      return result;
    };
  }

  uninstall(): void {
    if (!this.original) return;
    (DynamoDBDocumentClient.prototype as unknown as { send: Send }).send = this.original;
    this.original = undefined;
  }

  reset(): void {
    this.ops = new Map();
  }

  /** Calls since the last reset by operation (`Put Ledger`, `Put Ledger (failed)`, …), with totals. */
  snapshot(): {
    byCommand: Record<string, OpStats>;
    calls: number;
    writes: number;
    reads: number;
    totalMs: number;
  } {
    const byCommand = Object.fromEntries([...this.ops.entries()].sort(([a], [b]) => a.localeCompare(b)));
    let calls = 0;
    let writes = 0;
    let totalMs = 0;
    for (const [name, stats] of this.ops) {
      calls += stats.calls;
      totalMs += stats.totalMs;
      if (WRITES.has(name.split(' ')[0] ?? '')) writes += stats.calls;
    }
    return { byCommand, calls, writes, reads: calls - writes, totalMs };
  }
}

/** Calls of the operations whose name starts with one of `prefixes` (`Put Ledger` also counts `Put Ledger (failed)`). */
export const callsOf = (byCommand: Record<string, OpStats>, ...prefixes: string[]): number =>
  Object.entries(byCommand)
    .filter(([name]) => prefixes.some((prefix) => name.startsWith(prefix)))
    .reduce((sum, [, stats]) => sum + stats.calls, 0);
