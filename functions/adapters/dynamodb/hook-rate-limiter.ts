import { createHash } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { HookRateLimiter, RateBooking } from '../../core/ports.js';
import {
  bookWindows,
  type HookRatePolicy,
  type HookRateState,
  restrictWindows,
} from '../../core/triggers/hook-rate.js';
import { awsSdk } from '../aws-sdk.js';
import { conditional, StoreError } from './errors.js';
import { epochSeconds, parseOldItem } from './items.js';

const rateItem = z.object({
  urlHash: z.string().min(1),
  window: z.number().int(),
  count: z.number().int().nonnegative(),
  restrictedUntil: z.number().int().nonnegative(),
  restrictedPerWindow: z.number().int().nonnegative(),
  version: z.number().int().positive(),
});

type Known = { state: HookRateState; version: number };

/** Compare-and-set attempts before a busy URL's booking gives up (the caller defers the target). */
const MAX_ATTEMPTS = 16;
/** An idle URL's item expires (DynamoDB TTL) this long after its last booked window. */
const IDLE_TTL_MS = 86_400_000;
/** URLs whose last known state a process remembers (a cache miss only costs one failed condition). */
const MAX_KNOWN = 10_000;

/**
 * Hook rates in DynamoDB: one item per hook URL, keyed by a SHA-256 of the URL (a hook URL is a credential: whoever
 * has it can trigger the Zap, so it is never stored here). The item holds the window arithmetic's state
 * (`bookWindows`) and a version; every change is one conditional PutItem on that version, so processes in any number
 * of containers book the same windows. The process remembers the last state it saw, so an uncontended booking is one
 * write; a stale guess fails its condition, which returns the current item, and the booking is recomputed from it.
 */
export class DynamoDbHookRateLimiter implements HookRateLimiter {
  private readonly known = new Map<string, Known>();
  /** Changes to one URL from this process run one after another, so they never race each other. */
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly policy: HookRatePolicy,
  ) {}

  async reserve(url: string, count: number, now: Date): Promise<RateBooking[]> {
    let bookings: RateBooking[] = [];
    await this.update('HookRateLimiter.reserve', url, now, (state) => {
      const result = bookWindows(state, count, now.getTime(), this.policy);
      bookings = result.bookings;
      return result.state;
    });
    return bookings;
  }

  async restrict(url: string, until: Date, perWindow: number, now: Date): Promise<void> {
    await this.update('HookRateLimiter.restrict', url, now, (state) =>
      restrictWindows(state, until.getTime(), perWindow, now.getTime(), this.policy),
    );
  }

  private update(
    operation: string,
    url: string,
    now: Date,
    change: (state: HookRateState | undefined) => HookRateState,
  ): Promise<void> {
    const urlHash = createHash('sha256').update(url).digest('hex');
    const previous = this.tails.get(urlHash) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(() => this.compareAndSet(operation, urlHash, now, change));
    this.tails.set(urlHash, next);
    void next
      .finally(() => {
        if (this.tails.get(urlHash) === next) this.tails.delete(urlHash);
      })
      .catch(() => undefined);
    return next;
  }

  private async compareAndSet(
    operation: string,
    urlHash: string,
    now: Date,
    change: (state: HookRateState | undefined) => HookRateState,
  ): Promise<void> {
    const context = { operation, tableName: this.tableName };
    let current = this.known.get(urlHash);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const state = change(current?.state);
      const version = (current?.version ?? 0) + 1;
      const expiresAt = new Date(Math.max(state.window, state.restrictedUntil, now.getTime()) + IDLE_TTL_MS);
      const result = await conditional(context, () =>
        this.client.send(
          new awsSdk.documents.PutCommand({
            TableName: this.tableName,
            Item: { urlHash, ...state, version, expiresAt: epochSeconds(expiresAt) },
            ConditionExpression: current ? '#version = :expected' : 'attribute_not_exists(#urlHash)',
            ExpressionAttributeNames: current ? { '#version': 'version' } : { '#urlHash': 'urlHash' },
            ...(current ? { ExpressionAttributeValues: { ':expected': current.version } } : {}),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      if (result.ok) {
        if (this.known.size >= MAX_KNOWN) this.known.clear();
        this.known.set(urlHash, { state, version });
        return;
      }
      // Another process booked since (or the item expired): start again from what is stored now, after a short
      // random pause once contention persists so racing processes stop colliding.
      if (attempt > 0)
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** Math.min(attempt, 6)));
      if (result.oldItem === undefined) {
        current = undefined;
      } else {
        const item = parseOldItem(rateItem, result.oldItem, context);
        current = {
          state: {
            window: item.window,
            count: item.count,
            restrictedUntil: item.restrictedUntil,
            restrictedPerWindow: item.restrictedPerWindow,
          },
          version: item.version,
        };
      }
    }
    throw new StoreError(`DynamoDB ${operation} on table ${this.tableName}: too much contention`, {
      ...context,
      retryable: true,
    });
  }
}
