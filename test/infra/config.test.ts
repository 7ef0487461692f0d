import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import {
  checkEgressLock,
  DeploymentConfigError,
  EGRESS_LOCK_FILE,
  egressFingerprint,
  listStages,
  loadStageSettings,
  parseStageSettings,
  readDeploymentConfig,
  readEgressLock,
  toDeploymentConfig,
} from '../../bin/config.js';
import type { StageSettings } from '../../config/schema.js';

const FIXTURE_STAGES_DIR = fileURLToPath(new URL('./fixtures/stages', import.meta.url));
const STALE_LOCK = fileURLToPath(new URL('./fixtures/stale-egress-lock.json', import.meta.url));

/** A complete, valid pinned stage; tests override one thing at a time. */
const PINNED: StageSettings = {
  account: '123456789012',
  region: 'eu-west-1',
  production: true,
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  egress: { mode: 'nat-gateway' },
  alarms: { page: { emails: ['oncall@example.com'] }, ticket: {} },
};

const AGNOSTIC: StageSettings = {
  azCount: 1,
  egress: { mode: 'nat-gateway' },
  alarms: { page: {}, ticket: {} },
};

const parse = (settings: unknown) => parseStageSettings(settings, 'config/stages/test.ts');
const read = (context: Record<string, unknown>, egressLockFile?: string) =>
  readDeploymentConfig(new App({ context }).node, egressLockFile ? { egressLockFile } : {});

describe('stage files', () => {
  it('fills in the defaults of a minimal file', () => {
    expect(toDeploymentConfig('test', parse(AGNOSTIC))).toEqual({
      stage: 'test',
      production: false,
      azCount: 1,
      egress: { mode: 'nat-gateway' },
      alarms: { page: { emails: [], httpsEndpoints: [] }, ticket: { emails: [], httpsEndpoints: [] } },
      pollIntervalSeconds: 10,
      konnektiveApiUrl: 'https://api.konnektive.com',
      hookUrlAllowlist: ['https://hooks.zapier.com/'],
      logLevel: 'INFO',
      traceCalls: false,
      logRetention: RetentionDays.ONE_MONTH,
    });
  });

  it('pins a stage with account and region to them, with its AZs in order', () => {
    const config = toDeploymentConfig('prod', parse(PINNED));
    expect(config).toMatchObject({
      env: { account: '123456789012', region: 'eu-west-1' },
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      azCount: 2,
      production: true,
    });
  });

  it('carries a custom domain through', () => {
    const customDomain = {
      domainName: 'zapier-api.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f3e6f6e-1111-2222-3333-444455556666',
      hostedZone: { id: 'Z0123456789ABCDEFGHIJ', name: 'example.com' },
    };
    expect(toDeploymentConfig('prod', parse({ ...PINNED, customDomain })).customDomain).toEqual(customDomain);
  });

  it('reads the NAT-instance mode with its default instance type', () => {
    const config = toDeploymentConfig(
      'test',
      parse({ ...PINNED, egress: { mode: 'nat-instance', amis: { 'eu-west-1': 'ami-0123456789abcdef0' } } }),
    );
    expect(config.egress).toEqual({
      mode: 'nat-instance',
      instanceType: 't4g.nano',
      amis: { 'eu-west-1': 'ami-0123456789abcdef0' },
    });
  });

  it.each([
    [{ ...AGNOSTIC, azcount: 1 }, /Unrecognized key.*azcount/],
    [{ ...AGNOSTIC, alarms: { page: { email: ['a@example.com'] }, ticket: {} } }, /alarms\.page.*email/],
    [{ ...AGNOSTIC, azCount: 3 }, /azCount/],
    [{ ...AGNOSTIC, pollIntervalSeconds: 7 }, /pollIntervalSeconds: a divisor of 60/],
    [{ ...AGNOSTIC, konnektiveApiUrl: 'http://api.konnektive.com' }, /konnektiveApiUrl/],
    [{ ...AGNOSTIC, hookUrlAllowlist: [] }, /hookUrlAllowlist/],
    [{ ...AGNOSTIC, alarms: { page: { emails: ['nope'] }, ticket: {} } }, /alarms\.page\.emails\.0/],
    [{ ...AGNOSTIC, logLevel: 'LOUD' }, /logLevel/],
    [{ ...AGNOSTIC, traceCalls: 'yes' }, /traceCalls/],
    [{ ...AGNOSTIC, logRetentionDays: 42 }, /logRetentionDays/],
    [{ ...AGNOSTIC, egress: { mode: 'nat-box' } }, /egress\.mode/],
    [
      { ...AGNOSTIC, egress: { mode: 'nat-instance', amis: { 'us-east-1': 'ubuntu' } } },
      /egress\.amis\.us-east-1/,
    ],
    [{ ...AGNOSTIC, availabilityZones: ['us-east-1a'] }, /availabilityZones: only for a stage pinned/],
    [{ ...AGNOSTIC, azCount: undefined }, /azCount: required for an environment-agnostic stage/],
    [{ ...PINNED, region: undefined }, /region: required together with account/],
    [{ ...PINNED, account: undefined, region: undefined }, /account: a production stage must be pinned/],
    [{ ...PINNED, availabilityZones: undefined }, /availabilityZones: required for a stage pinned/],
    [{ ...PINNED, azCount: 2 }, /azCount: only for environment-agnostic stages/],
    [
      { ...PINNED, availabilityZones: ['eu-west-1a', 'us-east-1b'] },
      /availabilityZones\.1: not an availability zone of eu-west-1/,
    ],
    [{ ...PINNED, availabilityZones: ['eu-west-1a', 'eu-west-1a'] }, /availabilityZones\.1: listed twice/],
    [
      { ...PINNED, alarms: { page: {}, ticket: { emails: ['ops@example.com'] } } },
      /alarms\.page: a production stage must page someone/,
    ],
    [
      { ...PINNED, egress: { mode: 'nat-instance', amis: { 'us-east-1': 'ami-0123456789abcdef0' } } },
      /egress\.amis\.eu-west-1: the fck-nat AMI of eu-west-1 is required/,
    ],
    [
      {
        ...PINNED,
        customDomain: {
          domainName: 'zapier-api.example.com',
          certificateArn:
            'arn:aws:acm:us-east-1:123456789012:certificate/0f3e6f6e-1111-2222-3333-444455556666',
        },
      },
      /customDomain\.certificateArn: must be a certificate in eu-west-1, not us-east-1/,
    ],
  ])('rejects %j, naming the key', (settings, message) => {
    expect(() => parse(settings)).toThrow(DeploymentConfigError);
    expect(() => parse(settings)).toThrow(message);
  });

  it('names the file and every bad key at once', async () => {
    const error = await loadStageSettings('typo', FIXTURE_STAGES_DIR).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeploymentConfigError);
    expect((error as Error).message).toMatch(/^Invalid stage file .*fixtures\/stages\/typo\.ts: /);
    expect((error as Error).message).toMatch(/azcount/);
    expect((error as Error).message).toMatch(/logRetentionDays/);
  });

  it.each(['dev', 'prod'])('ships a valid %s stage', async (stage) => {
    expect(listStages()).toContain(stage);
    await expect(loadStageSettings(stage)).resolves.toBeDefined();
  });

  it('pins prod to its account and region and makes it a production stage', async () => {
    const prod = toDeploymentConfig('prod', await loadStageSettings('prod'));
    expect(prod.env).toEqual({ account: expect.stringMatching(/^\d{12}$/), region: expect.any(String) });
    expect(prod.production).toBe(true);
    expect(prod.availabilityZones).toHaveLength(prod.azCount);
  });
});

describe('readDeploymentConfig', () => {
  it('requires the stage, listing the known ones', async () => {
    await expect(read({})).rejects.toThrow(/stage is required: -c stage=<name>, one of dev, prod/);
    await expect(read({ stage: '' })).rejects.toThrow(/stage is required/);
  });

  it('refuses an unknown stage, listing the known ones', async () => {
    await expect(read({ stage: 'qa' })).rejects.toThrow(/Unknown stage "qa": config\/stages has dev, prod/);
    await expect(read({ stage: '../bin/app' })).rejects.toThrow(/Unknown stage/);
  });

  it.each(['azCount', 'alarmEmail', 'logLevel'])('refuses the retired -c %s setting', async (key) => {
    await expect(read({ stage: 'dev', [key]: '1' })).rejects.toThrow(
      new RegExp(`${key}: no longer a -c setting`),
    );
  });

  it('builds the stage the context names, from its file', async () => {
    const config = await read({ stage: 'prod' });
    expect(config.stage).toBe('prod');
    expect(config).toEqual(toDeploymentConfig('prod', await loadStageSettings('prod')));
  });

  it('matches the committed egress lock for every shipped stage', async () => {
    const lock = readEgressLock(EGRESS_LOCK_FILE);
    for (const stage of listStages()) {
      const config = toDeploymentConfig(stage, await loadStageSettings(stage));
      expect(lock[stage], stage).toEqual(egressFingerprint(config));
    }
  });

  it('refuses an egress the lock does not record, naming what changed', async () => {
    await expect(read({ stage: 'prod' }, STALE_LOCK)).rejects.toThrow(DeploymentConfigError);
    await expect(read({ stage: 'prod' }, STALE_LOCK)).rejects.toThrow(
      /availabilityZones: us-east-1a → us-east-1a,us-east-1b; azCount: 1 → 2\).*npm run egress-lock -- prod/,
    );
  });

  it('lets -c allowEgressChange=<stage> override the lock for that stage only', async () => {
    await expect(read({ stage: 'prod', allowEgressChange: 'prod' }, STALE_LOCK)).resolves.toMatchObject({
      stage: 'prod',
    });
    await expect(read({ stage: 'prod', allowEgressChange: 'dev' }, STALE_LOCK)).rejects.toThrow(
      /differs from config\/egress-lock\.json/,
    );
  });
});

describe('checkEgressLock', () => {
  const config = toDeploymentConfig('prod', parse(PINNED));
  const locked = { prod: egressFingerprint(config) };

  it('passes an unchanged egress', () => {
    expect(checkEgressLock(config, locked)).toEqual([]);
  });

  it.each([
    ['account', { account: '210987654321' }, /account: 123456789012 → 210987654321/],
    [
      'region',
      { region: 'eu-central-1', availabilityZones: ['eu-central-1a', 'eu-central-1b'] },
      /region: eu-west-1 → eu-central-1/,
    ],
    ['AZ count', { availabilityZones: ['eu-west-1a'] }, /azCount: 2 → 1/],
    [
      'AZ set',
      { availabilityZones: ['eu-west-1a', 'eu-west-1c'] },
      /availabilityZones: eu-west-1a,eu-west-1b → eu-west-1a,eu-west-1c/,
    ],
    [
      'mode',
      { egress: { mode: 'nat-instance', amis: { 'eu-west-1': 'ami-0123456789abcdef0' } } },
      /mode: nat-gateway → nat-instance/,
    ],
  ] as const)('refuses a changed %s', (_label, change, message) => {
    const changed = toDeploymentConfig('prod', parse({ ...PINNED, ...change }));
    expect(() => checkEgressLock(changed, locked)).toThrow(message);
    expect(checkEgressLock(changed, locked, 'prod')).not.toEqual([]);
  });

  it('refuses a stage the lock has no entry for', () => {
    expect(() => checkEgressLock(config, {})).toThrow(/no entry for stage prod/);
  });
});
