/**
 * A tiny scripted `fetch` for the Konnektive client tests: it records every request (URL, method, headers,
 * decoded form) and answers from a script. No HTTP mocking library, no network.
 */

/** A request as the fake saw it. */
export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
  form: URLSearchParams;
  signal: AbortSignal | undefined;
}

/** An answer: a Response, an error to throw (network failure), or a function of the request. */
export type Reply =
  | Response
  | Error
  | ((request: RecordedRequest) => Response | Error | Promise<Response | Error>);

/** Test credentials: obviously fake. */
export const CREDS = { loginId: 'test-login-id', password: 'fake-password-xyz' } as const;

/**
 * A fetch that answers each request with the next scripted reply (or `fallback` when the script is used up;
 * without a fallback an unexpected request fails the test loudly).
 */
export function fakeFetch(script: Reply[] = [], fallback?: Reply) {
  const requests: RecordedRequest[] = [];
  const queue = [...script];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const body = typeof init?.body === 'string' ? init.body : '';
    const request: RecordedRequest = {
      url,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body,
      form: new URLSearchParams(body),
      signal: init?.signal ?? undefined,
    };
    requests.push(request);
    const reply = queue.shift() ?? fallback;
    if (reply === undefined) throw new Error(`fake fetch: unexpected request #${requests.length} to ${url}`);
    const resolved = typeof reply === 'function' ? await reply(request) : reply;
    if (resolved instanceof Error) throw resolved;
    // A Response body can be read once; clone so a fallback reply can be reused.
    return resolved.clone();
  };
  return { fetch, requests };
}

export const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export const text = (body: string, status = 200, contentType = 'text/html'): Response =>
  new Response(body, { status, headers: { 'content-type': contentType } });

export const success = (message: unknown): Response => json({ result: 'SUCCESS', message });
export const failure = (message: unknown): Response => json({ result: 'ERROR', message });

/** A `SUCCESS` list answer as Konnektive shapes it (§2.1 of the API notes). */
export const listPage = (
  data: unknown[] | Record<string, unknown>,
  meta: { totalResults?: number; page?: number; resultsPerPage?: number } = {},
): Response =>
  success({
    totalResults: meta.totalResults ?? (Array.isArray(data) ? data.length : Object.keys(data).length),
    resultsPerPage: meta.resultsPerPage ?? 200,
    page: meta.page ?? 1,
    data,
    params: null,
    errors: null,
  });

/** A fetch reply that never answers; it rejects only when the request is aborted (as real fetch does). */
export const hang: Reply = (request) =>
  new Promise<Response>((_, reject) => {
    request.signal?.addEventListener('abort', () => reject(request.signal?.reason), { once: true });
  });

/** A minimal order record with the fields the schema requires plus a few as Konnektive sends them. */
export function order(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: '7B83FF8095',
    clientOrderId: '7B83FF8095',
    orderStatus: 'COMPLETE',
    orderType: 'NEW_SALE',
    dateCreated: '2026-06-10 12:00:00',
    dateUpdated: '2026-06-10 12:00:05',
    totalAmount: '29.99',
    customerId: 1266,
    campaignId: 1,
    items: { '3': { productId: '3', name: 'Widget', qty: '1', price: '29.99' } },
    ...overrides,
  };
}

/** A minimal transaction record. */
export function transaction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    transactionId: 4021,
    txnType: 'SALE',
    responseType: 'SOFT_DECLINE',
    responseText: 'Insufficient funds',
    dateCreated: '2026-06-10 12:00:00',
    dateUpdated: '2026-06-10 12:00:00',
    totalAmount: '1.00',
    orderId: '7B83FF8095',
    ...overrides,
  };
}

/** Drains an async iterable of pages into an array (tests only: production code streams). */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}
