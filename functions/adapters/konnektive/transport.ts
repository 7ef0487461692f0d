/**
 * Wire details of a Konnektive call that are worth testing on their own: the form body and the backoff.
 */
import type { KonnektiveCredentials } from '../../core/konnektive.js';

/**
 * `application/x-www-form-urlencoded` body: `loginId`, `password`, then the parameters in their given order.
 * Parameters must already be wire text (see `scalarText`); the credentials go first so no parameter can
 * shadow them in a lenient (first-wins) parser, and the arguments check rejects parameters with those names.
 */
export function encodeForm(credentials: KonnektiveCredentials, params: Record<string, string>): string {
  const form = new URLSearchParams();
  form.set('loginId', credentials.loginId);
  form.set('password', credentials.password);
  for (const [name, value] of Object.entries(params)) form.append(name, value);
  return form.toString();
}

/** Retry policy of reads. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"): a uniform delay in
 * `[0, min(maxDelayMs, baseDelayMs · 2^(failedAttempt−1)))`. Full jitter spreads the retries of many pollers
 * that failed together, which is what a Konnektive outage produces.
 */
export function backoffDelay(failedAttempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  const r = random();
  // A misbehaving injected random must not produce a negative or over-cap delay.
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(unit * ceiling);
}

/**
 * Replaces each credential that appears in a Konnektive text with `[redacted]`. Konnektive has never been seen
 * echoing credentials, but its texts go into error messages and logs, so this is cheap insurance. Values
 * shorter than 4 characters are not redacted: they would mangle ordinary words (and no real password is that
 * short).
 */
export function credentialRedactor(credentials: KonnektiveCredentials): (text: string) => string {
  const secrets = [credentials.password, credentials.loginId]
    .filter((secret) => secret.length >= 4)
    .sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}
