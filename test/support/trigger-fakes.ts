/**
 * Test doubles for the trigger side's outbound ports (the stores' fakes are in fakes.ts): a publisher that records
 * (and can fail on demand) and a hook sender with scripted answers.
 */
import type { DetectedEvent } from '../../functions/core/model.js';
import type { EventPublisher, HookResponse, HookSender } from '../../functions/core/ports.js';

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

/** A hook sender whose answers are scripted per URL (default 200); records every POST. */
export class ScriptedHookSender implements HookSender {
  readonly posts: Array<{ url: string; payload: unknown; headers: Record<string, string> }> = [];
  private readonly scripts = new Map<string, HookResponse[]>();
  script(url: string, ...responses: HookResponse[]) {
    this.scripts.set(url, responses);
  }
  async post(url: string, payload: unknown, headers: Record<string, string>): Promise<HookResponse> {
    this.posts.push({ url, payload, headers });
    const queue = this.scripts.get(url);
    return queue && queue.length > 0 ? (queue.shift() as HookResponse) : { kind: 'status', status: 200 };
  }
}
