/**
 * Per-connection views without a metric per tenant: Contributor Insights rules over the functions' structured (JSON)
 * logs, keyed by the `connectionId` field, and a dashboard widget that graphs a rule's top contributors (aws-cdk-lib
 * has the rule as an L1 only, and no widget for it).
 */
import { Aws, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** One filter of a rule: the JSON path and the condition on it. */
export type InsightFilter =
  | { readonly Match: string; readonly In: readonly string[] }
  | { readonly Match: string; readonly IsPresent: boolean };

export interface ConnectionInsightRuleProps {
  /** The rule's name, unique in the account and region (the stack name is prefixed). */
  readonly name: string;
  readonly logGroups: readonly logs.ILogGroup[];
  /** Contributor keys (JSON paths), at most four; the first is the connection. */
  readonly keys: readonly string[];
  readonly filters: readonly InsightFilter[];
  /** Count matching lines, or add up a numeric field (`valueField`). */
  readonly aggregateOn: 'Count' | 'Sum';
  readonly valueField?: string;
}

/** A Contributor Insights rule over JSON log lines. */
export class ConnectionInsightRule extends Construct {
  public readonly rule: cloudwatch.CfnInsightRule;
  public readonly ruleName: string;

  constructor(scope: Construct, id: string, props: ConnectionInsightRuleProps) {
    super(scope, id);
    if (props.keys.length < 1 || props.keys.length > 4) throw new Error('a rule has one to four keys');
    const stack = Stack.of(this);
    this.ruleName = `${stack.stackName}-${props.name}`;
    this.rule = new cloudwatch.CfnInsightRule(this, 'Rule', {
      ruleName: this.ruleName,
      ruleState: 'ENABLED',
      ruleBody: stack.toJsonString({
        Schema: { Name: 'CloudWatchLogRule', Version: 1 },
        LogGroupNames: props.logGroups.map((group) => group.logGroupName),
        LogFormat: 'JSON',
        Contribution: {
          Keys: props.keys,
          ...(props.valueField ? { ValueOf: props.valueField } : {}),
          Filters: props.filters,
        },
        AggregateOn: props.aggregateOn,
      }),
    });
  }
}

export interface ContributorInsightsWidgetProps {
  readonly title: string;
  readonly ruleName: string;
  /** Rank contributors by their total, or by their largest single value. */
  readonly orderBy: 'Sum' | 'Maximum';
  /** @default 10 */
  readonly maxContributorCount?: number;
  /** @default 8 */
  readonly width?: number;
  /** @default 6 */
  readonly height?: number;
}

/** Graphs a Contributor Insights rule's top contributors over time. */
export class ContributorInsightsWidget extends cloudwatch.ConcreteWidget {
  constructor(private readonly props: ContributorInsightsWidgetProps) {
    super(props.width ?? 8, props.height ?? 6);
  }

  toJson(): unknown[] {
    return [
      {
        type: 'metric',
        width: this.width,
        height: this.height,
        x: this.x,
        y: this.y,
        properties: {
          title: this.props.title,
          view: 'timeSeries',
          region: Aws.REGION,
          insightRule: {
            ruleName: this.props.ruleName,
            orderBy: this.props.orderBy,
            maxContributorCount: this.props.maxContributorCount ?? 10,
          },
          legend: { position: 'right' },
          period: 60,
        },
      },
    ];
  }
}
