/**
 * Counts (and times) every DynamoDB call the stores make in this process, by command, by wrapping
 * `DynamoDBDocumentClient.prototype.send` — the one client the runtime's stores use. Cheap: a map update per call.
 * Benchmark instrumentation only; nothing in the product is changed.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => unknown;

export interface OpStats {
  calls: number;
  /** Items read or written: one per call, the request's items for BatchGet/BatchWrite. */
  items: number;
  totalMs: number;
}

const WRITES = new Set(['Put', 'Update', 'Delete', 'BatchWrite', 'TransactWrite']);

/**
 * `Put Ledger`, `TransactWrite Ledger`, `Get Deliveries`, …: the command without its `Command` suffix and the logical table (the physical
 * names are `<prefix>-<Id>`, see functions/adapters/dynamodb/tables.ts).
 */
const operationName = (command: unknown): { name: string; items: number } => {
  if (typeof command !== 'object' || command === null) return { name: 'unknown', items: 1 };
  const name = command.constructor.name.replace(/Command$/, '');
  const input = (
    command as {
      input?: {
        TableName?: unknown;
        RequestItems?: Record<string, unknown>;
        TransactItems?: Array<Record<string, { TableName?: string }>>;
      };
    }
  ).input;
  if (input?.TransactItems) {
    const first = Object.values(input.TransactItems[0] ?? {})[0]?.TableName ?? '';
    return { name: `${name} ${first.split('-').pop()}`, items: input.TransactItems.length };
  }
  if (input?.RequestItems) {
    const [tableName, request] = Object.entries(input.RequestItems)[0] ?? ['', []];
    const items = Array.isArray(request)
      ? request.length
      : ((request as { Keys?: unknown[] }).Keys?.length ?? 0);
    return { name: `${name} ${tableName.split('-').pop()}`, items };
  }
  const table = typeof input?.TableName === 'string' ? input.TableName.split('-').pop() : undefined;
  return { name: table ? `${name} ${table}` : name, items: 1 };
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
    const record = ({ name, items }: { name: string; items: number }, started: number) => {
      const stats = this.ops.get(name) ?? { calls: 0, items: 0, totalMs: 0 };
      stats.calls += 1;
      stats.items += items;
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
          () => record({ name: `${name.name} (failed)`, items: name.items }, started),
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
    let reads = 0;
    let totalMs = 0;
    for (const [name, stats] of this.ops) {
      calls += stats.calls;
      totalMs += stats.totalMs;
      if (WRITES.has(name.split(' ')[0] ?? '')) writes += stats.items;
      else reads += stats.items;
    }
    return { byCommand, calls, writes, reads, totalMs };
  }
}

/** Calls of the operations whose name starts with one of `prefixes` (`Put Ledger` also counts `Put Ledger (failed)`). */
export const callsOf = (byCommand: Record<string, OpStats>, ...prefixes: string[]): number =>
  Object.entries(byCommand)
    .filter(([name]) => prefixes.some((prefix) => name.startsWith(prefix)))
    .reduce((sum, [, stats]) => sum + stats.calls, 0);

/** Items of the operations whose name starts with one of `prefixes` (a BatchWrite of 25 markers counts 25). */
export const itemsOf = (byCommand: Record<string, OpStats>, ...prefixes: string[]): number =>
  Object.entries(byCommand)
    .filter(([name]) => prefixes.some((prefix) => name.startsWith(prefix)))
    .reduce((sum, [, stats]) => sum + stats.items, 0);
