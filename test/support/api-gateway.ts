/**
 * Real-shaped API Gateway HTTP API (payload v2) events and Lambda contexts for handler tests.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

export interface ApiEventInput {
  method: string;
  /** The raw path, e.g. `/subscriptions/abc`. */
  path: string;
  /** The route template, e.g. `DELETE /subscriptions/{id}`; defaults to `METHOD path`. */
  routeKey?: string;
  body?: unknown;
  /** A raw string body (for malformed JSON tests); wins over `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  token?: string;
}

let counter = 0;

/** Builds an APIGatewayProxyEventV2 the way API Gateway sends it (lower-cased headers, string body). */
export const apiEvent = (input: ApiEventInput): APIGatewayProxyEventV2 => {
  counter += 1;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Zapier' };
  for (const [key, value] of Object.entries(input.headers ?? {})) headers[key.toLowerCase()] = value;
  if (input.token) headers.authorization = `Bearer ${input.token}`;
  const body = input.rawBody ?? (input.body === undefined ? undefined : JSON.stringify(input.body));
  const query = input.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: input.routeKey ?? `${input.method} ${input.path}`,
    rawPath: input.path,
    rawQueryString,
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-test',
      domainName: 'api-test.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'api-test',
      http: {
        method: input.method,
        path: input.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'Zapier',
      },
      requestId: `req-${counter}`,
      routeKey: input.routeKey ?? `${input.method} ${input.path}`,
      stage: '$default',
      time: '25/Nov/2026:12:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
};

/** A Lambda context with a generous remaining time. */
export const lambdaContext = (remainingMs = 30_000): Context => {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test-function',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:test-function',
    memoryLimitInMB: '256',
    awsRequestId: `aws-req-${++counter}`,
    logGroupName: '/aws/lambda/test-function',
    logStreamName: '2026/11/25/[$LATEST]test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** Parses a handler's JSON response body. */
export const bodyOf = (result: { body?: string | undefined }): Record<string, unknown> =>
  result.body ? (JSON.parse(result.body) as Record<string, unknown>) : {};
