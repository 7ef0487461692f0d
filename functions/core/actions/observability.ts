/**
 * Business metrics and warnings of the API use cases (sessions, actions, dropdowns), behind tiny ports so the
 * core does not depend on Powertools. `metricSinkFrom(metrics)` adapts a Powertools `Metrics` and the Powertools
 * `Logger` satisfies `CoreLogger` as it is (both structurally typed).
 */
/**
 * Counts one occurrence of a metric with its dimensions. (`KonnektiveErrors` by class is counted per HTTP attempt
 * by the Konnektive client wrapper, functions/shared/konnektive.ts, so the use cases do not count it again.)
 */
export interface MetricSink {
  count(name: 'ActionCalls' | 'ActionErrors', dimensions: Record<string, string>): void;
}

/** A sink that records nothing (tests that do not look at metrics, scripts). */
export const noMetrics: MetricSink = { count: () => undefined };

/** The part of Powertools' `Metrics` this needs: dimensioned metrics go through `singleMetric()`. */
export interface SingleMetricSource {
  singleMetric(): {
    addDimension(name: string, value: string): unknown;
    addMetric(name: string, unit: 'Count', value: number): unknown;
  };
}

/**
 * Each count is its own EMF blob (`singleMetric`): a per-action dimension on the shared metrics object would
 * apply to every metric of the invocation.
 */
export const metricSinkFrom = (metrics: SingleMetricSource): MetricSink => ({
  count(name, dimensions) {
    const single = metrics.singleMetric();
    for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
    single.addMetric(name, 'Count', 1);
  },
});

/** What the use cases log: ids and classes only, never bodies (they carry card data and PII). */
export interface CoreLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

export const silentLogger: CoreLogger = { warn: () => undefined };
