/**
 * GET /openapi.json: the OpenAPI 3.1 document, checked against the contract (docs/http-api.md) and the zod schemas.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_NAMES } from '../../functions/core/actions/catalog.js';
import { buildOpenApiDocument } from '../../functions/core/openapi.js';
import { createGetOpenapiHandler } from '../../functions/handlers/get-openapi.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';

type Operation = {
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
};

const doc = buildOpenApiDocument() as unknown as Doc;
const requestSchema = (path: string, method = 'post') => {
  const schema = doc.paths[path]?.[method]?.requestBody?.content['application/json']?.schema;
  if (schema === undefined) throw new Error(`no request schema for ${method} ${path}`);
  return schema as { properties: Record<string, Record<string, unknown>>; required?: string[] };
};

/** Every `METHOD /path` row of the contract's route table. */
const contractRoutes = (): Array<[string, string]> => {
  const text = readFileSync(new URL('../../docs/http-api.md', import.meta.url), 'utf8');
  return [...text.matchAll(/^\| `(GET|POST|DELETE|PUT|PATCH) ([^`]+)`\s*\|/gm)].map((m) => [
    (m[1] ?? '').toLowerCase(),
    (m[2] ?? '').split('?')[0] ?? '',
  ]);
};

describe('GET /openapi.json', () => {
  it('serves the document through the middy chain, without a token', async () => {
    const result = await createGetOpenapiHandler()(
      apiEvent({ method: 'GET', path: '/openapi.json' }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it('is OpenAPI 3.1 and describes every route of the contract (actions as concrete paths)', () => {
    expect(doc.openapi).toBe('3.1.0');
    const routes = contractRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(11);
    for (const [method, path] of routes) {
      if (path === '/actions/{action}') {
        for (const action of ACTION_NAMES) expect(doc.paths[`/actions/${action}`]?.[method]).toBeDefined();
      } else {
        expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
      }
    }
  });

  it('requires the bearer token except on POST /sessions and GET /openapi.json', () => {
    expect(doc.components).toMatchObject({
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
    });
    expect(doc.paths['/sessions']?.post?.security).toEqual([]);
    expect(doc.paths['/openapi.json']?.get?.security).toEqual([]);
    expect(doc.paths['/me']?.get?.security).toBeUndefined();
  });

  it('request schemas come from zod: required fields, enums, products as line items', () => {
    expect(requestSchema('/sessions').required).toEqual(['loginId', 'password']);
    const sale = requestSchema('/actions/create_sale');
    expect(sale.required).toEqual(['campaignId']);
    expect(sale.properties.paySource?.enum).toEqual([
      'CREDITCARD',
      'CHECK',
      'ACCTONFILE',
      'COD',
      'DIRECTDEBIT',
      'PREPAID',
    ]);
    expect(sale.properties.products).toMatchObject({
      type: 'array',
      items: { type: 'object', required: ['id'], properties: { id: {}, qty: {}, price: {}, shipPrice: {} } },
    });
    expect(requestSchema('/actions/update_fulfillment').properties.fulfillmentStatus?.enum).toEqual([
      'SHIPPED',
      'RMA_PENDING',
      'RETURNED',
      'CANCELLED',
    ]);
    expect(requestSchema('/actions/cancel_order').required).toEqual(['orderId', 'cancelReason']);
    const subscribe = requestSchema('/subscriptions') as unknown as { oneOf: unknown[] };
    expect(subscribe.oneOf).toHaveLength(2);
  });

  it("documents each action's answer (the order or the customer record) and its error statuses", () => {
    const sale = doc.paths['/actions/create_sale']?.post;
    const result = sale?.responses['200']?.content?.['application/json']?.schema as { properties: object };
    expect(Object.keys(result.properties)).toEqual(
      expect.arrayContaining([
        'id',
        'connection',
        'orderId',
        'customerId',
        'orderStatus',
        'dateCreated',
        'items',
      ]),
    );
    expect(Object.keys(sale?.responses ?? {}).sort()).toEqual(
      ['200', '400', '401', '403', '404', '409', '413', '422', '429', '502', '503'].sort(),
    );
    const customer = doc.paths['/actions/update_customer']?.post as Operation & { parameters: unknown[] };
    const customerResult = customer.responses['200']?.content?.['application/json']?.schema as {
      properties: object;
    };
    expect(Object.keys(customerResult.properties)).toEqual(expect.arrayContaining(['id', 'customerId']));
    // The updates ignore an Idempotency-Key, so they document none (and no 409).
    expect(customer.parameters).toEqual([]);
    expect(customer.responses['409']).toBeUndefined();
    expect(doc.paths['/sessions']?.post?.responses['201']).toBeDefined();
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it('documents the searches: their query parameters and {results: [record…]}', () => {
    const orders = doc.paths['/orders']?.get as Operation & {
      parameters: Array<{ name: string; in: string }>;
    };
    expect(orders.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'query:orderId',
      'query:emailAddress',
      'query:phoneNumber',
    ]);
    const body = orders.responses['200']?.content?.['application/json']?.schema as {
      properties: { results: { type: string } };
    };
    expect(body.properties.results.type).toBe('array');
    expect(Object.keys(orders.responses).sort()).toEqual(['200', '401', '403', '422', '429', '503']);
    const customers = doc.paths['/customers']?.get as Operation & { parameters: Array<{ name: string }> };
    expect(customers.parameters.map((p) => p.name)).toEqual(['emailAddress', 'phoneNumber']);
  });
});
