/**
 * The README's alarm table and the runbook against the alarm table the stack is built from: every alarm is listed
 * with its route, condition, metric and missing-data treatment, and has a runbook section with the same route.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALARMS, type AlarmId, type AlarmSpec } from '../../lib/constructs/alarm-table.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const entries = Object.entries(ALARMS) as [AlarmId, AlarmSpec][];

/** The runbook section under `## <id>`, up to the next `## `. */
const sectionOf = (runbook: string, id: string): string | undefined => {
  const start = runbook.indexOf(`\n## ${id}\n`);
  if (start < 0) return undefined;
  const end = runbook.indexOf('\n## ', start + 1);
  return runbook.slice(start, end < 0 ? undefined : end);
};

describe('README alarm table', () => {
  const readme = read('README.md');

  it.each(entries)('lists %s with its route, condition, metric and missing-data treatment', (id, spec) => {
    const name = spec.perFunction ? '`<Function>FailureRate` (one per function)' : `\`${id}\``;
    const silence = spec.missingData === 'breaching' ? 'breaching' : 'fine';
    expect(readme).toContain(`| ${spec.route} | ${name} | ${spec.condition} | ${spec.metric} | ${silence} |`);
  });

  it('lists no alarm that does not exist', () => {
    const table = readme.slice(readme.indexOf('| route | alarm | fires when |'));
    const listed = [...table.matchAll(/^\| (?:page|ticket) \| `([^`]+)`/gm)].map((match) => match[1]);
    expect(listed.sort()).toEqual(
      entries.map(([id, spec]) => (spec.perFunction ? '<Function>FailureRate' : id)).sort(),
    );
  });
});

describe('runbook', () => {
  const runbook = read('docs/runbook.md');

  it.each(entries)('has a section for %s, with its route', (id, spec) => {
    const section = sectionOf(runbook, id);
    expect(section, `docs/runbook.md has no "## ${id}"`).toBeDefined();
    expect(section).toContain(`**Route:** ${spec.route}.`);
    for (const part of ['**Fires when**', '**What merchants feel:**', '**Check', '**Do']) {
      expect(section, `${id}: ${part}`).toContain(part);
    }
  });

  it('names the ops commands by their CLI names', () => {
    for (const command of [
      'npm run ops -- dlq list',
      'npm run ops -- dlq redrive',
      'npm run ops -- replay --from',
      'npm run ops -- connections list',
      'npm run ops -- connections retest <connectionId>',
    ]) {
      expect(runbook).toContain(command);
    }
  });

  it.each(entries)('%s: names the ops command to run against the stage, or says none applies', (id) => {
    const section = sectionOf(runbook, id) ?? '';
    const commands = [...section.matchAll(/`(npm run ops -- [^`]+)`/g)].map((match) => match[1] ?? '');
    if (commands.length === 0) expect(section).toContain('no ops command applies');
    for (const command of commands) expect(command).toContain('--stage <stage>');
  });
});
