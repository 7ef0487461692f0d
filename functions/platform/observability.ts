/**
 * Powertools logger, metrics and tracer, created once per process. The logger redacts credentials, tokens and card
 * data wherever they appear in a log item, so a careless `logger.info('x', { body })` still leaks nothing. The tracer
 * is loaded only where invocations are traced (see `tracingEnabled`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { DetectedEvent } from '../core/model.js';
import { loadConfig, powertoolsConfig } from './config.js';
import { mapBundleStack, withMappedStack } from './source-maps.js';
import { METRICS, type MetricDimensions, type MetricName } from './telemetry.js';

/** As the stack sets them (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE), read once per process. */
const { POWERTOOLS_SERVICE_NAME: serviceName, POWERTOOLS_METRICS_NAMESPACE: namespace } =
  loadConfig(powertoolsConfig);

/** Keys whose values are never logged. */
const SENSITIVE_KEY =
  /pass(word)?|secret|token|authorization|cookie|card(number|securitycode)|cvv|securitycode|apikey|sessionkey/i;
/** 13–19 digit runs (card numbers), optionally spaced or dashed. */
const CARD_NUMBER = /\b(?:\d[ -]?){12,18}\d\b/g;
/** Bearer tokens inside free text. */
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;

export const REDACTED = '[REDACTED]';

/** Keys under which a log item may carry a place in the code as text (a stack logged by hand, say). */
const CODE_PLACE_KEY = new Set(['stack', 'location']);

/**
 * JSON replacer used by the logger: masks sensitive keys and card-like or bearer-like strings, and maps an error's
 * stack and location from the bundle to the sources (source-maps.ts).
 */
export const redactReplacer = (key: string, value: unknown): unknown => {
  if (key && SENSITIVE_KEY.test(key) && value !== null && value !== undefined && value !== '')
    return REDACTED;
  if (typeof value === 'string') {
    const text = CODE_PLACE_KEY.has(key) ? mapBundleStack(value) : value;
    return text.replace(BEARER, `Bearer ${REDACTED}`).replace(CARD_NUMBER, REDACTED);
  }
  // Before Powertools formats it: its location and stack are then read from the mapped stack.
  if (value instanceof Error) return withMappedStack(value);
  return value;
};

export const logger = new Logger({ serviceName, jsonReplacerFn: redactReplacer });
export const metrics = new Metrics({ namespace, serviceName });

type Env = Record<string, string | undefined>;

/**
 * Whether this process traces invocations, decided as the Powertools tracer decides: in Lambda (`AWS_EXECUTION_ENV`
 * set, not Amplify's mock, not SAM local) unless `POWERTOOLS_TRACE_ENABLED` is `false`. The stack sets that variable
 * from the stage's `traceCalls` (off by default); the local runtime sets it to `false`.
 */
export const tracingEnabled = (env: Env = process.env): boolean =>
  env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false' &&
  (env.AWS_EXECUTION_ENV ?? '') !== '' &&
  env.AWS_EXECUTION_ENV !== 'AWS_Lambda_amplify-mock' &&
  (env.AWS_SAM_LOCAL ?? '') === '';

/**
 * The tracer, loaded during module init where invocations are traced (a Lambda cold start pays for it then, not in
 * its first request), and never loaded elsewhere. The first test is written against `process.env` on purpose: the
 * Lambda bundles fix it at bundling time to the stage's `traceCalls` (lib/bundling.ts, `bundleDefines`), so a bundle
 * built without call tracing leaves the tracer and the X-Ray SDK out altogether.
 */
const tracing =
  process.env.POWERTOOLS_TRACE_ENABLED !== 'false' && tracingEnabled()
    ? (await import('./tracing.js')).createTracing(serviceName)
    : undefined;

/** Whether the X-Ray tracer was loaded in this process. */
export const tracerLoaded = (): boolean => tracing !== undefined;

/**
 * The first middleware of every chain: Powertools' `captureLambdaHandler` where invocations are traced (no
 * response in the trace: it holds customer data), a no-op otherwise (middy wants at least one hook).
 */
export const traceInvocation = <TEvent, TResult>(): MiddlewareObj<TEvent, TResult> =>
  tracing?.middleware() ?? { before: () => undefined };

/** Dimension values as trailing arguments: none for an undimensioned metric, required for a dimensioned one. */
type DimensionArgs<N extends MetricName> = (typeof METRICS)[N]['dimensions'] extends readonly []
  ? []
  : [dimensions: MetricDimensions<N>];

/**
 * Emits one business metric of the registry (functions/platform/telemetry.ts) with its unit. A dimensioned metric is
 * flushed on its own (`singleMetric`), so its dimensions never apply to the invocation's other metrics.
 */
export const emitMetric = <N extends MetricName>(name: N, value: number, ...rest: DimensionArgs<N>): void => {
  const definition = METRICS[name];
  const unit = MetricUnit[definition.unit];
  const [dimensions] = rest as [Record<string, string>?];
  if (definition.dimensions.length === 0 || dimensions === undefined) {
    metrics.addMetric(name, unit, value);
    return;
  }
  const single = metrics.singleMetric();
  for (const dimension of definition.dimensions) single.addDimension(dimension, dimensions[dimension] ?? '');
  single.addMetric(name, unit, value);
};

/**
 * Milliseconds from an event's record time (its `occurredAt` in Konnektive) to `at`. Konnektive's clock a second
 * ahead of ours would make it negative: that counts as 0.
 */
export const msSinceOccurred = (event: Pick<DetectedEvent, 'occurredAt'>, at: Date | string): number =>
  Math.max(0, new Date(at).getTime() - Date.parse(event.occurredAt));

/** `DetectionLatency` of one published event: record time → detected. */
export const emitDetectionLatency = (event: Pick<DetectedEvent, 'occurredAt' | 'detectedAt'>): void =>
  emitMetric('DetectionLatency', msSinceOccurred(event, event.detectedAt));

/** `DeliveryLatency` of one delivered event: record time → the hook's 2xx (what the merchant's Zap sees). */
export const emitDeliveryLatency = (event: Pick<DetectedEvent, 'occurredAt'>, deliveredAt: Date): void =>
  emitMetric('DeliveryLatency', msSinceOccurred(event, deliveredAt));

/**
 * What a function does when Konnektive refused a connection's stored password and the connection was marked
 * invalid (`onStoredCredentialsRejected` of functions/core/konnektive-access.ts): count it, and log the connection
 * so on-call can tell the merchant to reconnect.
 */
export const recordStoredCredentialsRejected = (connectionId: string): void => {
  emitMetric('StoredCredentialsRejected', 1);
  logger.warn('Konnektive rejected the stored credentials: connection marked invalid', { connectionId });
};

/**
 * Middy middleware that flushes stored metrics after each invocation. Unlike Powertools' `logMetrics`, an invocation
 * that recorded nothing (most API reads) publishes nothing and logs no "no metrics" warning.
 */
export const publishMetrics = () => {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
};
