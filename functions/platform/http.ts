/**
 * The API functions' middy chain, written once: Tracer → Logger → Metrics → HTTP error mapping; plus JSON body
 * parsing with size and schema checks, and bearer-token authentication.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { KonnektiveGateway } from '../core/konnektive.js';
import { konnektiveWithin } from '../core/konnektive-access.js';
import type { Connection } from '../core/model.js';
import type { ConnectionStore, TokenStore } from '../core/ports.js';
import { tokenHashOf } from '../core/session/create-session.js';
import { API_TIME_LIMITS } from '../handlers/catalog.js';
import { errorBody, HttpError, toHttpError } from './http-errors.js';
import { logger, publishMetrics, traceInvocation } from './observability.js';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** Bodies above this are refused with 413 before parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

/** A JSON response. */
export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const noContent = (): ApiResult => ({ statusCode: 204, headers: {}, body: '' });

/** Maps every error to a JSON error response; logs server errors with their stack, client errors briefly. */
export const httpErrorMapper = (): MiddlewareObj<ApiEvent, ApiResult> => ({
  onError: async (request) => {
    const httpError = toHttpError(request.error);
    const requestId = request.event.requestContext?.requestId ?? request.context?.awsRequestId;
    if (httpError.statusCode >= 500) {
      logger.error('request failed', { error: request.error as Error, code: httpError.code });
    } else {
      logger.info('request rejected', { status: httpError.statusCode, code: httpError.code });
    }
    request.response = json(httpError.statusCode, errorBody(httpError, requestId), httpError.headers);
  },
});

/** Wraps an API route: the standard middy chain around `route`. */
export const apiHandler = (route: (event: ApiEvent, context: Context) => Promise<ApiResult>) =>
  middy<ApiEvent, ApiResult>()
    .use(traceInvocation())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .use(httpErrorMapper())
    .handler(route);

/**
 * When a request's Konnektive calls must be over (epoch ms): the invocation's remaining time, measured as the route
 * starts, minus the margin kept for the answer and the store writes after the last call.
 */
export const requestDeadline = (
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  now = Date.now(),
): number => now + context.getRemainingTimeInMillis() - API_TIME_LIMITS.answerMarginMs;

/**
 * Wraps a route that calls Konnektive: the standard chain, and `route` gets `deps` with its gateway held within the
 * request's deadline (`withinDeadline`), so every Konnektive call it makes ends in time for a 503 with Retry-After.
 * The route also gets the deadline itself, for work it wants to fit in (the contract probe's steps).
 */
export const konnektiveApiHandler = <D extends { konnektive: KonnektiveGateway }>(
  deps: D,
  route: (event: ApiEvent, deps: D, request: { deadline: number; context: Context }) => Promise<ApiResult>,
) =>
  apiHandler(async (event, context) => {
    const deadline = requestDeadline(context);
    return route(event, konnektiveWithin(deps, deadline), { deadline, context });
  });

/** Reads the raw body (base64 aware), refusing oversized ones. */
const rawBody = (event: ApiEvent): string => {
  const body = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_BODY_BYTES / 1024} KB`);
  }
  return text;
};

/** Parses and validates a JSON body: 413 when too large, 400 when not JSON, 422 naming the fields when invalid. */
export const parseJsonBody = <S extends z.ZodType>(event: ApiEvent, schema: S): z.output<S> => {
  const text = rawBody(event);
  let value: unknown;
  if (text.trim() === '') {
    value = {};
  } else {
    try {
      value = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'MALFORMED_JSON', 'Request body is not valid JSON');
    }
  }
  return schema.parse(value);
};

/** Case-insensitive header lookup (API Gateway v2 lower-cases, local clients may not). */
export const header = (event: ApiEvent, name: string): string | undefined => {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
};

/** Extracts the bearer token, if any. */
export const bearerToken = (event: ApiEvent): string | undefined => {
  const value = header(event, 'authorization');
  const match = value ? /^Bearer\s+(\S+)$/i.exec(value.trim()) : null;
  return match?.[1];
};

/**
 * Bearer authentication: resolves the token to its connection, or throws 401. The one place the auth check lives.
 */
export const createAuthenticator = ({
  tokens,
  connections,
}: {
  tokens: TokenStore;
  connections: ConnectionStore;
}) => {
  // Taken now, at cold start: a store built from missing configuration fails here with the variable's name.
  const deps = { tokens, connections };
  return async (event: ApiEvent): Promise<Connection> => {
    const token = bearerToken(event);
    if (!token) throw new HttpError(401, 'UNAUTHORIZED', 'Missing bearer token (Authorization: Bearer …)');
    const record = await deps.tokens.get(tokenHashOf(token));
    const connection = record ? await deps.connections.get(record.connectionId) : undefined;
    if (!connection)
      throw new HttpError(401, 'UNAUTHORIZED', 'Unknown or revoked token; reconnect the account');
    logger.appendKeys({ connectionId: connection.connectionId });
    return connection;
  };
};

/** A path parameter, or 404 (a route matched without it is a routing bug, not client input). */
export const pathParam = (event: ApiEvent, name: string): string => {
  const value = event.pathParameters?.[name];
  if (!value) throw new HttpError(404, 'NOT_FOUND', `Missing path parameter ${name}`);
  return decodeURIComponent(value);
};
