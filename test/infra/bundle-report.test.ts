import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatReport, measureBundles } from '../../scripts/bundle-report.js';
import { EXPECTED_HANDLERS, FIXTURE_ENTRIES_DIR } from './support.js';

const BUNDLING_FIXTURES = fileURLToPath(new URL('./fixtures/bundling', import.meta.url));

describe('bundle report', () => {
  it('measures every deployed handler with the deployment bundling settings', async () => {
    const measurements = await measureBundles(FIXTURE_ENTRIES_DIR);
    expect(measurements.map((measurement) => measurement.name).sort()).toEqual([...EXPECTED_HANDLERS].sort());
    for (const measurement of measurements) {
      expect(measurement.status).toBe('built');
      // A one-line stub plus the createRequire banner.
      if (measurement.status === 'built') expect(measurement.bytes).toBeLessThan(1024);
    }
    const { text, ok } = formatReport(measurements);
    expect(ok).toBe(true);
    expect(text).toContain('All 18 bundles within 500.0 KB.');
    expect(text).toMatch(/create-session\s+0\.\d KB {2}ok/);
  });

  it('attributes bytes to packages and keeps the AWS SDK out of the bundle', async () => {
    const [probe] = await measureBundles(BUNDLING_FIXTURES, ['sdk-probe']);
    expect(probe?.status).toBe('built');
    if (probe?.status !== 'built') return;
    const names = probe.packages.map((pkg) => pkg.name);
    expect(names).toContain('zod');
    expect(names.some((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/'))).toBe(false);
    expect(probe.packages.reduce((sum, pkg) => sum + pkg.bytes, 0)).toBeLessThanOrEqual(probe.bytes);
  });

  it('fails when a bundle exceeds the limit, naming it', async () => {
    const measurements = await measureBundles(BUNDLING_FIXTURES, ['sdk-probe']);
    const { text, ok } = formatReport(measurements, 10 * 1024);
    expect(ok).toBe(false);
    expect(text).toMatch(/sdk-probe\s+\d+\.\d KB {2}OVER/);
    expect(text).toContain('Bundle report FAILED.');
  });

  it('fails when a handler entry is missing', async () => {
    const measurements = await measureBundles(FIXTURE_ENTRIES_DIR, ['get-me', 'no-such-handler']);
    expect(measurements.map((measurement) => measurement.status)).toEqual(['built', 'missing']);
    const { text, ok } = formatReport(measurements);
    expect(ok).toBe(false);
    expect(text).toMatch(/no-such-handler\s+MISSING/);
  });
});
