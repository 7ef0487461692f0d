import type { AfterResponseMiddleware, BeforeRequestMiddleware } from 'zapier-platform-core';
import { apiErrorFor } from './api-errors.js';
import { isApiUrl } from './config.js';

/**
 * Adds `Authorization: Bearer <sessionKey>` to every request to our API once the session exchange has produced
 * a key. Requests to any other host never get it.
 */
export const addBearerToken: BeforeRequestMiddleware = (request, _z, bundle) => {
  const sessionKey = bundle.authData?.sessionKey;
  if (sessionKey && isApiUrl(request.url)) {
    request.headers = { ...request.headers, Authorization: `Bearer ${sessionKey}` };
  }
  request.headers = { Accept: 'application/json', ...request.headers };
  return request;
};

/**
 * Turns error answers of our API into Zapier errors (see api-errors.ts). Runs after core's own 401 → refresh
 * and 429 → throttle handling. A request that sets `skipThrowForStatus` handles its own statuses (unsubscribe
 * accepts 404) and can call `apiErrorFor` itself.
 */
export const handleApiErrors: AfterResponseMiddleware = (response, z, bundle) => {
  if (response.status >= 400 && !response.skipThrowForStatus) {
    throw apiErrorFor(response, z, bundle);
  }
  return response;
};

export const befores = [addBearerToken];
export const afters = [handleApiErrors];
