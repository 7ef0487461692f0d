/**
 * The metric registry (functions/platform/telemetry.ts) against what is deployed and what is emitted: every metric the
 * dashboard graphs or an alarm watches is in the registry with its dimensions and is emitted somewhere in
 * functions/; every registry metric is graphed or alarmed. A metric graphed but never emitted (an empty widget, an
 * alarm that can never fire) or emitted but never looked at fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS, METRICS_NAMESPACE } from '../../functions/platform/telemetry.js';
import { type SynthesizedApp, synthesize } from './support.js';

const FUNCTIONS_DIR = fileURLToPath(new URL('../../functions', import.meta.url));

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );

/**
 * Metric names emitted in functions/: `emitMetric('Name'`, and `.count('Name'` of the actions' MetricSink port
 * (whose deployed implementation is `emitMetric`).
 */
const emittedNames = (): Set<string> => {
  const names = new Set<string>();
  for (const file of sourceFiles(FUNCTIONS_DIR)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:emitMetric|\.count)\(\s*'(\w+)'/g)) names.add(match[1] as string);
  }
  return names;
};

interface BusinessMetric {
  name: string;
  dimensions: string[];
}

describe('metric registry', () => {
  let synthesized: SynthesizedApp;
  let graphed: BusinessMetric[];
  let alarmed: BusinessMetric[];

  beforeAll(() => {
    synthesized = synthesize({}, { bundle: false });
    const template = synthesized.serviceTemplate;

    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const parts = dashboard?.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const body = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('')) as {
      widgets: { properties: { metrics?: unknown[][] } }[];
    };
    graphed = body.widgets.flatMap((widget) =>
      (widget.properties.metrics ?? []).flatMap((line) => {
        const [namespace, name, ...rest] = line.filter((item) => typeof item === 'string') as string[];
        if (namespace !== METRICS_NAMESPACE || !name) return [];
        return [{ name, dimensions: rest.filter((_, index) => index % 2 === 0) }];
      }),
    );

    type Dimension = { Name: string };
    type Stat = { Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] } };
    alarmed = Object.values(template.findResources('AWS::CloudWatch::Alarm')).flatMap((alarm) => {
      const properties = alarm.Properties as {
        Namespace?: string;
        MetricName?: string;
        Dimensions?: Dimension[];
        Metrics?: { MetricStat?: Stat }[];
      };
      const single =
        properties.Namespace === METRICS_NAMESPACE && properties.MetricName
          ? [{ name: properties.MetricName, dimensions: (properties.Dimensions ?? []).map((d) => d.Name) }]
          : [];
      const math = (properties.Metrics ?? []).flatMap((metric) =>
        metric.MetricStat?.Metric.Namespace === METRICS_NAMESPACE
          ? [
              {
                name: metric.MetricStat.Metric.MetricName,
                dimensions: (metric.MetricStat.Metric.Dimensions ?? []).map((d) => d.Name),
              },
            ]
          : [],
      );
      return [...single, ...math];
    });
  });

  it('finds business metrics on the dashboard and in the alarms (the parsing works)', () => {
    expect(graphed.length).toBeGreaterThan(20);
    expect(alarmed.map((metric) => metric.name)).toContain('StreamStalenessSeconds');
  });

  it('knows every metric the dashboard graphs or an alarm watches, with exactly its dimensions', () => {
    for (const metric of [...graphed, ...alarmed]) {
      const definition = (METRICS as Record<string, { dimensions: readonly string[] }>)[metric.name];
      expect(definition, `${metric.name} is not in the registry`).toBeDefined();
      expect([...metric.dimensions].sort(), metric.name).toEqual(
        ['service', ...(definition?.dimensions ?? [])].sort(),
      );
    }
  });

  it('graphs or alarms on every metric of the registry', () => {
    const used = new Set([...graphed, ...alarmed].map((metric) => metric.name));
    expect(Object.keys(METRICS).filter((name) => !used.has(name))).toEqual([]);
  });

  it('emits, somewhere in functions/, every metric the dashboard graphs or an alarm watches', () => {
    const emitted = emittedNames();
    const used = [...new Set([...graphed, ...alarmed].map((metric) => metric.name))];
    expect(used.filter((name) => !emitted.has(name))).toEqual([]);
  });

  it('emits nothing that is not in the registry', () => {
    expect([...emittedNames()].filter((name) => !(name in METRICS))).toEqual([]);
  });
});
