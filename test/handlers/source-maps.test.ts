/**
 * A Lambda function runs without `--enable-source-maps` (parsing the map at load costs every cold start), so its
 * logger maps the stack of each error it writes to the sources instead, reading the map beside the bundle the first
 * time. Built as deployment bundles (lib/bundling.ts) and run in a fresh Node process with no NODE_OPTIONS.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackMapperFor, withMappedStack } from '../../functions/platform/source-maps.js';
import { lambdaBuildOptions } from '../../lib/bundling.js';
import { LAMBDA_ENV } from '../support/lambda-env.js';

const FIXTURE = fileURLToPath(new URL('../infra/fixtures/bundling/error-probe.ts', import.meta.url));
const THROW_LINE =
  readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes("throw new Error('probe failure')")) + 1;

/** Invokes the bundle's handler once; prints the log lines and whether the invocation failed. */
const INVOKE = [
  'const { handler } = await import(process.argv[1]);',
  "const context = { functionName: 'probe', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 1000 };",
  "await handler({}, context).then(() => console.log('RESOLVED'), () => console.log('REJECTED'));",
].join(' ');

interface LoggedError {
  level: string;
  message: string;
  error: { name: string; message: string; location: string; stack: string };
}

const invoke = async (bundle: string) => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', INVOKE, pathToFileURL(bundle).href],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ...LAMBDA_ENV,
        AWS_LAMBDA_FUNCTION_NAME: 'probe',
        POWERTOOLS_SERVICE_NAME: 'konnektive-zapier',
        POWERTOOLS_METRICS_NAMESPACE: 'KonnektiveZapier',
        POWERTOOLS_TRACE_ENABLED: 'false',
      },
      timeout: 60_000,
    },
  );
  const lines = stdout.trim().split('\n');
  // Powertools writes errors to stderr.
  const logged = [...lines, ...stderr.trim().split('\n')]
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LoggedError)
    .find((entry) => entry.message === 'invocation failed');
  return { logged, outcome: lines.at(-1) };
};

describe('stacks of logged errors in a Lambda bundle', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kz-source-maps-'));
    bundle = join(dir, 'index.mjs');
    await build({ ...lambdaBuildOptions(FIXTURE, bundle), write: true });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('name the source file and line, not the minified bundle, and the invocation still fails', async () => {
    const { logged, outcome } = await invoke(bundle);
    expect(outcome).toBe('REJECTED');
    expect(logged?.level).toBe('ERROR');
    expect(logged?.error.message).toBe('probe failure');
    const place = `test/infra/fixtures/bundling/error-probe.ts:${THROW_LINE}:`;
    expect(logged?.error.stack.split('\n')[1]).toContain(place);
    // Powertools' location is the first frame written `(file:line:column)`: here middy's, mapped too.
    expect(logged?.error.location).toMatch(/\.(?:ts|js):\d+$/);
    expect(logged?.error.location).not.toContain('index.mjs');
    expect(logged?.error.stack).not.toContain('index.mjs');
  });

  it('stay as they are, and logging still works, when the map is missing', async () => {
    const bare = join(dir, 'bare.mjs');
    await build({ ...lambdaBuildOptions(FIXTURE, bare), sourcemap: false, write: true });
    const { logged, outcome } = await invoke(bare);
    expect(outcome).toBe('REJECTED');
    expect(logged?.error.message).toBe('probe failure');
    expect(logged?.error.stack).toContain(`${pathToFileURL(bare).href}:`);
  });
});

describe('withMappedStack', () => {
  /** A bundle whose map sends line 1, column 1 to src/a.ts line 10, column 1 ("AASA": 0, 0, +9, 0). */
  const fakeBundle = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kz-fake-bundle-'));
    const path = join(dir, 'bundle.mjs');
    writeFileSync(path, 'throw 1;\n');
    writeFileSync(
      `${path}.map`,
      JSON.stringify({ version: 3, sources: ['../src/a.ts'], names: [], mappings: 'AASA' }),
    );
    return { dir, path, map: stackMapperFor(pathToFileURL(path).href) };
  };

  it('maps the stacks of an error and its cause, keeping its own fields, and leaves the original alone', () => {
    const { dir, path, map } = fakeBundle();
    try {
      const cause = new Error('inner');
      cause.stack = `Error: inner\n    at g (${pathToFileURL(path).href}:1:1)`;
      const error = Object.assign(new Error('outer', { cause }), { code: 'E_PROBE' });
      const original = `Error: outer\n    at f (${path}:1:1)`;
      error.stack = original;
      const mapped = withMappedStack(error, map);
      expect(mapped).toBeInstanceOf(Error);
      expect(mapped.message).toBe('outer');
      expect(mapped.code).toBe('E_PROBE');
      expect(mapped.stack).toBe('Error: outer\n    at f (src/a.ts:10:1)');
      expect((mapped.cause as Error).stack).toBe('Error: inner\n    at g (src/a.ts:10:1)');
      expect(error.stack).toBe(original);
      expect(withMappedStack('not an error', map)).toBe('not an error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stackMapperFor', () => {
  it('leaves text that names no place in the bundle untouched, without reading any map', () => {
    const map = stackMapperFor(pathToFileURL('/nonexistent/bundle.mjs').href);
    const stack = 'Error: x\n    at f (file:///elsewhere/other.mjs:1:10)';
    expect(map(stack)).toBe(stack);
    expect(map('file:///nonexistent/bundle.mjs:1:10')).toBe('file:///nonexistent/bundle.mjs:1:10');
  });
});
