/**
 * CDK app entry (`cdk.json` → `npx tsx bin/app.ts`). Environment-agnostic on purpose: synth needs no AWS credentials
 * (CI runs it offline); the account and region come from the credentials `cdk deploy` runs with.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { createKonnektiveZapierStacks } from '../lib/app.js';
import { readDeploymentConfig } from './config.js';

const app = new App();
createKonnektiveZapierStacks(app, readDeploymentConfig(app.node));
// cdk-nag's AWS Solutions pack: synth fails on any finding not acknowledged (with a reason) in lib/.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
