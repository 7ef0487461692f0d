/**
 * Fixed egress for everything that calls Konnektive (design §8): a VPC whose only way out is one NAT gateway per AZ,
 * each with an Elastic IP we allocate ourselves, so the addresses a Konnektive admin whitelists are known, few and
 * stable for the life of the stack.
 */
import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface FixedEgressNetworkProps {
  /**
   * Availability zones, one NAT gateway and one Elastic IP each. Two survive an AZ outage; an environment-agnostic
   * stack (the default: no account/region at synth time) can address at most two.
   */
  readonly azCount: number;
  /** Retention of the VPC flow log (rejected traffic only). @default one month */
  readonly flowLogRetention?: logs.RetentionDays;
}

export class FixedEgressNetwork extends Construct {
  public readonly vpc: ec2.Vpc;
  /** One per AZ, in AZ order; each is the source address of its NAT gateway. */
  public readonly elasticIps: readonly ec2.CfnEIP[];
  /** The Elastic IPs' public addresses, comma-separated (a token until deployment). */
  public readonly egressIps: string;
  /** Where Konnektive-calling functions run: the private subnets, routed through their AZ's NAT gateway. */
  public readonly privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  /** Attached to every Konnektive-calling function: no inbound rules, outbound HTTPS only. */
  public readonly functionSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: FixedEgressNetworkProps) {
    super(scope, id);
    if (!Number.isInteger(props.azCount) || props.azCount < 1) {
      throw new Error(`azCount must be a positive integer, got ${props.azCount}`);
    }

    this.elasticIps = Array.from(
      { length: props.azCount },
      (_, index) => new ec2.CfnEIP(this, `ElasticIp${index + 1}`, { domain: 'vpc' }),
    );
    this.egressIps = Fn.join(
      ',',
      this.elasticIps.map((eip) => eip.attrPublicIp),
    );

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: props.azCount,
      natGateways: props.azCount,
      // Same-AZ routing: each private subnet leaves through its own AZ's gateway and Elastic IP.
      natGatewayProvider: ec2.NatProvider.gateway({
        eipAllocationIds: this.elasticIps.map((eip) => eip.attrAllocationId),
      }),
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      // A free gateway endpoint keeps DynamoDB traffic off the NAT gateways (no $0.045/GB processing charge).
      gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
      restrictDefaultSecurityGroup: false,
    });

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
