import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedApp, synthesize } from './support.js';

/** Every acknowledgment (suppression) recorded anywhere under `root`: rule id, reason and where. */
const acknowledgmentsUnder = (root: IConstruct) =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id,
          reason,
          path: construct.node.path,
        })),
      ),
  );

describe('cdk-nag AwsSolutions', () => {
  let synthesized: SynthesizedApp;

  beforeAll(() => {
    // Nag reads the construct tree, not the code assets: no bundling needed.
    synthesized = synthesize({}, { bundle: false });
  });

  it('reports no unacknowledged error or warning on either stack', () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.app);
    const findings = report.violations.map(
      (violation) =>
        `${violation.ruleName} (${violation.severity}): ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('reports no unacknowledged finding in NAT-instance mode either', () => {
    const instances = synthesize(
      {
        egress: {
          mode: 'nat-instance',
          instanceType: 't4g.nano',
          amis: { 'us-east-1': 'ami-0123456789abcdef0' },
        },
      },
      { bundle: false },
    );
    const report = new AwsSolutionsChecks().validateScope(instances.app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    const natRole = instances.service.network.natInstances?.role;
    expect(
      acknowledgmentsUnder(instances.service.network)
        .filter(({ id }) => id.includes('AwsSolutions'))
        .map(({ id, path }) => [id.replace(/^annotation::/i, ''), path]),
    ).toEqual([['AwsSolutions-IAM5[Resource::*]', natRole?.node.path]]);
  });

  it('gives every acknowledgment a reason, and acknowledges only specific, expected rules', () => {
    const acknowledgments = acknowledgmentsUnder(synthesized.app);
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const { id, reason, path } of acknowledgments) {
      expect(reason.trim().length, `${id} at ${path}`).toBeGreaterThan(40);
    }
    // aws-cdk-lib acknowledges a few of its own CloudFormation-Validate findings; ours are the AwsSolutions ones.
    const ours = acknowledgments.filter(({ id }) =>
      id.replace(/^annotation::/i, '').startsWith('AwsSolutions-'),
    );
    const rules = new Set(ours.map(({ id }) => id.replace(/^annotation::/i, '').replace(/\[.*$/, '')));
    expect([...rules].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-SQS3',
    ]);
    // IAM5 only for the specific findings, never a blanket acknowledgment of the rule.
    const iam5 = ours.filter(({ id }) => id.includes('AwsSolutions-IAM5'));
    expect(iam5.every(({ id }) => /AwsSolutions-IAM5\[.+\]$/.test(id))).toBe(true);
  });

  it('acknowledges nothing in the stateful stack but "no DLQ of its own" on the two DLQs whose source is elsewhere', () => {
    const { pollDeadLetterQueue, scheduleDeadLetterQueue } = synthesized.stateful.pollDeadLetters;
    expect(
      acknowledgmentsUnder(synthesized.stateful)
        .filter(({ id }) => id.includes('AwsSolutions'))
        .map(({ id, path }) => [id.replace(/^annotation::/i, ''), path])
        .sort(),
    ).toEqual([
      ['AwsSolutions-SQS3', pollDeadLetterQueue.node.path],
      ['AwsSolutions-SQS3', scheduleDeadLetterQueue.node.path],
    ]);
  });

  it('does flag a non-compliant resource (the check is live, not vacuous)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Bad');
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    const rules = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.map((violation) => violation.ruleName);
    expect(rules).toEqual(
      expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']),
    );
  });
});
