/**
 * Fixed egress for everything that calls Konnektive (design §8): a VPC whose only way out is one NAT gateway per AZ,
 * each attached to an Elastic IP allocated **outside** this construct (in the stateful stack), so the addresses a
 * Konnektive admin whitelists survive a redeploy or a destroy-and-deploy of the service stack. (An in-place update
 * that replaces a NAT gateway fails: CloudFormation creates the new one while the old one still holds the address.)
 */
import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** A public IPv4 address a NAT gateway leaves from (an Elastic IP kept by the stateful stack). */
export interface EgressAddress {
  /** The Elastic IP's allocation id (`eipalloc-…`), which the NAT gateway attaches. */
  readonly allocationId: string;
  /** The address itself: what the merchant whitelists on the Konnektive API user. */
  readonly publicIp: string;
}

/** How the private subnets reach the internet; either way each AZ leaves from its own retained Elastic IP. */
export type EgressMode =
  /** A managed NAT gateway per AZ. */
  | { readonly mode: 'nat-gateway' }
  /** A fck-nat instance per AZ (an Auto Scaling group of one), on the AMI committed for the region. */
  | {
      readonly mode: 'nat-instance';
      /** EC2 instance type, e.g. `t4g.nano`. */
      readonly instanceType: string;
      /** fck-nat AMI id by region. */
      readonly amis: Readonly<Record<string, string>>;
    };

export interface FixedEgressNetworkProps {
  /**
   * One address per availability zone, in AZ order: the VPC spans as many AZs as there are addresses, with one NAT
   * gateway each. Two survive an AZ outage; an environment-agnostic stack (the default: no account/region at synth
   * time) can address at most two.
   */
  readonly egressAddresses: readonly EgressAddress[];
  /** @default NAT gateways */
  readonly egress?: EgressMode;
  /** Retention of the VPC flow log (rejected traffic only). @default one month */
  readonly flowLogRetention?: logs.RetentionDays;
}

export class FixedEgressNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** One per AZ, in AZ order; each is the source address of its AZ's NAT gateway. */
  public readonly egressAddresses: readonly EgressAddress[];
  /** The egress addresses, comma-separated (a token until deployment). */
  public readonly egressIps: string;
  /** Where Konnektive-calling functions run: the private subnets, routed through their AZ's NAT gateway. */
  public readonly privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  /** Attached to every Konnektive-calling function: no inbound rules, outbound HTTPS only. */
  public readonly functionSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: FixedEgressNetworkProps) {
    super(scope, id);
    const azCount = props.egressAddresses.length;
    if (azCount < 1) {
      throw new Error('FixedEgressNetwork needs at least one egress address (one per availability zone)');
    }
    if (props.egress && props.egress.mode !== 'nat-gateway') {
      throw new Error(`egress mode ${props.egress.mode} is not supported yet`);
    }
    this.egressAddresses = [...props.egressAddresses];
    this.egressIps = Fn.join(
      ',',
      this.egressAddresses.map((address) => address.publicIp),
    );

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: azCount,
      natGateways: azCount,
      // Same-AZ routing: each private subnet leaves through its own AZ's gateway; gateway i gets address i.
      natGatewayProvider: ec2.NatProvider.gateway({
        eipAllocationIds: this.egressAddresses.map((address) => address.allocationId),
      }),
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // A free gateway endpoint keeps DynamoDB traffic off the NAT gateways (no $0.045/GB processing charge).
      gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
      restrictDefaultSecurityGroup: false,
    });
    // Fewer AZs than addresses (e.g. 3 addresses in an environment-agnostic stack) would leave a whitelisted
    // address unused and its NAT gateway missing: refuse rather than synthesize a half-built egress.
    if (this.vpc.availabilityZones.length !== azCount) {
      throw new Error(
        `FixedEgressNetwork got ${azCount} egress addresses but the VPC spans ${this.vpc.availabilityZones.length} availability zones`,
      );
    }

    // Rejected traffic only: enough to diagnose a blocked egress, cheap at any volume.
    this.vpc.addFlowLog('FlowLog', {
      trafficType: ec2.FlowLogTrafficType.REJECT,
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogGroup', {
          retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
        }),
      ),
    });

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Konnektive-calling Lambda functions: no inbound, HTTPS out (Konnektive and AWS APIs)',
      allowAllOutbound: false,
    });
    this.functionSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to Konnektive and AWS APIs via NAT',
    );
  }
}
