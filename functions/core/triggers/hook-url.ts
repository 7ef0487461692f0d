/**
 * Hook URL allow-list (design §2.2): our fixed egress IPs must never reach arbitrary URLs, so a targetUrl must start
 * with an allowed prefix — checked at subscribe and again at delivery.
 */

/** True when `url` is an absolute http(s) URL that starts with one of `allowlist`'s prefixes. */
export const isAllowedHookUrl = (url: string, allowlist: readonly string[]): boolean => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username || parsed.password) return false;
  // Compare against the normalized URL so tricks like `https://hooks.zapier.com@evil.test/` or case games fail.
  const normalized = parsed.href;
  return allowlist.some((prefix) => {
    try {
      const allowed = new URL(prefix);
      if (allowed.protocol !== parsed.protocol || allowed.host !== parsed.host) return false;
      return normalized.startsWith(allowed.href.endsWith('/') ? allowed.href : prefix);
    } catch {
      return false;
    }
  });
};
