/**
 * The shape of a stage file (`config/stages/<stage>.ts`): everything that differs between deployments, committed, so
 * a deploy cannot drift from what was reviewed. `bin/config.ts` loads the file `-c stage=<name>` names and validates
 * it with {@link stageSettingsSchema}; the stacks get plain props.
 */
import { z } from 'zod';
import { DEFAULT_HOOK_URL_ALLOWLIST, DEFAULT_KONNEKTIVE_API_URL } from '../functions/platform/config.js';

/** CloudWatch Logs retention values (days). */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Stage names: part of the stack names. */
export const STAGE_NAME = /^[a-z][a-z0-9-]{0,15}$/;

const accountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');
const regionName = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region name such as us-east-1');
const azName = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'an availability zone name such as us-east-1a');
const amiId = z.string().regex(/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, 'an AMI id (ami-…)');
const httpsUrl = z.url({ protocol: /^https$/ });

/** Who hears about an alarm on one route: e-mail addresses and HTTPS endpoints (PagerDuty, Opsgenie, …). */
const subscribersSchema = z.strictObject({
  emails: z.array(z.email()).default([]),
  httpsEndpoints: z.array(httpsUrl).default([]),
});

const egressSchema = z.discriminatedUnion('mode', [
  /** One managed NAT gateway per AZ: ≈ $32.85/month each plus $0.045/GB. */
  z.strictObject({ mode: z.literal('nat-gateway') }),
  /** One fck-nat instance per AZ (an Auto Scaling group of one): ≈ $3/month each for t4g.nano, no per-GB charge. */
  z.strictObject({
    mode: z.literal('nat-instance'),
    /** EC2 instance type; Graviton (`t4g.*`, …) for the arm64 fck-nat AMIs. */
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type such as t4g.nano')
      .default('t4g.nano'),
    /**
     * The fck-nat AMI per region (committed: synth looks nothing up). Find the newest with
     * `aws ec2 describe-images --region <region> --owners 568608671756 --filters 'Name=name,Values=fck-nat-al2023-*-arm64-ebs' --query 'sort_by(Images,&CreationDate)[-1].ImageId'`.
     */
    amis: z.record(regionName, amiId).refine((amis) => Object.keys(amis).length > 0, 'at least one region'),
  }),
]);

const customDomainSchema = z.strictObject({
  /** The API's host name, e.g. `zapier-api.example.com`. */
  domainName: z.string().regex(/^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/, 'a lowercase DNS name'),
  /** An ACM certificate for that name, in the stage's region (API Gateway regional endpoint). */
  certificateArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'an ACM certificate ARN'),
  /** A Route 53 public hosted zone that holds `domainName`: an alias record is created in it. Omit to manage DNS yourself. */
  hostedZone: z
    .strictObject({
      id: z.string().regex(/^Z[A-Z0-9]+$/, 'a hosted zone id (Z…)'),
      name: z.string().min(1),
    })
    .optional(),
});

export const stageSettingsSchema = z
  .strictObject({
    /** AWS account the stage deploys to. With `region`: the stacks are pinned to it (deploying elsewhere fails). */
    account: accountId.optional(),
    region: regionName.optional(),
    /** Production: must be pinned to an account and region, must page someone, both stacks termination-protected. */
    production: z.boolean().default(false),
    /**
     * The egress availability zones, by name (one Elastic IP and one NAT each, in this order). Required for a pinned
     * stage (no AZ lookup at synth time); not allowed for an environment-agnostic one, which uses `azCount`.
     */
    availabilityZones: z.array(azName).min(1).max(3).optional(),
    /** Environment-agnostic stages only: how many AZs (the region's first 1 or 2). */
    azCount: z.union([z.literal(1), z.literal(2)]).optional(),
    egress: egressSchema,
    /** `page` wakes someone up; `ticket` can wait for working hours. */
    alarms: z.strictObject({ page: subscribersSchema, ticket: subscribersSchema }),
    /** Seconds between polls of one (connection, stream); divides 60. */
    pollIntervalSeconds: z
      .number()
      .int()
      .min(1)
      .max(60)
      .refine((seconds) => 60 % seconds === 0, 'a divisor of 60 (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60)')
      .default(10),
    konnektiveApiUrl: httpsUrl.default(DEFAULT_KONNEKTIVE_API_URL),
    /** URL prefixes a hook targetUrl must start with. */
    hookUrlAllowlist: z
      .array(httpsUrl)
      .min(1)
      .default([...DEFAULT_HOOK_URL_ALLOWLIST]),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT']).default('INFO'),
    /**
     * X-Ray subsegments for every call a function makes (Konnektive, hook URLs, AWS), through the Powertools tracer.
     * Off: the tracer and the X-Ray SDK are not even bundled, and Lambda still records each invocation's own
     * segments (active tracing). On: about 10–16 ms more module init per function and async-hook work on every
     * await (docs/architecture.md, "Cold start").
     */
    traceCalls: z.boolean().default(false),
    logRetentionDays: z
      .number()
      .int()
      .refine(
        (days) => (RETENTION_DAYS as readonly number[]).includes(days),
        'one of the CloudWatch Logs retention values (1, 3, 5, 7, 14, 30, 60, 90, …)',
      )
      .default(30),
    customDomain: customDomainSchema.optional(),
  })
  .superRefine((settings, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });
    const pinned = settings.account !== undefined || settings.region !== undefined;
    if (pinned && settings.account === undefined) issue(['account'], 'required together with region');
    if (pinned && settings.region === undefined) issue(['region'], 'required together with account');
    if (settings.production && !pinned) {
      issue(['account'], 'a production stage must be pinned to an account and region');
    }
    if (settings.production && countSubscribers(settings.alarms.page) === 0) {
      issue(
        ['alarms', 'page'],
        'a production stage must page someone (an e-mail address or an HTTPS endpoint)',
      );
    }
    const region = settings.region;
    if (pinned) {
      if (!settings.availabilityZones) {
        issue(['availabilityZones'], 'required for a stage pinned to a region (synth looks nothing up)');
      }
      if (settings.azCount !== undefined) {
        issue(['azCount'], 'only for environment-agnostic stages: list availabilityZones instead');
      }
    } else {
      if (settings.availabilityZones) {
        issue(['availabilityZones'], 'only for a stage pinned to an account and region: use azCount');
      }
      if (settings.azCount === undefined)
        issue(['azCount'], 'required for an environment-agnostic stage (1 or 2)');
    }
    settings.availabilityZones?.forEach((az, index) => {
      if (region && !new RegExp(`^${region}[a-z]$`).test(az)) {
        issue(['availabilityZones', index], `not an availability zone of ${region}`);
      }
      if (settings.availabilityZones?.indexOf(az) !== index)
        issue(['availabilityZones', index], 'listed twice');
    });
    if (settings.egress.mode === 'nat-instance' && region && !settings.egress.amis[region]) {
      issue(['egress', 'amis', region], `the fck-nat AMI of ${region} is required`);
    }
    const certificateRegion = settings.customDomain?.certificateArn.split(':')[3];
    if (region && certificateRegion && certificateRegion !== region) {
      issue(
        ['customDomain', 'certificateArn'],
        `must be a certificate in ${region}, not ${certificateRegion}`,
      );
    }
  });

const countSubscribers = (subscribers: { emails: string[]; httpsEndpoints: string[] }) =>
  subscribers.emails.length + subscribers.httpsEndpoints.length;

/** What a stage file exports (defaults may be left out). */
export type StageSettings = z.input<typeof stageSettingsSchema>;
/** A validated stage file, defaults applied. */
export type ParsedStageSettings = z.output<typeof stageSettingsSchema>;
