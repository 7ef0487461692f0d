/**
 * Metrics go through the registry (functions/platform/telemetry.ts) with their unit and dimensions, under the
 * service name and namespace the stack sets in the environment.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRICS, METRICS_NAMESPACE, SERVICE_NAME } from '../../functions/platform/telemetry.js';

type Observability = typeof import('../../functions/platform/observability.js');

const freshObservability = async (env: Record<string, string> = {}): Promise<Observability> => {
  vi.resetModules();
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  return import('../../functions/platform/observability.js');
};

/** The EMF document Powertools would print for what is stored now. */
const stored = (observability: Observability) =>
  observability.metrics.serializeMetrics() as unknown as {
    _aws: { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string; Unit: string }> }> };
  } & Record<string, unknown>;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('emitMetric', () => {
  it('adds an undimensioned metric with the unit of the registry', async () => {
    const observability = await freshObservability();
    observability.emitMetric('PollLagSeconds', 12);
    observability.emitMetric('DeliveryLatency', 30);
    const document = stored(observability);
    expect(document._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'PollLagSeconds', Unit: 'Seconds' },
      { Name: 'DeliveryLatency', Unit: 'Milliseconds' },
    ]);
    expect(document.PollLagSeconds).toBe(12);
    observability.metrics.clearMetrics();
  });

  it('flushes a dimensioned metric on its own, with every dimension of the registry', async () => {
    const observability = await freshObservability();
    const single = { addDimension: vi.fn(), addMetric: vi.fn() };
    vi.spyOn(observability.metrics, 'singleMetric').mockReturnValue(
      single as unknown as ReturnType<Observability['metrics']['singleMetric']>,
    );
    observability.emitMetric('ActionCalls', 1, { action: 'create_sale' });
    observability.emitMetric('KonnektiveErrors', 1, { errorClass: 'auth' });
    expect(single.addDimension.mock.calls).toEqual([
      ['action', 'create_sale'],
      ['errorClass', 'auth'],
    ]);
    expect(single.addMetric.mock.calls).toEqual([
      ['ActionCalls', 'Count', 1],
      ['KonnektiveErrors', 'Count', 1],
    ]);
    expect(observability.metrics.hasStoredMetrics()).toBe(false);
  });

  it('every registry metric has a unit Powertools knows', async () => {
    const { MetricUnit } = await import('@aws-lambda-powertools/metrics');
    for (const definition of Object.values(METRICS))
      expect(MetricUnit[definition.unit]).toBe(definition.unit);
  });
});

describe('service name and namespace', () => {
  it('come from POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE', async () => {
    const observability = await freshObservability({
      POWERTOOLS_SERVICE_NAME: 'svc-from-env',
      POWERTOOLS_METRICS_NAMESPACE: 'NamespaceFromEnv',
    });
    observability.emitMetric('PollErrors', 1);
    const document = stored(observability);
    expect(document._aws.CloudWatchMetrics[0]?.Namespace).toBe('NamespaceFromEnv');
    expect(document.service).toBe('svc-from-env');
    observability.metrics.clearMetrics();
  });

  it('default to the constants the stack sets', async () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', undefined);
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', undefined);
    const observability = await freshObservability();
    observability.emitMetric('PollErrors', 1);
    const document = stored(observability);
    expect(document._aws.CloudWatchMetrics[0]?.Namespace).toBe(METRICS_NAMESPACE);
    expect(document.service).toBe(SERVICE_NAME);
    observability.metrics.clearMetrics();
  });
});
