/**
 * The Konnektive client as functions use it: timeouts from config, and every call measured (latency, errors by
 * class) without ever seeing credentials.
 */
import type { z } from 'zod';
import { KonnektiveClient } from '../adapters/konnektive/konnektive-client.js';
import type { konnektiveConfig } from './config.js';
import { emitMetric } from './observability.js';

export const createKonnektiveClient = (config: z.output<typeof konnektiveConfig>, fetchImpl?: typeof fetch) =>
  new KonnektiveClient({
    baseUrl: config.KONNEKTIVE_API_URL,
    queryTimeoutMs: config.KONNEKTIVE_QUERY_TIMEOUT_MS,
    writeTimeoutMs: config.KONNEKTIVE_WRITE_TIMEOUT_MS,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    onCall: (info) => {
      emitMetric('KonnektiveLatency', info.durationMs);
      if (info.outcome !== 'success' && info.outcome !== 'empty') {
        emitMetric('KonnektiveErrors', 1, { errorClass: info.outcome });
      }
    },
  });
