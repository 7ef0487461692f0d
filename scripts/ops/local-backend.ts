/**
 * The ops commands against `npm start`: each one is a request to the runtime's loopback-only admin routes
 * (`/_ops/…`, local/runtime/ops-routes.ts), which run the same use cases on the runtime's own stores and queues.
 * Every answer is checked with the schema the use case answers with.
 */
import type * as z from 'zod';
import {
  connectionReportsSchema,
  type RetestResult,
  retestResultSchema,
} from '../../functions/core/operations/connections.js';
import {
  deadLetterReportsSchema,
  redriveResultSchema,
} from '../../functions/core/operations/dead-letters.js';
import { replayResultSchema } from '../../functions/core/operations/replay.js';
import { type OpsBackend, OpsError } from './backend.js';

export const DEFAULT_LOCAL_URL = 'http://127.0.0.1:3000';

export const localBackend = (baseUrl: string, fetchImpl: typeof fetch = fetch): OpsBackend => {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async <S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> => {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      throw new OpsError(
        `${base} could not be reached (is \`npm start\` running?): ${error instanceof Error ? error.message : error}`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new OpsError(
        `${method} ${path}: HTTP ${response.status}, not JSON (is ${base} the local runtime?)`,
      );
    }
    if (!response.ok) {
      const message =
        typeof json === 'object' && json !== null && 'message' in json
          ? String(json.message)
          : text.slice(0, 200);
      throw new OpsError(`${message} (HTTP ${response.status})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new OpsError(
        `${method} ${path}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    }
    return parsed.data;
  };
  return {
    target: `local runtime ${base}`,
    listConnections: async () =>
      (await call('GET', '/_ops/connections', connectionReportsSchema)).connections,
    retestConnection: (connectionId): Promise<RetestResult> =>
      call('POST', `/_ops/connections/${encodeURIComponent(connectionId)}/retest`, retestResultSchema),
    listDeadLetters: async ({ queue, sample }) => {
      const query = new URLSearchParams({ sample: String(sample), ...(queue ? { queue } : {}) });
      return (await call('GET', `/_ops/dead-letters?${query}`, deadLetterReportsSchema)).queues;
    },
    redriveDeadLetters: (options) => call('POST', '/_ops/dead-letters/redrive', redriveResultSchema, options),
    replay: (request) => call('POST', '/_ops/replay', replayResultSchema, request),
    close: () => undefined,
  };
};
