/**
 * Test doubles for the trigger side's outbound ports (the stores' fakes are in fakes.ts): a publisher that records
 * (and can fail on demand) and a hook sender with scripted answers.
 */
import type { DetectedEvent } from '../../functions/core/model.js';
import type { DeliveryQueue, EventPublisher, HookResponse, HookSender } from '../../functions/core/ports.js';
import type { DeliveryMessage } from '../../functions/core/triggers/schemas.js';

/** Records what was published; can be told to fail the next N publishes. */
export class RecordingPublisher implements EventPublisher {
  readonly events: DetectedEvent[] = [];
  failNext = 0;
  async publish(events: DetectedEvent[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('bus unavailable');
    }
    this.events.push(...events);
  }
}

/** A scripted answer, optionally taking `elapsedMs` of (fake) time before it comes. */
export type ScriptedAnswer = HookResponse & { elapsedMs?: number };

/**
 * A hook sender whose answers are scripted per URL (default 200); records every POST. With a clock to advance, an
 * answer's `elapsedMs` moves it (a slow hook) before the answer returns.
 */
export class ScriptedHookSender implements HookSender {
  readonly posts: Array<{ url: string; payload: unknown; headers: Record<string, string> }> = [];
  private readonly scripts = new Map<string, ScriptedAnswer[]>();
  /** Real time each POST takes (to see how many overlap), and the most that ever did. */
  realDelayMs = 0;
  peakInFlight = 0;
  private inFlight = 0;
  constructor(private readonly clock?: { advance(ms: number): void }) {}
  script(url: string, ...responses: ScriptedAnswer[]) {
    this.scripts.set(url, responses);
  }
  async post(url: string, payload: unknown, headers: Record<string, string>): Promise<HookResponse> {
    if (this.realDelayMs > 0) {
      this.inFlight += 1;
      this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
      await new Promise((resolve) => setTimeout(resolve, this.realDelayMs));
      this.inFlight -= 1;
    }
    this.posts.push({ url, payload, headers });
    const queue = this.scripts.get(url);
    const answer: ScriptedAnswer =
      queue && queue.length > 0 ? (queue.shift() as ScriptedAnswer) : { kind: 'status', status: 200 };
    const { elapsedMs, ...response } = answer;
    if (elapsedMs) this.clock?.advance(elapsedMs);
    return response as HookResponse;
  }
}

/** The delivery queue's port in memory: records what was sent and dead-lettered; `failNext` fails the next send. */
export class RecordingDeliveryQueue implements DeliveryQueue {
  readonly sent: DeliveryMessage[] = [];
  readonly deadLetters: Array<{ body: DeliveryMessage | string; reason: string }> = [];
  failNext = 0;
  async send(messages: DeliveryMessage[]) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('queue unavailable');
    }
    this.sent.push(...structuredClone(messages));
  }
  async deadLetter(body: DeliveryMessage | string, reason: string) {
    this.deadLetters.push({ body: structuredClone(body), reason });
  }
}
