/**
 * Deployment configuration from CDK context (`cdk.json` "context", overridden with `-c key=value`). The only place
 * that reads context: the stacks get plain props.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { DEFAULT_HOOK_URL_ALLOWLIST, DEFAULT_KONNEKTIVE_API_URL } from '../functions/shared/config.js';
import type { DeploymentConfig } from '../lib/app.js';

/** A context value that is missing, empty or malformed. */
export class DeploymentConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeploymentConfigError';
  }
}

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === 'number'),
);

/** `-c` values arrive as strings, cdk.json values as JSON; blank means "not set". */
const blankToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value);

const csvOrList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part.length > 0)
      : value,
  z.array(z.url({ protocol: /^https$/ }).describe('an https:// URL prefix')).min(1),
);

const contextSchema = z.object({
  stage: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,15}$/,
      'lowercase letters, digits and dashes, starting with a letter, ≤ 16 chars',
    )
    .default('dev'),
  // An environment-agnostic stack (no account/region at synth time, as in offline CI synth) can address two AZs.
  azCount: z.coerce.number().int().min(1).max(2).default(2),
  pollRateMinutes: z.coerce.number().int().min(1).max(60).default(1),
  konnektiveApiUrl: z.url({ protocol: /^https$/ }).default(DEFAULT_KONNEKTIVE_API_URL),
  hookUrlAllowlist: z
    .preprocess(blankToUndefined, csvOrList.optional())
    .default([...DEFAULT_HOOK_URL_ALLOWLIST]),
  alarmEmail: z.preprocess(blankToUndefined, z.email().optional()),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine(
      (days) => RETENTION_DAYS.has(days),
      'one of the CloudWatch Logs retention values (1, 3, 5, 7, 14, 30, …)',
    )
    .default(30),
});

/** Context keys this app reads. */
export const CONTEXT_KEYS = Object.keys(contextSchema.shape) as (keyof typeof contextSchema.shape)[];

/** Reads and validates the deployment configuration from `node`'s context; names every bad key. */
export const readDeploymentConfig = (node: Node): DeploymentConfig => {
  const raw = Object.fromEntries(CONTEXT_KEYS.map((key) => [key, blankToUndefined(node.tryGetContext(key))]));
  const parsed = contextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(context)'}: ${issue.message}`,
    );
    throw new DeploymentConfigError(`Invalid CDK context: ${problems.join('; ')}`, { cause: parsed.error });
  }
  const { logRetentionDays, alarmEmail, ...config } = parsed.data;
  return {
    ...config,
    logRetention: logRetentionDays as RetentionDays,
    ...(alarmEmail ? { alarmEmail } : {}),
  };
};
