/**
 * HookSender over fetch: one JSON POST with an attempt timeout; redirects are not followed (a 3xx is a failure),
 * and the response body is drained but never kept.
 */
import type { HookResponse, HookSender } from '../../core/ports.js';

export class FetchHookSender implements HookSender {
  constructor(
    private readonly timeoutMs: number,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly userAgent = 'konnektive-zapier-bridge/1.0',
  ) {}

  async post(url: string, payload: unknown, headers: Record<string, string>): Promise<HookResponse> {
    try {
      const response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': this.userAgent, ...headers },
        body: JSON.stringify(payload),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return {
        kind: 'status',
        status: response.status,
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')),
      };
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        return { kind: 'timeout' };
      }
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return {
        kind: 'network',
        message: `${error instanceof Error ? error.message : String(error)}${cause}`,
      };
    }
  }
}

/** `Retry-After` as seconds (integer form or HTTP date); undefined when absent or unparseable. */
export const parseRetryAfter = (value: string | null, now: number = Date.now()): number | undefined => {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
};
