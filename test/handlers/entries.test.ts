/**
 * The Lambda entries (functions/lambda): each builds its handler from the AWS container at import, reading only
 * the configuration it needs; the container builds each part once, on first use.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbTokenStore } from '../../functions/adapters/dynamodb/index.js';
import { HANDLER_NAMES } from '../../functions/handlers/catalog.js';
import { createAwsDependencies } from '../../functions/platform/aws-dependencies.js';
import { LAMBDA_ENV as FULL_ENV } from '../support/lambda-env.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('Lambda entries', () => {
  it.each(HANDLER_NAMES)('%s exports a handler built at import', async (name) => {
    for (const [key, value] of Object.entries(FULL_ENV)) vi.stubEnv(key, value);
    const entry = (await import(`../../functions/lambda/${name}.ts`)) as { handler?: unknown };
    expect(typeof entry.handler).toBe('function');
  });

  it('fails at import, naming the variable, when the function was not given a table it uses', async () => {
    for (const [key, value] of Object.entries(FULL_ENV)) vi.stubEnv(key, value);
    vi.stubEnv('IDEMPOTENCY_TABLE', undefined);
    await expect(import('../../functions/lambda/run-action.js')).rejects.toThrow(/IDEMPOTENCY_TABLE/);
  });

  it('fails at import when the deliverer was not given its hook-rate table', async () => {
    for (const [key, value] of Object.entries(FULL_ENV)) vi.stubEnv(key, value);
    vi.stubEnv('HOOK_RATES_TABLE', undefined);
    await expect(import('../../functions/lambda/deliver-events.js')).rejects.toThrow(/HOOK_RATES_TABLE/);
  });

  it('fails at import when the credentials key is missing', async () => {
    for (const [key, value] of Object.entries(FULL_ENV)) vi.stubEnv(key, value);
    vi.stubEnv('KMS_KEY_ID', undefined);
    await expect(import('../../functions/lambda/poll-stream.js')).rejects.toThrow(/KMS_KEY_ID/);
  });
});

describe('createAwsDependencies', () => {
  it('builds nothing until a part is read, and each part once', () => {
    const deps = createAwsDependencies({ AWS_REGION: 'us-east-1', TOKENS_TABLE: 'test-Tokens' });
    expect(deps.stores.tokens).toBeInstanceOf(DynamoDbTokenStore);
    expect(deps.stores.tokens).toBe(deps.stores.tokens);
    expect(deps.campaignCache).toBe(deps.campaignCache);
    expect(() => deps.stores.connections).toThrow(/CONNECTIONS_TABLE is required by this function/);
    expect(() => deps.cipher).toThrow(/KMS_KEY_ID/);
    expect(() => deps.pollQueue).toThrow(/POLL_QUEUE_URL/);
  });

  it('reads the hook allow-list and egress IPs from the environment', () => {
    const deps = createAwsDependencies({
      HOOK_URL_ALLOWLIST: 'https://hooks.zapier.com/, https://example.test/',
      EGRESS_IPS: '203.0.113.1,203.0.113.2',
    });
    expect(deps.hookAllowlist).toEqual(['https://hooks.zapier.com/', 'https://example.test/']);
    expect(deps.egressIps).toEqual(['203.0.113.1', '203.0.113.2']);
  });
});
