import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { DeploymentConfigError, readDeploymentConfig } from '../../bin/config.js';

const read = (context: Record<string, unknown>) => readDeploymentConfig(new App({ context }).node);

describe('readDeploymentConfig', () => {
  it('has production-safe defaults', () => {
    expect(read({})).toEqual({
      stage: 'dev',
      azCount: 2,
      pollRateMinutes: 1,
      konnektiveApiUrl: 'https://api.konnektive.com',
      hookUrlAllowlist: ['https://hooks.zapier.com/'],
      logLevel: 'INFO',
      logRetention: RetentionDays.ONE_MONTH,
    });
  });

  it('reads `-c key=value` strings as well as cdk.json values', () => {
    expect(
      read({
        stage: 'prod',
        azCount: '1',
        pollRateMinutes: '5',
        konnektiveApiUrl: 'https://api.konnektive.example/',
        hookUrlAllowlist: 'https://hooks.zapier.com/, https://hooks.example.com/zap/',
        alarmEmail: 'ops@example.com',
        logLevel: 'DEBUG',
        logRetentionDays: '90',
      }),
    ).toEqual({
      stage: 'prod',
      azCount: 1,
      pollRateMinutes: 5,
      konnektiveApiUrl: 'https://api.konnektive.example/',
      hookUrlAllowlist: ['https://hooks.zapier.com/', 'https://hooks.example.com/zap/'],
      alarmEmail: 'ops@example.com',
      logLevel: 'DEBUG',
      logRetention: RetentionDays.THREE_MONTHS,
    });
    expect(read({ hookUrlAllowlist: ['https://hooks.zapier.com/'] }).hookUrlAllowlist).toEqual([
      'https://hooks.zapier.com/',
    ]);
  });

  it('treats a blank alarm e-mail as none', () => {
    expect(read({ alarmEmail: '' })).not.toHaveProperty('alarmEmail');
  });

  it.each([
    [{ stage: 'Prod!' }, /stage/],
    [{ azCount: '0' }, /azCount/],
    [{ azCount: '3' }, /azCount/],
    [{ pollRateMinutes: 'often' }, /pollRateMinutes/],
    [{ konnektiveApiUrl: 'http://api.konnektive.com' }, /konnektiveApiUrl/],
    [{ hookUrlAllowlist: 'http://127.0.0.1/' }, /hookUrlAllowlist/],
    [{ hookUrlAllowlist: ' , ' }, /hookUrlAllowlist/],
    [{ alarmEmail: 'not-an-address' }, /alarmEmail/],
    [{ logLevel: 'LOUD' }, /logLevel/],
    [{ logRetentionDays: '42' }, /logRetentionDays/],
  ])('rejects %j, naming the key', (context, key) => {
    expect(() => read(context)).toThrow(DeploymentConfigError);
    expect(() => read(context)).toThrow(key);
  });

  it('names every bad key at once', () => {
    expect(() => read({ azCount: '9', alarmEmail: 'nope' })).toThrow(
      /azCount.*alarmEmail|alarmEmail.*azCount/,
    );
  });
});
