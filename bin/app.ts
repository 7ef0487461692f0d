/**
 * CDK app entry (`cdk.json` → `npx tsx bin/app.ts`). Which stage to build is required: `-c stage=<name>` picks
 * `config/stages/<name>.ts`, the only source of settings. Synth needs no AWS credentials and no context lookups (CI
 * runs it offline): a pinned stage names its availability zones and AMIs in the file.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createKonnektiveZapierStacks } from '../lib/app.js';
import { DeploymentConfigError, readDeploymentConfig } from './config.js';

const app = new App();
try {
  createKonnektiveZapierStacks(app, await readDeploymentConfig(app.node));
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  // A configuration mistake: say what is wrong, without a stack trace.
  console.error(error.message);
  process.exit(1);
}
// cdk-nag's AWS Solutions pack: synth fails on any finding not acknowledged (with a reason) in lib/.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
