/**
 * A local queue with SQS semantics, for the local runtime: at-least-once delivery, visibility timeout, receive
 * count, redrive to a dead-letter queue after `maxReceiveCount` receives, per-message visibility changes, message
 * delays in whole seconds up to 900 (SQS's DelaySeconds; anything else is refused, as SQS refuses it), and
 * persistence across restarts (an append-only journal replayed at start; survives `kill -9`, not power loss).
 * Receives take the messages that became visible first; a due-time heap keeps that cheap however many messages wait.
 */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface LocalMessage {
  messageId: string;
  body: string;
  /** Epoch ms when first sent. */
  sentAt: number;
  receiveCount: number;
  /** Epoch ms when the message becomes receivable. */
  visibleAt: number;
  /** Set on dead-lettered messages. */
  reason?: string | undefined;
}

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount: number;
  sentAt: number;
}

export interface LocalQueueOptions {
  name: string;
  /** Directory for the journal; omitted = memory only. */
  dataDir?: string | undefined;
  visibilityTimeoutMs: number;
  /** After this many receives, the next receive moves the message to `deadLetterQueue`. */
  maxReceiveCount?: number;
  deadLetterQueue?: LocalQueue;
  now?: () => number;
}

/** SQS's largest DelaySeconds. */
export const MAX_DELAY_SECONDS = 900;

/** Thrown for what SQS would refuse (e.g. a delay over 900 s). */
export class LocalQueueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalQueueError';
  }
}

type JournalEntry =
  | { op: 'send'; id: string; body: string; sentAt: number; visibleAt: number; reason?: string | undefined }
  | { op: 'vis'; id: string; visibleAt: number; receiveCount: number }
  | { op: 'del'; id: string };

export class LocalQueue {
  readonly name: string;
  private readonly messages = new Map<string, LocalMessage>();
  private readonly journalPath: string | undefined;
  /** The journal, open for appending (one write per entry; reopened after each compaction). */
  private journalFd: number | undefined;
  private journalLines = 0;
  private readonly now: () => number;
  private readonly waiters = new Set<() => void>();
  /** (visibleAt, id) of every message, in due order; an entry is stale once its message moved or went. */
  private readonly due = new DueHeap();

  constructor(private readonly options: LocalQueueOptions) {
    this.name = options.name;
    this.now = options.now ?? Date.now;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      this.journalPath = join(options.dataDir, `${options.name}.jsonl`);
      this.replay();
    }
  }

  /** Sends a message, receivable after `delaySeconds` (whole seconds, 0–900); durable (journaled) before it returns. */
  send(body: string, options: { delaySeconds?: number; reason?: string } = {}): string {
    const delaySeconds = options.delaySeconds ?? 0;
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
      throw new LocalQueueError(`DelaySeconds must be a whole number from 0 to ${MAX_DELAY_SECONDS}`);
    }
    const id = randomUUID();
    const sentAt = this.now();
    const message: LocalMessage = {
      messageId: id,
      body,
      sentAt,
      receiveCount: 0,
      visibleAt: sentAt + delaySeconds * 1000,
      ...(options.reason ? { reason: options.reason } : {}),
    };
    this.messages.set(id, message);
    this.due.push(message.visibleAt, id);
    this.journal({ op: 'send', id, body, sentAt, visibleAt: message.visibleAt, reason: options.reason });
    this.wake();
    return id;
  }

  /** Receives up to `max` visible messages (the longest visible first), hiding them for the visibility timeout. */
  receive(max: number): ReceivedMessage[] {
    const now = this.now();
    const received: ReceivedMessage[] = [];
    while (received.length < max) {
      const top = this.due.peek();
      if (!top || top.at > now) break;
      this.due.pop();
      const message = this.messages.get(top.id);
      if (!message || message.visibleAt !== top.at) continue; // stale entry
      const limit = this.options.maxReceiveCount;
      if (limit !== undefined && message.receiveCount >= limit && this.options.deadLetterQueue) {
        this.options.deadLetterQueue.send(message.body, { reason: `maxReceiveCount ${limit} exceeded` });
        this.remove(message.messageId);
        continue;
      }
      message.receiveCount += 1;
      this.setVisibleAt(message, now + this.options.visibilityTimeoutMs);
      received.push({
        messageId: message.messageId,
        receiptHandle: `${message.messageId}:${message.receiveCount}`,
        body: message.body,
        receiveCount: message.receiveCount,
        sentAt: message.sentAt,
      });
    }
    return received;
  }

  /** Deletes a received message; a stale receipt handle (message received again since) is ignored, as in SQS. */
  delete(receiptHandle: string): boolean {
    const message = this.byHandle(receiptHandle);
    if (!message) return false;
    this.remove(message.messageId);
    return true;
  }

  /** Changes when a received message becomes visible again. */
  changeVisibility(receiptHandle: string, seconds: number): boolean {
    const message = this.byHandle(receiptHandle);
    if (!message) return false;
    this.setVisibleAt(message, this.now() + Math.max(0, seconds) * 1000);
    this.wake();
    return true;
  }

  /** Closes the journal (it reopens on the next write). */
  close(): void {
    if (this.journalFd === undefined) return;
    closeSync(this.journalFd);
    this.journalFd = undefined;
  }

  /** Every message (status page, tests). */
  list(): LocalMessage[] {
    return [...this.messages.values()].map((m) => ({ ...m }));
  }

  stats(): { total: number; visible: number; inFlight: number } {
    const now = this.now();
    let visible = 0;
    for (const message of this.messages.values()) if (message.visibleAt <= now) visible += 1;
    return { total: this.messages.size, visible, inFlight: this.messages.size - visible };
  }

  /** Moves every message (or one) of this queue to `target` — a dead-letter redrive. Returns how many moved. */
  redrive(target: LocalQueue, messageId?: string): number {
    let moved = 0;
    for (const message of [...this.messages.values()]) {
      if (messageId && message.messageId !== messageId) continue;
      target.send(message.body);
      this.remove(message.messageId);
      moved += 1;
    }
    return moved;
  }

  /**
   * Resolves when a message may be receivable — one is sent or made visible, or the earliest waiting one comes due —
   * or after `timeoutMs`.
   */
  waitForMessages(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const next = this.due.peek();
      const untilDue = next ? Math.max(0, next.at - this.now()) : timeoutMs;
      const timer = setTimeout(done, Math.min(timeoutMs, untilDue));
      this.waiters.add(done);
    });
  }

  private setVisibleAt(message: LocalMessage, visibleAt: number): void {
    message.visibleAt = visibleAt;
    this.due.push(visibleAt, message.messageId);
    this.journal({
      op: 'vis',
      id: message.messageId,
      visibleAt: message.visibleAt,
      receiveCount: message.receiveCount,
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private byHandle(receiptHandle: string): LocalMessage | undefined {
    const separator = receiptHandle.lastIndexOf(':');
    const message = this.messages.get(receiptHandle.slice(0, separator));
    return message && String(message.receiveCount) === receiptHandle.slice(separator + 1)
      ? message
      : undefined;
  }

  private remove(id: string): void {
    if (this.messages.delete(id)) this.journal({ op: 'del', id });
  }

  private journal(entry: JournalEntry): void {
    if (!this.journalPath) return;
    this.journalFd ??= openSync(this.journalPath, 'a');
    writeSync(this.journalFd, `${JSON.stringify(entry)}\n`);
    this.journalLines += 1;
    if (this.journalLines > 5_000 && this.journalLines > this.messages.size * 4) this.compact();
  }

  private replay(): void {
    if (!this.journalPath || !existsSync(this.journalPath)) return;
    for (const line of readFileSync(this.journalPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        continue; // a torn last line from a crash mid-write: the write never completed, so nothing was acknowledged
      }
      if (entry.op === 'send') {
        this.messages.set(entry.id, {
          messageId: entry.id,
          body: entry.body,
          sentAt: entry.sentAt,
          receiveCount: 0,
          visibleAt: entry.visibleAt,
          ...(entry.reason ? { reason: entry.reason } : {}),
        });
      } else if (entry.op === 'vis') {
        const message = this.messages.get(entry.id);
        if (message) {
          message.visibleAt = entry.visibleAt;
          message.receiveCount = entry.receiveCount;
        }
      } else {
        this.messages.delete(entry.id);
      }
    }
    // Messages in flight when the process died become visible again now (their consumer is gone); messages that
    // were set to wait longer than a visibility timeout (a retry backoff, a Retry-After) keep their schedule.
    const now = this.now();
    for (const message of this.messages.values()) {
      if (message.receiveCount > 0 && message.visibleAt <= now + this.options.visibilityTimeoutMs)
        message.visibleAt = now;
      this.due.push(message.visibleAt, message.messageId);
    }
    this.compact();
  }

  private compact(): void {
    if (!this.journalPath) return;
    const lines = [...this.messages.values()].flatMap((m) => [
      JSON.stringify({
        op: 'send',
        id: m.messageId,
        body: m.body,
        sentAt: m.sentAt,
        visibleAt: m.visibleAt,
        reason: m.reason,
      }),
      JSON.stringify({ op: 'vis', id: m.messageId, visibleAt: m.visibleAt, receiveCount: m.receiveCount }),
    ]);
    this.close();
    const temporary = `${this.journalPath}.tmp`;
    writeFileSync(temporary, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    renameSync(temporary, this.journalPath);
    this.journalLines = lines.length;
  }
}

/** A binary min-heap of (due time, message id), ties in insertion order. */
class DueHeap {
  private readonly entries: Array<{ at: number; seq: number; id: string }> = [];
  private seq = 0;

  push(at: number, id: string): void {
    const entries = this.entries;
    entries.push({ at, seq: this.seq++, id });
    let index = entries.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  peek(): { at: number; id: string } | undefined {
    return this.entries[0];
  }

  pop(): void {
    const entries = this.entries;
    const last = entries.pop();
    if (!last || entries.length === 0) return;
    entries[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < entries.length && this.before(left, smallest)) smallest = left;
      if (right < entries.length && this.before(right, smallest)) smallest = right;
      if (smallest === index) return;
      this.swap(index, smallest);
      index = smallest;
    }
  }

  private before(a: number, b: number): boolean {
    const x = this.entries[a];
    const y = this.entries[b];
    if (!x || !y) return false;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const entries = this.entries;
    const x = entries[a];
    const y = entries[b];
    if (!x || !y) return;
    entries[a] = y;
    entries[b] = x;
  }
}
