/**
 * `prod`: the production stage, pinned to one account and region (a deploy with credentials for another account
 * fails), two AZs of managed NAT gateways, both stacks termination-protected.
 *
 * EDIT before the first deploy: `account`, `region` and `availabilityZones` (the values below are placeholders), the
 * alarm subscribers, and, if you want a stable API URL, `customDomain` (see docs/deployment.md). Then record the
 * egress in config/egress-lock.json: `npm run egress-lock -- prod`.
 */
import type { StageSettings } from '../schema.js';

export default {
  account: '111111111111',
  region: 'us-east-1',
  production: true,
  availabilityZones: ['us-east-1a', 'us-east-1b'],
  egress: { mode: 'nat-gateway' },
  alarms: {
    page: { emails: ['oncall@example.com'], httpsEndpoints: [] },
    ticket: { emails: ['ops@example.com'] },
  },
  pollIntervalSeconds: 10,
  konnektiveApiUrl: 'https://api.konnektive.com',
  hookUrlAllowlist: ['https://hooks.zapier.com/'],
  logLevel: 'INFO',
  logRetentionDays: 90,
  // customDomain: {
  //   domainName: 'zapier-api.example.com',
  //   certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
  //   hostedZone: { id: 'Z0000000000000000000', name: 'example.com' },
  // },
} satisfies StageSettings;
