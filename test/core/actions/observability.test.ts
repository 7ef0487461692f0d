import { describe, expect, it } from 'vitest';
import { metricSinkFrom, type SingleMetricSource } from '../../../functions/core/actions/observability.js';

describe('metricSinkFrom', () => {
  it('emits each count as its own single metric with its dimensions (so they never leak onto others)', () => {
    const emitted: Array<{ dimensions: Record<string, string>; metric?: [string, string, number] }> = [];
    const source: SingleMetricSource = {
      singleMetric() {
        const entry: (typeof emitted)[number] = { dimensions: {} };
        emitted.push(entry);
        return {
          addDimension: (name, value) => {
            entry.dimensions[name] = value;
          },
          addMetric: (name, unit, value) => {
            entry.metric = [name, unit, value];
          },
        };
      },
    };
    const sink = metricSinkFrom(source);
    sink.count('ActionCalls', { action: 'create_sale' });
    sink.count('ActionErrors', { action: 'cancel_order' });
    expect(emitted).toEqual([
      { dimensions: { action: 'create_sale' }, metric: ['ActionCalls', 'Count', 1] },
      { dimensions: { action: 'cancel_order' }, metric: ['ActionErrors', 'Count', 1] },
    ]);
  });
});
