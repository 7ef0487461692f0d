/**
 * Turns Node HTTP requests into API Gateway HTTP API (payload v2) events and calls the very handlers that run in
 * Lambda; no route is implemented twice. Route templates use API Gateway's `{param}` syntax.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { API_TIME_LIMITS } from '../../functions/handlers/catalog.js';

export type ApiLambda = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Route {
  method: string;
  /** e.g. `/subscriptions/{id}` */
  path: string;
  handler: ApiLambda;
}

/** API Gateway refuses payloads over 10 MB; we stop reading a little past our own 256 KB limit. */
const MAX_READ_BYTES = 1024 * 1024;

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

export const compileRoutes = (routes: Route[]): CompiledRoute[] =>
  routes.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const match = /^\{(\w+)\}$/.exec(segment);
        if (!match?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
        names.push(match[1]);
        return '([^/]+)';
      })
      .join('/');
    return { ...route, pattern: new RegExp(`^${source}$`), names };
  });

/** A Lambda context for a local invocation with a fixed time budget. */
export const localContext = (functionName: string, budgetMs: number): Context => {
  const deadline = Date.now() + budgetMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

const readBody = (request: IncomingMessage): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_READ_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });

/** Builds the v2 event API Gateway would send for this request. */
export const toApiGatewayEvent = (
  request: IncomingMessage,
  body: Buffer,
  route: CompiledRoute,
  url: URL,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const routeKey = `${route.method} ${route.path}`;
  const text = body.toString('utf8');
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(route.names.length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    ...(text.length > 0 ? { body: text } : {}),
    isBase64Encoded: false,
  };
};

const send = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

/**
 * A Node request listener that dispatches to the matching route; `fallback` gets requests no route matches
 * (status page, local-only routes). Unknown routes answer 404 like API Gateway does. Each invocation gets the
 * deployed API functions' time (`functionTimeoutMs`, shorter in tests).
 */
export const createApiListener = (
  routes: Route[],
  fallback?: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>,
  functionTimeoutMs: number = API_TIME_LIMITS.functionTimeoutMs,
) => {
  const compiled = compileRoutes(routes);
  return async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const method = (request.method ?? 'GET').toUpperCase();
      let matched: { route: CompiledRoute; params: Record<string, string> } | undefined;
      let pathMatched = false;
      for (const route of compiled) {
        const match = route.pattern.exec(url.pathname);
        if (!match) continue;
        pathMatched = true;
        if (route.method !== method) continue;
        const params: Record<string, string> = {};
        route.names.forEach((name, index) => {
          params[name] = match[index + 1] ?? '';
        });
        matched = { route, params };
        break;
      }
      if (!matched) {
        if (fallback && (await fallback(request, response, url))) return;
        send(response, pathMatched ? 405 : 404, {
          message: pathMatched
            ? `Method ${method} not allowed on ${url.pathname}`
            : `No route for ${method} ${url.pathname}`,
          code: pathMatched ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND',
        });
        return;
      }
      const body = await readBody(request);
      if (body === 'too-large') {
        send(response, 413, { message: 'Request body exceeds 256 KB', code: 'PAYLOAD_TOO_LARGE' });
        return;
      }
      const event = toApiGatewayEvent(request, body, matched.route, url, matched.params);
      const result = await matched.route.handler(
        event,
        localContext(`api${matched.route.path}`, functionTimeoutMs),
      );
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(result.headers ?? {})) headers[key] = String(value);
      response.writeHead(result.statusCode ?? 200, headers);
      response.end(
        result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''),
      );
    } catch {
      if (!response.headersSent) send(response, 500, { message: 'Internal error', code: 'INTERNAL' });
      else response.end();
    }
  };
};
