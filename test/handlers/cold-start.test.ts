/**
 * What a Lambda cold start loads. Handler modules have no import side effects (importing them reads no
 * configuration, builds no client, loads no AWS SDK package, and no X-Ray SDK unless invocations are traced); each
 * Lambda entry loads at import exactly the SDK packages of the clients its handler uses — none left for its first
 * request, none it never uses.
 * Each case runs in a fresh Node process: the module caches are per process.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HANDLER_NAMES, HANDLERS, type HandlerSpec } from '../../functions/handlers/catalog.js';
import { tracingEnabled } from '../../functions/platform/observability.js';
import { LAMBDA_ENV } from '../support/lambda-env.js';

const run = promisify(execFile);

/** Prints, after importing the modules given as arguments, which SDK packages and whether X-Ray got loaded. */
const PROBE = [
  'for (const path of process.argv.slice(1)) await import(path);',
  "const { createRequire } = await import('node:module');",
  'const files = Object.keys(createRequire(import.meta.url).cache);',
  'const sdk = [...new Set(files',
  '  .map((file) => /node_modules\\/(@aws-sdk\\/(?:client-[^/]+|lib-dynamodb))\\//.exec(file)?.[1]).filter(Boolean))].sort();',
  "const xray = files.some((file) => file.includes('/aws-xray-sdk-core/'));",
  'process.stdout.write(JSON.stringify({ sdk, xray }));',
].join(' ');

const loadedBy = async (modules: string[], env: Record<string, string>) => {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', PROBE, ...modules],
    { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
  );
  return JSON.parse(stdout) as { sdk: string[]; xray: boolean };
};

/** Clients a function uses besides its tables and key (catalog.ts): the poller publishes, two functions queue. */
const OTHER_CLIENTS: Partial<Record<string, string[]>> = {
  'poll-stream': ['@aws-sdk/client-eventbridge'],
  'dispatch-polls': ['@aws-sdk/client-sqs'],
  'deliver-events': ['@aws-sdk/client-sqs'],
};

const expectedSdk = (name: (typeof HANDLER_NAMES)[number]): string[] => {
  const spec: HandlerSpec = HANDLERS[name];
  return [
    ...(Object.keys(spec.tables).length > 0 ? ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'] : []),
    ...(spec.key === undefined ? [] : ['@aws-sdk/client-kms']),
    ...(OTHER_CLIENTS[name] ?? []),
  ].sort();
};

describe('cold start', () => {
  it('handler modules import without configuration and load no AWS SDK and no X-Ray', async () => {
    const modules = readdirSync('functions/handlers')
      .filter((file) => file.endsWith('.ts'))
      .map((file) => `./functions/handlers/${file}`);
    expect(modules.length).toBeGreaterThan(HANDLER_NAMES.length);
    // Without a single table, key, queue or region (and outside Lambda: no tracing).
    await expect(loadedBy(modules, {})).resolves.toEqual({
      sdk: [],
      xray: false,
    });
  }, 60_000);

  it.each(HANDLER_NAMES)(
    'the %s entry loads at import the SDK clients its handler uses, and only those',
    async (name) => {
      const loaded = await loadedBy([`./functions/lambda/${name}.ts`], {
        ...LAMBDA_ENV,
        POWERTOOLS_TRACE_ENABLED: 'false',
      });
      expect(loaded).toEqual({ sdk: expectedSdk(name), xray: false });
    },
    60_000,
  );

  it('an entry in Lambda with tracing on loads the X-Ray tracer at import', async () => {
    await expect(
      loadedBy(['./functions/lambda/get-me.ts'], {
        ...LAMBDA_ENV,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      }),
    ).resolves.toEqual({ sdk: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'], xray: true });
  }, 60_000);
});

describe('tracingEnabled', () => {
  it.each([
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }, true],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'FALSE' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_SAM_LOCAL: 'true' }, false],
    [{ AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }, false],
    [{}, false],
  ])('%o → %s (as the Powertools tracer decides)', (env, expected) => {
    expect(tracingEnabled(env)).toBe(expected);
  });
});
