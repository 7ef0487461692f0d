/**
 * `dev`: a development stage, environment-agnostic (it deploys to the account and region of the credentials in your
 * shell), on the cheap NAT-instance egress in one AZ. `npm run synth` synthesizes this stage.
 *
 * EDIT before the first deploy: the alarm subscribers, and the fck-nat AMI of your region (the ids below are
 * placeholders; the command to find the real one is in config/schema.ts and docs/deployment.md).
 */
import type { StageSettings } from '../schema.js';

export default {
  azCount: 1,
  egress: {
    mode: 'nat-instance',
    instanceType: 't4g.nano',
    amis: {
      'us-east-1': 'ami-0123456789abcdef0',
      'eu-west-1': 'ami-0fedcba9876543210',
    },
  },
  alarms: {
    page: { emails: [] },
    ticket: { emails: [] },
  },
  pollIntervalSeconds: 10,
  konnektiveApiUrl: 'https://api.konnektive.com',
  hookUrlAllowlist: ['https://hooks.zapier.com/'],
  logLevel: 'DEBUG',
  logRetentionDays: 14,
} satisfies StageSettings;
