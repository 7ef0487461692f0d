/**
 * `dev`: a development stage, environment-agnostic (it deploys to the account and region of the credentials in your
 * shell), with one AZ of egress. `npm run synth` synthesizes this stage.
 *
 * EDIT before the first deploy: the alarm subscribers.
 */
import type { StageSettings } from '../schema.js';

export default {
  azCount: 1,
  egress: { mode: 'nat-gateway' },
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
