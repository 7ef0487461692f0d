/**
 * Records a stage's egress (account, region, AZs, NAT mode) in config/egress-lock.json, which synth compares the
 * stage file against. Run it when an egress change is intended, and commit the lock with the stage file:
 *
 *   npm run egress-lock -- <stage>
 */
import { writeFileSync } from 'node:fs';
import {
  EGRESS_LOCK_FILE,
  egressFingerprint,
  loadStageSettings,
  readEgressLock,
  toDeploymentConfig,
} from '../bin/config.js';

const stage = process.argv[2];
if (!stage) {
  console.error('usage: npm run egress-lock -- <stage>');
  process.exit(2);
}
const config = toDeploymentConfig(stage, await loadStageSettings(stage));
const lock = readEgressLock();
const before = lock[stage];
const after = egressFingerprint(config);
const sorted = Object.fromEntries(
  Object.entries({ ...lock, [stage]: after }).sort(([a], [b]) => a.localeCompare(b)),
);
writeFileSync(EGRESS_LOCK_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${stage}: ${JSON.stringify(before ?? null)} → ${JSON.stringify(after)}`);
