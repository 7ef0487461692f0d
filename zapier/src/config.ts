/**
 * Where our backend lives. Zapier injects environment variables set with
 * `zapier-platform env:set <version> API_BASE_URL=<ApiUrl>` into `process.env` at run time, so the value is read on
 * every call rather than once at import (tests also set it after importing the app).
 */

/** `API_BASE_URL` is missing, not a URL, or not HTTPS: a deployment mistake, not a user error. */
export class ApiBaseUrlError extends Error {
  /** Keeps zapier-platform-core from appending the step's input (card data included) to the message. */
  readonly doNotContextify = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiBaseUrlError';
  }
}

/**
 * Hosts that may be reached over plain http: the local runtime (`npm start`) and the end-to-end tests. Everything
 * else carries a bearer token, card data and customer data, so it must be HTTPS.
 */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The configured base URL without trailing slashes (an API Gateway stage path such as `/prod` is kept). */
export const apiBaseUrl = (): string => {
  const raw = process.env.API_BASE_URL?.trim();
  if (!raw) {
    throw new ApiBaseUrlError(
      'API_BASE_URL is not set for this app version: run `zapier-platform env:set <version> API_BASE_URL=<ApiUrl>`.',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch (cause) {
    throw new ApiBaseUrlError(`API_BASE_URL is not a valid URL: ${raw}`, { cause });
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname))) {
    throw new ApiBaseUrlError(
      `API_BASE_URL must be an https:// URL (plain http is accepted only for localhost), got ${parsed.protocol}//${parsed.host}`,
    );
  }
  return raw.replace(/\/+$/, '');
};

/** An absolute URL on our API; `path` starts with `/`. */
export const apiUrl = (path: string): string => `${apiBaseUrl()}${path}`;

/**
 * Whether a request goes to our API. The bearer token is only ever attached to those, so a future request to
 * another host (or a look-alike such as `https://api.example.com.evil.test`) never receives it.
 */
export const isApiUrl = (url: string): boolean => {
  let base: string;
  try {
    base = apiBaseUrl();
  } catch {
    return false;
  }
  return url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`);
};
