/** `GET /openapi.json` — the API's OpenAPI 3.1 description, built once per process from the zod schemas. */
import { buildOpenApiDocument } from '../core/openapi.js';
import type { Dependencies } from '../platform/dependencies.js';
import { apiHandler, json } from '../platform/http.js';

export const createGetOpenapiHandler = (document: Record<string, unknown> = buildOpenApiDocument()) =>
  apiHandler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }));

/** The handler as deployed (it needs nothing from the container). */
export const fromDependencies = (_deps?: Dependencies) => createGetOpenapiHandler();
