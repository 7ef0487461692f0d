/**
 * Powertools logger, metrics and tracer, created once per process. The logger redacts credentials, tokens and card
 * data wherever they appear in a log item, so a careless `logger.info('x', { body })` still leaks nothing.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

const SERVICE = 'konnektive-zapier';
export const METRICS_NAMESPACE = 'KonnektiveZapier';

/** Keys whose values are never logged. */
const SENSITIVE_KEY =
  /pass(word)?|secret|token|authorization|cookie|card(number|securitycode)|cvv|securitycode|apikey|sessionkey/i;
/** 13–19 digit runs (card numbers), optionally spaced or dashed. */
const CARD_NUMBER = /\b(?:\d[ -]?){12,18}\d\b/g;
/** Bearer tokens inside free text. */
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;

export const REDACTED = '[REDACTED]';

/** JSON replacer used by the logger: masks sensitive keys and card-like or bearer-like strings. */
export const redactReplacer = (key: string, value: unknown): unknown => {
  if (key && SENSITIVE_KEY.test(key) && value !== null && value !== undefined && value !== '')
    return REDACTED;
  if (typeof value === 'string')
    return value.replace(BEARER, `Bearer ${REDACTED}`).replace(CARD_NUMBER, REDACTED);
  return value;
};

export const logger = new Logger({ serviceName: SERVICE, jsonReplacerFn: redactReplacer });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE });
export const tracer = new Tracer({ serviceName: SERVICE });
export { MetricUnit };

/** Adds a metric with one extra dimension (e.g. `type`, `errorClass`), flushed on its own so dimensions don't leak. */
export const dimensionedMetric = (name: string, dimension: string, value: string, count = 1) => {
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, count);
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
