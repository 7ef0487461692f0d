/**
 * Benchmark results: each section reports rows (figure, design target, PASS/MISS) plus details for the JSON file,
 * and the whole run prints as one table.
 */

/** PASS/MISS against a design target; INFO = a figure without a target; ERROR = the measurement failed. */
export type Verdict = 'PASS' | 'MISS' | 'INFO' | 'ERROR';

export interface Row {
  metric: string;
  /** The figure as printed. */
  value: string;
  /** The design target as printed (empty when none). */
  target: string;
  verdict: Verdict;
}

export interface SectionResult {
  id: string;
  title: string;
  rows: Row[];
  /** Short explanations printed under the section (method, what dominates). */
  notes: string[];
  /** Raw numbers for bench/results/latest.json. */
  details: Record<string, unknown>;
  durationMs: number;
  /** The machine's 1-minute load average when the section ended (other work on the machine skews timings). */
  loadAverage?: number;
  error?: string;
}

/** A row with a target: PASS when `ok`. */
export const targetRow = (metric: string, value: string, target: string, ok: boolean): Row => ({
  metric,
  value,
  target,
  verdict: ok ? 'PASS' : 'MISS',
});

/** A row without a target. */
export const infoRow = (metric: string, value: string, target = ''): Row => ({
  metric,
  value,
  target,
  verdict: 'INFO',
});

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);

/** The printable table of every section. */
export const formatTable = (sections: readonly SectionResult[]): string => {
  const metricWidth = Math.max(40, ...sections.flatMap((s) => s.rows.map((r) => r.metric.length + 2)));
  const valueWidth = Math.max(14, ...sections.flatMap((s) => s.rows.map((r) => r.value.length + 2)));
  const targetWidth = Math.max(12, ...sections.flatMap((s) => s.rows.map((r) => r.target.length + 2)));
  const lines: string[] = [];
  const rule = '─'.repeat(metricWidth + valueWidth + targetWidth + 10);
  lines.push(rule);
  lines.push(
    `  ${pad('metric', metricWidth)}${pad('measured', valueWidth)}${pad('target', targetWidth)}verdict`,
  );
  lines.push(rule);
  for (const section of sections) {
    const load = section.loadAverage === undefined ? '' : `, load ${section.loadAverage.toFixed(1)}`;
    lines.push(`${section.title}  (${(section.durationMs / 1000).toFixed(1)} s${load})`);
    if (section.error) lines.push(`  ERROR: ${section.error}`);
    for (const row of section.rows) {
      lines.push(
        `  ${pad(row.metric, metricWidth)}${pad(row.value, valueWidth)}${pad(row.target, targetWidth)}${row.verdict === 'INFO' ? '' : row.verdict}`,
      );
    }
    for (const note of section.notes) lines.push(`    · ${note}`);
    lines.push('');
  }
  const all = sections.flatMap((s) => s.rows);
  const missed = all.filter((r) => r.verdict === 'MISS');
  const errors = sections.filter((s) => s.error).length + all.filter((r) => r.verdict === 'ERROR').length;
  lines.push(rule);
  lines.push(
    `targets: ${all.filter((r) => r.verdict === 'PASS').length} PASS, ${missed.length} MISS` +
      (errors > 0 ? `, ${errors} ERROR` : ''),
  );
  for (const row of missed) lines.push(`  MISS  ${row.metric}: ${row.value} (target ${row.target})`);
  return lines.join('\n');
};
