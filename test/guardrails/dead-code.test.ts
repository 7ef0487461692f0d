/**
 * `npm run knip` (part of `npm test`, configured in knip.json) reports files nothing imports, exports nobody uses and
 * dependencies no code needs. Each case plants one such thing next to real code, runs knip with the project's own
 * configuration and removes it again. (That the real tree is clean is `npm run knip` itself, a step of `npm test`.)
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const KNIP = join(ROOT, 'node_modules', '.bin', 'knip');

const knip = () => {
  const run = spawnSync(KNIP, ['--no-progress', '--no-config-hints'], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
};

describe('dead-code check (knip)', { timeout: 120_000 }, () => {
  it('fails on a source file nothing imports', () => {
    const name = `zz-dead-code-probe-${process.pid}.ts`;
    const path = join(ROOT, 'functions/core', name);
    writeFileSync(path, 'export const orphan = 1;\n');
    try {
      const result = knip();
      expect(result.status).not.toBe(0);
      expect(result.output).toContain(name);
    } finally {
      rmSync(path, { force: true });
    }
  });

  it('fails on an export nobody uses', () => {
    const path = join(ROOT, 'functions/core/errors.ts');
    const original = readFileSync(path, 'utf8');
    const name = `plantedUnusedExport${process.pid}`;
    appendFileSync(path, `\nexport const ${name} = 1;\n`);
    try {
      const result = knip();
      expect(result.status).not.toBe(0);
      expect(result.output).toContain(name);
    } finally {
      writeFileSync(path, original);
    }
  });
});
