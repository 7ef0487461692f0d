/**
 * The layering rules in biome.json (`noRestrictedImports` overrides) are part of `npm run lint`: functions/core imports
 * no AWS SDK, Powertools, middy, adapters, platform or handlers; production code imports nothing from local/. Each case
 * plants a file with one forbidden import next to real code, lints it with the project's own configuration, and
 * removes it again; the clean tree must lint without layering findings.
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');

const lint = (relativePath: string, source: string) => {
  const path = join(ROOT, relativePath);
  writeFileSync(path, source);
  try {
    const run = spawnSync(BIOME, ['lint', '--colors=off', relativePath], { cwd: ROOT, encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(path, { force: true });
  }
};

const probe = (dir: string) => `${dir}/zz-layering-probe-${process.pid}.ts`;

describe('layering (biome noRestrictedImports)', { timeout: 60_000 }, () => {
  it.each([
    [
      'an AWS SDK client',
      "import { SQSClient } from '@aws-sdk/client-sqs';\n\nexport const planted = SQSClient;\n",
    ],
    [
      'Powertools',
      "import { Logger } from '@aws-lambda-powertools/logger';\n\nexport const planted = Logger;\n",
    ],
    ['middy', "import middy from '@middy/core';\n\nexport const planted = middy;\n"],
    [
      'an adapter',
      "import { KonnektiveClient } from '../adapters/konnektive/konnektive-client.js';\n\nexport const planted = KonnektiveClient;\n",
    ],
    [
      'platform',
      "import { loadConfig } from '../platform/config.js';\n\nexport const planted = loadConfig;\n",
    ],
    [
      'a handler',
      "import { HANDLER_FACTORIES } from '../handlers/index.js';\n\nexport const planted = HANDLER_FACTORIES;\n",
    ],
  ])('fails lint when functions/core imports %s', (_what, source) => {
    const result = lint(probe('functions/core'), source);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('Layering: functions/core');
  });

  it.each(['functions/platform', 'lib', 'bin'])('fails lint when %s imports the local runtime', (dir) => {
    const depth = dir.split('/').length;
    const up = '../'.repeat(depth);
    const result = lint(
      probe(dir),
      `import { startSimulator } from '${up}local/simulator/index.js';\n\nexport const planted = startSimulator;\n`,
    );
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('never imports the local runtime');
  });

  it('lets core import core and zod', () => {
    const result = lint(
      probe('functions/core'),
      "import * as z from 'zod';\nimport { STREAMS } from './model.js';\n\nexport const planted = [z, STREAMS];\n",
    );
    expect(result.output).not.toContain('Layering');
    expect(result.status).toBe(0);
  });
});
