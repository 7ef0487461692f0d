import { describe, expect, it } from 'vitest';
import { loadStageSettings, toDeploymentConfig } from '../../bin/config.js';
import type { DeploymentConfig } from '../../lib/app.js';
import { type SynthesizedApp, synthesize } from './support.js';

/** The shipped stage file, as `-c stage=<stage>` would build it (fixture handlers, no bundling). */
const synthesizeStage = async (stage: string): Promise<{ config: DeploymentConfig } & SynthesizedApp> => {
  const config = toDeploymentConfig(stage, await loadStageSettings(stage));
  return { config, ...synthesize(config, { bundle: false }) };
};

describe('the prod stage', () => {
  it('pins both stacks to the account and region of its file', async () => {
    const { config, stateful, service } = await synthesizeStage('prod');
    for (const stack of [stateful, service]) {
      expect(stack.account).toBe(config.env?.account);
      expect(stack.region).toBe(config.env?.region);
    }
  });

  it('synthesizes without any context lookup (offline, no credentials)', async () => {
    const { app } = await synthesizeStage('prod');
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });

  it('builds the egress subnets in the AZs its file names, in order', async () => {
    const { config, service, serviceTemplate } = await synthesizeStage('prod');
    expect(service.network.vpc.availabilityZones).toEqual(config.availabilityZones);
    const subnetAzs = Object.values(serviceTemplate.findResources('AWS::EC2::Subnet')).map(
      (subnet) => subnet.Properties.AvailabilityZone,
    );
    expect(new Set(subnetAzs)).toEqual(new Set(config.availabilityZones));
  });

  it('termination-protects both stacks', async () => {
    const { stateful, service } = await synthesizeStage('prod');
    expect(stateful.terminationProtection).toBe(true);
    expect(service.terminationProtection).toBe(true);
  });
});

describe('the dev stage', () => {
  it('is environment-agnostic and synthesizes without a context lookup', async () => {
    const { app, stateful, service } = await synthesizeStage('dev');
    expect(stateful.environment).toBe('aws://unknown-account/unknown-region');
    expect(service.environment).toBe('aws://unknown-account/unknown-region');
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });

  it('termination-protects the stateful stack only', async () => {
    const { stateful, service } = await synthesizeStage('dev');
    expect(stateful.terminationProtection).toBe(true);
    expect(service.terminationProtection).toBe(false);
  });
});
