/**
 * Business metrics and warnings of the API use cases (sessions, actions, dropdowns), behind tiny ports so the
 * core does not depend on Powertools. The Powertools `Logger` satisfies `CoreLogger` as it is.
 */
/**
 * Counts one occurrence of a metric with its dimensions; the functions emit it as the metric registry says
 * (functions/platform/telemetry.ts). (`KonnektiveErrors` by class is counted per HTTP attempt by the Konnektive client
 * wrapper, functions/platform/konnektive.ts, so the use cases do not count it again.)
 */
export interface MetricSink {
  count(name: 'ActionCalls' | 'ActionErrors', dimensions: { action: string }): void;
}

/** What the use cases log: ids and classes only, never bodies (they carry card data and PII). */
export interface CoreLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

export const silentLogger: CoreLogger = { warn: () => undefined };
