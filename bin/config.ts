/**
 * Deployment configuration: the committed stage file `-c stage=<name>` names (`config/stages/<name>.ts`), validated,
 * and checked against the egress lock (`config/egress-lock.json`). The only place that reads CDK context or the
 * config directory: the stacks get plain props.
 *
 * Context keys: `stage` (required) and `allowEgressChange=<stage>` (deploy an egress change the lock does not record
 * yet). Every other setting lives in the stage file; the old per-setting `-c` keys are refused, so a deploy cannot
 * silently differ from the file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { z } from 'zod';
import { type ParsedStageSettings, STAGE_NAME, stageSettingsSchema } from '../config/schema.js';
import type { DeploymentConfig } from '../lib/app.js';

/** A stage that is missing, unknown or malformed, or an egress change the lock does not allow. */
export class DeploymentConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeploymentConfigError';
  }
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** `config/stages`: one `<stage>.ts` per stage. */
export const STAGES_DIR = join(REPO_ROOT, 'config', 'stages');
/** `config/egress-lock.json`: the egress each stage was deployed with. */
export const EGRESS_LOCK_FILE = join(REPO_ROOT, 'config', 'egress-lock.json');

/** Context keys that used to carry settings; they now live in the stage file. */
const RETIRED_CONTEXT_KEYS = [
  'azCount',
  'alarmEmail',
  'pollRateMinutes',
  'konnektiveApiUrl',
  'hookUrlAllowlist',
  'logLevel',
  'logRetentionDays',
] as const;

const displayPath = (path: string) => relative(REPO_ROOT, path) || path;

/** The stages that have a file in `stagesDir`, sorted. */
export const listStages = (stagesDir: string = STAGES_DIR): string[] =>
  existsSync(stagesDir)
    ? readdirSync(stagesDir)
        .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
        .map((file) => basename(file, '.ts'))
        .sort()
    : [];

const formatIssues = (error: z.ZodError): string =>
  error.issues
    .map((issue) => {
      const path = issue.path.join('.') || '(top level)';
      const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
      return `${path}: ${issue.message}${keys}`;
    })
    .join('; ');

/** Validates a stage file's default export; `source` names the file in errors. */
export const parseStageSettings = (raw: unknown, source: string): ParsedStageSettings => {
  const parsed = stageSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DeploymentConfigError(`Invalid stage file ${source}: ${formatIssues(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
};

/** Loads and validates `<stagesDir>/<stage>.ts`. */
export const loadStageSettings = async (
  stage: string,
  stagesDir: string = STAGES_DIR,
): Promise<ParsedStageSettings> => {
  const known = listStages(stagesDir);
  if (!STAGE_NAME.test(stage) || !known.includes(stage)) {
    throw new DeploymentConfigError(
      `Unknown stage "${stage}": ${displayPath(stagesDir)} has ${known.join(', ') || 'no stage files'}`,
    );
  }
  const file = join(stagesDir, `${stage}.ts`);
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return parseStageSettings(module.default, displayPath(file));
};

/** The stacks' configuration from validated stage settings. */
export const toDeploymentConfig = (stage: string, settings: ParsedStageSettings): DeploymentConfig => {
  const { account, region, availabilityZones, azCount, alarms, logRetentionDays, egress, ...rest } = settings;
  return {
    stage,
    ...(account && region ? { env: { account, region } } : {}),
    ...(availabilityZones ? { availabilityZones } : {}),
    azCount: availabilityZones?.length ?? azCount ?? 2,
    egress:
      egress.mode === 'nat-gateway'
        ? { mode: 'nat-gateway' }
        : { mode: 'nat-instance', instanceType: egress.instanceType, amis: egress.amis },
    alarms,
    production: rest.production,
    pollIntervalSeconds: rest.pollIntervalSeconds,
    konnektiveApiUrl: rest.konnektiveApiUrl,
    hookUrlAllowlist: rest.hookUrlAllowlist,
    logLevel: rest.logLevel,
    traceCalls: rest.traceCalls,
    logRetention: logRetentionDays as RetentionDays,
    ...(rest.customDomain ? { customDomain: rest.customDomain } : {}),
  };
};

/**
 * What identifies a stage's egress addresses and how they are attached: where the stateful stack lives (a different
 * account or region means different addresses), how many there are, in which AZs, and NAT gateways or instances.
 */
export interface EgressFingerprint {
  readonly account?: string;
  readonly region?: string;
  /** Comma-separated AZ names (pinned stages). */
  readonly availabilityZones?: string;
  readonly azCount: number;
  readonly mode: DeploymentConfig['egress']['mode'];
}

export type EgressLock = Readonly<Record<string, EgressFingerprint>>;

export const egressFingerprint = (config: DeploymentConfig): EgressFingerprint => ({
  ...(config.env ? { account: config.env.account, region: config.env.region } : {}),
  ...(config.availabilityZones ? { availabilityZones: config.availabilityZones.join(',') } : {}),
  azCount: config.azCount,
  mode: config.egress.mode,
});

export const readEgressLock = (file: string = EGRESS_LOCK_FILE): EgressLock =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as EgressLock) : {};

const FINGERPRINT_KEYS = ['account', 'region', 'availabilityZones', 'azCount', 'mode'] as const;

/**
 * Refuses a configuration whose egress differs from what the lock records for its stage, unless `allowEgressChange`
 * names that stage. Returns the differences (empty when the lock matches).
 */
export const checkEgressLock = (
  config: DeploymentConfig,
  lock: EgressLock,
  allowEgressChange?: string,
): string[] => {
  const locked = lock[config.stage];
  const current = egressFingerprint(config);
  const differences = locked
    ? FINGERPRINT_KEYS.filter((key) => locked[key] !== current[key]).map(
        (key) => `${key}: ${locked[key] ?? '(none)'} → ${current[key] ?? '(none)'}`,
      )
    : [`no entry for stage ${config.stage}`];
  if (differences.length === 0 || allowEgressChange === config.stage) return differences;
  throw new DeploymentConfigError(
    `The egress of stage ${config.stage} differs from config/egress-lock.json (${differences.join('; ')}). ` +
      'A different account, region, AZ count or AZ set means egress addresses merchants have not whitelisted; a ' +
      'mode switch needs a service-stack replacement (docs/deployment.md, "Changing the egress"). If this is ' +
      `intended, record it: npm run egress-lock -- ${config.stage} (and commit), or deploy once with ` +
      `-c allowEgressChange=${config.stage}.`,
  );
};

/** Reads `-c stage=…` (required), loads that stage file and checks it against the egress lock. */
export const readDeploymentConfig = async (
  node: Node,
  options: { stagesDir?: string; egressLockFile?: string } = {},
): Promise<DeploymentConfig> => {
  const retired = RETIRED_CONTEXT_KEYS.filter((key) => node.tryGetContext(key) !== undefined);
  if (retired.length > 0) {
    throw new DeploymentConfigError(
      `${retired.join(', ')}: no longer a -c setting. Every setting lives in config/stages/<stage>.ts ` +
        '(remove it from the command line and from cdk.json).',
    );
  }
  const stage = node.tryGetContext('stage') as unknown;
  const known = listStages(options.stagesDir);
  if (typeof stage !== 'string' || stage.trim() === '') {
    throw new DeploymentConfigError(
      `stage is required: -c stage=<name>, one of ${known.join(', ') || '(no stage files)'}`,
    );
  }
  const settings = await loadStageSettings(stage, options.stagesDir);
  const config = toDeploymentConfig(stage, settings);
  const allowEgressChange = node.tryGetContext('allowEgressChange') as unknown;
  const differences = checkEgressLock(
    config,
    readEgressLock(options.egressLockFile),
    typeof allowEgressChange === 'string' ? allowEgressChange : undefined,
  );
  if (differences.length > 0) {
    console.warn(
      `Egress change of stage ${stage} allowed by -c allowEgressChange (${differences.join('; ')}); record it ` +
        `with npm run egress-lock -- ${stage} once deployed.`,
    );
  }
  return config;
};
