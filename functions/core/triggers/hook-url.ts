/**
 * Hook URL allow-list (docs/architecture.md, Guarantees): our fixed egress IPs must never reach arbitrary URLs, so a targetUrl must start
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
  // Compare parsed parts, never raw strings, so `https://hooks.zapier.com@evil.test/` or `…zapier.com.evil.test` fail.
  return allowlist.some((raw) => {
    const prefix = raw.trim();
    let allowed: URL;
    try {
      allowed = new URL(prefix);
    } catch {
      return false;
    }
    if (allowed.protocol !== parsed.protocol || allowed.hostname !== parsed.hostname) return false;
    const hasPath = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\//i.test(prefix);
    // A bare origin prefix (`http://localhost`) allows any port on that host; otherwise the port must match too.
    if (!hasPath) return allowed.port === '' || allowed.port === parsed.port;
    return allowed.port === parsed.port && parsed.pathname.startsWith(allowed.pathname);
  });
};
