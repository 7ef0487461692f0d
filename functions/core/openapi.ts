/**
 * The OpenAPI 3.1 description of the whole HTTP API (docs/http-api.md), generated from the same zod schemas the
 * handlers validate with, so the document cannot drift from the code. Served at `GET /openapi.json`.
 */
import * as z from 'zod';
import { ACTION_NAMES, ACTIONS, type ActionName } from './actions/catalog.js';
import { productLineJsonSchema } from './actions/fields.js';
import { contractProbeResponseSchema } from './contract/run-probe.js';
import { campaignProductsResponseSchema, campaignsResponseSchema } from './dropdowns/list-campaigns.js';
import { customerSchema, orderSchema } from './records/schemas.js';
import { customerSearchSchema, orderSearchSchema } from './searches/find-records.js';
import { createSessionRequestSchema, meResponseSchema, sessionResponseSchema } from './session/schemas.js';
import {
  samplesResponseSchema,
  subscribeRequestSchema,
  subscriptionResponseSchema,
} from './triggers/schemas.js';

type JsonSchema = Record<string, unknown>;

/** The error body every non-2xx answer has (docs/http-api.md "Errors"). */
export const errorResponseSchema = z.object({
  message: z
    .string()
    .max(250)
    .meta({ description: 'Human-readable, names the field; at most 250 characters' }),
  code: z.string().meta({ description: 'Stable machine code, e.g. VALIDATION_FAILED, DECLINED' }),
  requestId: z.string().optional(),
  fields: z.record(z.string(), z.string()).optional().meta({ description: 'field → what is wrong with it' }),
  egressIps: z.array(z.string()).optional().meta({ description: 'IP_NOT_WHITELISTED: the IPs to whitelist' }),
  missingPermissions: z
    .array(z.string())
    .optional()
    .meta({ description: 'PERMISSION_DENIED: permission names' }),
});

/** zod → JSON Schema (2020-12, what OpenAPI 3.1 uses), without the `$schema` header that a component omits. */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** Action bodies: the lenient `products` input hides its item shape, so it is stated here. */
const actionRequestJsonSchema = (action: ActionName): JsonSchema => {
  const schema = jsonSchema(ACTIONS[action].requestSchema, 'input');
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (properties?.products !== undefined) {
    const { $schema: _dialect, ...item } = productLineJsonSchema() as JsonSchema;
    properties.products = {
      type: 'array',
      items: item,
      description: properties.products.description ?? 'Line items',
    };
  }
  return schema;
};

const ERROR_TEXT: Record<number, string> = {
  400: 'MALFORMED_JSON (body is not JSON) or BAD_REQUEST',
  401: 'UNAUTHORIZED: missing, unknown or revoked token (only this is a 401)',
  403:
    'CREDENTIALS_REJECTED (Konnektive now refuses the stored password: reconnect), IP_NOT_WHITELISTED (egressIps), ' +
    'PERMISSION_DENIED (missingPermissions) or INVALID_CREDENTIALS (POST /sessions)',
  404: 'NOT_FOUND: unknown route, or an order/customer/subscription/campaign that is not the caller’s',
  409: 'IDEMPOTENCY_IN_PROGRESS: the same Idempotency-Key is still being processed; see Retry-After',
  413: 'PAYLOAD_TOO_LARGE: body over 256 KB',
  422: 'VALIDATION_FAILED (with fields), DECLINED, IDEMPOTENCY_KEY_REUSED or REDIRECT_REQUIRED',
  429: 'RATE_LIMITED: Konnektive refused the request for its rate (nothing was done); see Retry-After',
  502:
    'OUTCOME_UNKNOWN: the write reached Konnektive and no answer came back; check Konnektive before running it ' +
    'again (a create is kept under its Idempotency-Key and answered the same for 24 h). KONNEKTIVE_ERROR: an answer ' +
    'that could not be read',
  503: 'KONNEKTIVE_UNAVAILABLE: Konnektive down or timing out, for a request that never reached it or a read; see Retry-After',
};

const RETRY_AFTER = new Set([409, 429, 503]);

const errorResponses = (statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      String(status),
      {
        description: ERROR_TEXT[status] ?? 'Error',
        ...(RETRY_AFTER.has(status)
          ? { headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } } }
          : {}),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );

const jsonContent = (schema: JsonSchema) => ({ 'application/json': { schema } });

/** Query parameters from a zod object schema (all strings on the wire). */
const queryParameters = (schema: z.ZodType) => {
  const { properties = {} } = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema> };
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    schema: {
      type: 'string',
      ...(property.maxLength === undefined ? {} : { maxLength: property.maxLength }),
    },
  }));
};

const searchPath = (args: {
  operationId: string;
  summary: string;
  description: string;
  query: z.ZodType;
  record: z.ZodType;
}) => ({
  get: {
    operationId: args.operationId,
    tags: ['searches'],
    summary: args.summary,
    description: args.description,
    parameters: queryParameters(args.query),
    responses: {
      '200': {
        description: 'The matches, newest first by dateCreated, at most 10 (an empty list when none)',
        content: jsonContent(jsonSchema(z.object({ results: z.array(args.record) }), 'output')),
      },
      ...errorResponses([401, 403, 422, 429, 503]),
    },
  },
});

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Same key + same body within 24 h → the first answer again (header Idempotency-Replayed: true), without ' +
    'calling Konnektive; same key + other body → 422 IDEMPOTENCY_KEY_REUSED; still running → 409. Only successes ' +
    'and unknown outcomes (502) are kept: after a decline or a refused input the same key reaches Konnektive again.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const actionPath = (action: ActionName) => {
  const definition = ACTIONS[action];
  const record =
    definition.resource === 'order'
      ? 'order (as GET /orders answers it)'
      : 'customer (as GET /customers answers it)';
  return {
    post: {
      operationId: action,
      tags: ['actions'],
      summary: definition.summary,
      description:
        `Field names are Konnektive's parameter names; maps to ${definition.endpoint}. Numbers may be ` +
        'sent as strings, booleans as true/false/yes/no/1/0; empty strings count as absent. Answers the ' +
        `${record}, read back after the write.` +
        (definition.retrySafe
          ? ' Sets a state: an Idempotency-Key is ignored (running it twice is harmless).'
          : ''),
      parameters: definition.retrySafe ? [] : [IDEMPOTENCY_KEY],
      requestBody: { required: true, content: jsonContent(actionRequestJsonSchema(action)) },
      responses: {
        '200': {
          description: `The ${record}`,
          ...(definition.retrySafe
            ? {}
            : {
                headers: {
                  'Idempotency-Replayed': {
                    description: 'true when this is a stored answer',
                    schema: { type: 'string' },
                  },
                },
              }),
          content: jsonContent(jsonSchema(definition.resultSchema, 'output')),
        },
        ...errorResponses([
          400,
          401,
          403,
          404,
          ...(definition.retrySafe ? [] : [409]),
          413,
          422,
          429,
          502,
          503,
        ]),
      },
    },
  };
};

/** Builds the document. `serverUrl` is the API's base URL when known (stack output ApiUrl, or local). */
export const buildOpenApiDocument = (options: { serverUrl?: string } = {}): JsonSchema => ({
  openapi: '3.1.0',
  info: {
    title: 'Konnektive ⇄ Zapier bridge',
    version: '1.0.0',
    description:
      'What the Zapier app calls: session auth, REST-hook subscriptions, samples, five actions, two searches and ' +
      "dropdowns. Records (orders, transactions, customers) keep Konnektive's field names and types; every " +
      "date-time is ISO-8601 with the account's offset. " +
      'Every route except POST /sessions and GET /openapi.json needs Authorization: Bearer <token>.',
  },
  ...(options.serverUrl === undefined ? {} : { servers: [{ url: options.serverUrl }] }),
  security: [{ bearerAuth: [] }],
  components: {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'Token from POST /sessions' },
    },
    schemas: { Error: jsonSchema(errorResponseSchema, 'output') },
  },
  paths: {
    '/sessions': {
      post: {
        operationId: 'createSession',
        tags: ['session'],
        summary: 'Verify a Konnektive API user and issue a bearer token',
        security: [],
        requestBody: {
          required: true,
          content: jsonContent(jsonSchema(createSessionRequestSchema, 'input')),
        },
        responses: {
          '201': {
            description: 'Connected',
            content: jsonContent(jsonSchema(sessionResponseSchema, 'output')),
          },
          ...errorResponses([400, 403, 413, 422, 429, 503]),
        },
      },
    },
    '/me': {
      get: {
        operationId: 'getMe',
        tags: ['session'],
        summary: "The token's connection (Zapier's connection test)",
        responses: {
          '200': {
            description: 'The connection',
            content: jsonContent(jsonSchema(meResponseSchema, 'output')),
          },
          ...errorResponses([401, 403]),
        },
      },
    },
    '/sessions/current': {
      delete: {
        operationId: 'revokeSession',
        tags: ['session'],
        summary: 'Revoke the bearer token of this request',
        responses: { '204': { description: 'Revoked' }, ...errorResponses([401]) },
      },
    },
    '/subscriptions': {
      post: {
        operationId: 'subscribe',
        tags: ['triggers'],
        summary: "Subscribe a Zap's hook URL (performSubscribe)",
        requestBody: { required: true, content: jsonContent(jsonSchema(subscribeRequestSchema, 'input')) },
        responses: {
          '201': {
            description: 'Subscribed',
            content: jsonContent(jsonSchema(subscriptionResponseSchema, 'output')),
          },
          '200': {
            description: 'The same subscription already existed (a retried subscribe)',
            content: jsonContent(jsonSchema(subscriptionResponseSchema, 'output')),
          },
          ...errorResponses([400, 401, 413, 422]),
        },
      },
      get: {
        operationId: 'listSubscriptions',
        tags: ['triggers'],
        summary: "The caller's subscriptions",
        responses: {
          '200': {
            description: 'Subscriptions',
            content: jsonContent(
              jsonSchema(z.object({ subscriptions: z.array(subscriptionResponseSchema) }), 'output'),
            ),
          },
          ...errorResponses([401]),
        },
      },
    },
    '/subscriptions/{id}': {
      delete: {
        operationId: 'unsubscribe',
        tags: ['triggers'],
        summary: 'Unsubscribe (idempotent: an unknown id is 204 too)',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '204': { description: 'Gone' }, ...errorResponses([401]) },
      },
    },
    '/triggers/{trigger}/samples': {
      get: {
        operationId: 'getSamples',
        tags: ['triggers'],
        summary: 'Newest 3 records of the last 30 days, serialized like hook payloads (performList)',
        parameters: [
          {
            name: 'trigger',
            in: 'path',
            required: true,
            schema: { type: 'string', enum: ['order', 'transaction'] },
          },
          {
            name: 'type',
            in: 'query',
            required: true,
            schema: { type: 'string', enum: ['NEW_SALE', 'CANCELLED', 'NEW_LEAD', 'DECLINE', 'REFUND'] },
          },
        ],
        responses: {
          '200': {
            description: 'Samples',
            content: jsonContent(jsonSchema(samplesResponseSchema, 'output')),
          },
          ...errorResponses([401, 403, 404, 422, 429, 503]),
        },
      },
    },
    ...Object.fromEntries(ACTION_NAMES.map((action) => [`/actions/${action}`, actionPath(action)])),
    '/orders': searchPath({
      operationId: 'findOrders',
      summary: 'Find orders by orderId, emailAddress and/or phoneNumber (Find Order)',
      description:
        'Every given filter must match; at least one is required (422 otherwise). By orderId alone any order is ' +
        'found; by email or phone, orders created in the last 365 days.',
      query: orderSearchSchema,
      record: orderSchema,
    }),
    '/customers': searchPath({
      operationId: 'findCustomers',
      summary: 'Find customers by emailAddress and/or phoneNumber (Find Customer)',
      description:
        'Every given filter must match; at least one is required (422 otherwise). Customers updated in the last ' +
        '365 days (a new order or lead updates its customer).',
      query: customerSearchSchema,
      record: customerSchema,
    }),
    '/campaigns': {
      get: {
        operationId: 'listCampaigns',
        tags: ['dropdowns'],
        summary: 'Campaigns, 50 per page (cached per connection for 5 minutes)',
        parameters: [{ name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } }],
        responses: {
          '200': {
            description: 'A page',
            content: jsonContent(jsonSchema(campaignsResponseSchema, 'output')),
          },
          ...errorResponses([401, 403, 422, 429, 503]),
        },
      },
    },
    '/campaigns/{campaignId}/products': {
      get: {
        operationId: 'listCampaignProducts',
        tags: ['dropdowns'],
        summary: "A campaign's products; id is the campaignProductId that product{N}_id wants",
        parameters: [{ name: 'campaignId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            description: 'Products',
            content: jsonContent(jsonSchema(campaignProductsResponseSchema, 'output')),
          },
          ...errorResponses([401, 403, 404, 429, 503]),
        },
      },
    },
    '/contract-probe': {
      post: {
        operationId: 'probeContract',
        tags: ['session'],
        summary:
          "Find out which answer holds to each unknown of Konnektive's API for this connection (read-only)",
        description:
          'Runs about fifteen read-only Konnektive queries with the stored API user, from the deployed functions ' +
          '(so from the whitelisted egress IPs), and answers per unknown a variant or `inconclusive` with the ' +
          'evidence: time filters, sorting, dateUpdated on conversion and cancel, empty-result texts, permissions, ' +
          'refund bookings, page latency, campaign/query dates. The findings are stored with the connection and ' +
          'the poller starts from them. Steps the request has no time for come back inconclusive. Writes nothing ' +
          'to Konnektive.',
        responses: {
          '200': {
            description: 'The findings, and what the poller does with them',
            content: jsonContent(jsonSchema(contractProbeResponseSchema, 'output')),
          },
          ...errorResponses([401, 403, 503]),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        tags: ['meta'],
        summary: 'This document',
        security: [],
        responses: { '200': { description: 'OpenAPI 3.1', content: jsonContent({ type: 'object' }) } },
      },
    },
  },
});
