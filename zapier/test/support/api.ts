import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';

/** The fake base URL every test talks to; nothing leaves the process. */
export const API = 'https://api.test';

/** Obviously fake credentials. */
export const LOGIN_ID = 'fake-api-user';
export const PASSWORD = 'fake-Passw0rd-not-real';
export const SESSION_KEY = 'fake-session-token-0001';

/** A request nock saw, with its headers and parsed JSON body. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

/** Records every request a scope answers. */
export const record = (scope: nock.Scope): SeenRequest[] => {
  const seen: SeenRequest[] = [];
  scope.on('request', (request: Request, _interceptor: unknown, body: string | undefined) => {
    const url = new URL(request.url);
    seen.push({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: request.headers,
      body: body ? JSON.parse(body) : undefined,
    });
  });
  return seen;
};

/** The only recorded request; fails the test when there were none or several. */
export const only = (seen: SeenRequest[]): SeenRequest => {
  expect(seen).toHaveLength(1);
  const [request] = seen;
  if (!request) throw new Error('no request recorded');
  return request;
};

/**
 * Per-file setup: API_BASE_URL points at the fake API, real network is refused, and every test must consume
 * all the interceptors it declared (a request the code forgot to make fails the test).
 */
export const useFakeApi = (): void => {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  beforeEach(() => {
    process.env.API_BASE_URL = API;
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
};

/** authData of a connected account. */
export const connectedAuth = { loginId: LOGIN_ID, password: PASSWORD, sessionKey: SESSION_KEY };
