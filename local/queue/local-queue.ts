/**
 * A local queue with SQS semantics, for the local runtime: at-least-once delivery, visibility timeout, receive
 * count, redrive to a dead-letter queue after `maxReceiveCount` receives, per-message visibility changes, and
 * persistence across restarts (an append-only journal replayed at start; survives `kill -9`, not power loss).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

type JournalEntry =
  | { op: 'send'; id: string; body: string; sentAt: number; visibleAt: number; reason?: string | undefined }
  | { op: 'vis'; id: string; visibleAt: number; receiveCount: number }
  | { op: 'del'; id: string };

export class LocalQueue {
  readonly name: string;
  private readonly messages = new Map<string, LocalMessage>();
  private readonly journalPath: string | undefined;
  private journalLines = 0;
  private readonly now: () => number;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: LocalQueueOptions) {
    this.name = options.name;
    this.now = options.now ?? Date.now;
    if (options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      this.journalPath = join(options.dataDir, `${options.name}.jsonl`);
      this.replay();
    }
  }

  /** Sends a message; durable (journaled) before it returns. */
  send(body: string, options: { delayMs?: number; reason?: string } = {}): string {
    const id = randomUUID();
    const sentAt = this.now();
    const message: LocalMessage = {
      messageId: id,
      body,
      sentAt,
      receiveCount: 0,
      visibleAt: sentAt + (options.delayMs ?? 0),
      ...(options.reason ? { reason: options.reason } : {}),
    };
    this.messages.set(id, message);
    this.journal({ op: 'send', id, body, sentAt, visibleAt: message.visibleAt, reason: options.reason });
    this.wake();
    return id;
  }

  /** Receives up to `max` visible messages, hiding them for the visibility timeout. */
  receive(max: number): ReceivedMessage[] {
    const now = this.now();
    const received: ReceivedMessage[] = [];
    for (const message of this.messages.values()) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      const limit = this.options.maxReceiveCount;
      if (limit !== undefined && message.receiveCount >= limit && this.options.deadLetterQueue) {
        this.options.deadLetterQueue.send(message.body, { reason: `maxReceiveCount ${limit} exceeded` });
        this.remove(message.messageId);
        continue;
      }
      message.receiveCount += 1;
      message.visibleAt = now + this.options.visibilityTimeoutMs;
      this.journal({
        op: 'vis',
        id: message.messageId,
        visibleAt: message.visibleAt,
        receiveCount: message.receiveCount,
      });
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
    message.visibleAt = this.now() + Math.max(0, seconds) * 1000;
    this.journal({
      op: 'vis',
      id: message.messageId,
      visibleAt: message.visibleAt,
      receiveCount: message.receiveCount,
    });
    this.wake();
    return true;
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

  /** Resolves when a message may be receivable, or after `timeoutMs`. */
  waitForMessages(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
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
    appendFileSync(this.journalPath, `${JSON.stringify(entry)}\n`);
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
    const temporary = `${this.journalPath}.tmp`;
    writeFileSync(temporary, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    renameSync(temporary, this.journalPath);
    this.journalLines = lines.length;
  }
}
