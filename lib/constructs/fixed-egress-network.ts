/**
 * Fixed egress for everything that calls Konnektive (docs/deployment.md): a VPC whose only way out is one NAT per AZ, each
 * leaving from an Elastic IP allocated **outside** this construct (in the stateful stack), so the addresses a
 * Konnektive admin whitelists survive a redeploy or a destroy-and-deploy of the service stack. (An in-place update
 * that replaces a NAT gateway fails: CloudFormation creates the new one while the old one still holds the address.)
 *
 * The NAT is either a managed NAT gateway or a fck-nat instance (`cdk-fck-nat`: an Auto Scaling group of one per AZ,
 * whose instance associates its AZ's Elastic IP with itself at boot and routes the private subnet through a
 * fixed network interface). Same addresses either way; the instance costs a tenth but is not highly available.
 */
import { Fn, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { FckNatInstanceProvider } from 'cdk-fck-nat';
import { Construct } from 'constructs';

const VPC_CIDR = '10.0.0.0/16';
/** Root device of the fck-nat Amazon Linux 2023 AMIs. */
const FCK_NAT_ROOT_DEVICE = '/dev/xvda';

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
  /**
   * NAT-instance mode: receives each Auto Scaling group's launch and terminate events (a replaced instance means a
   * few minutes without egress in its AZ). @default no notifications
   */
  readonly natInstanceNotifications?: sns.ITopic;
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
  /** NAT-instance mode: the fck-nat provider (its `autoScalingGroups`, `securityGroup` and `role`). */
  public readonly natInstances?: FckNatInstanceProvider;

  constructor(scope: Construct, id: string, props: FixedEgressNetworkProps) {
    super(scope, id);
    const azCount = props.egressAddresses.length;
    if (azCount < 1) {
      throw new Error('FixedEgressNetwork needs at least one egress address (one per availability zone)');
    }
    this.egressAddresses = [...props.egressAddresses];
    this.egressIps = Fn.join(
      ',',
      this.egressAddresses.map((address) => address.publicIp),
    );

    const allocationIds = this.egressAddresses.map((address) => address.allocationId);
    const egress = props.egress ?? { mode: 'nat-gateway' };
    if (egress.mode === 'nat-instance') {
      this.natInstances = new FckNatInstanceProvider({
        instanceType: new ec2.InstanceType(egress.instanceType),
        // The committed AMI per region: no AMI lookup at synth time (a region map in an environment-agnostic stack).
        machineImage: ec2.MachineImage.genericLinux({ ...egress.amis }),
        // fck-nat hands the pool out from the end: reversed, the instance of AZ i gets address i.
        eipPool: [...allocationIds].reverse(),
        // Cattle: a broken instance is replaced (terminate it), not logged into.
        enableSsm: false,
      });
    }

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      maxAzs: azCount,
      natGateways: azCount,
      // Same-AZ routing: each private subnet leaves through its own AZ's NAT; NAT i uses address i.
      natGatewayProvider: this.natInstances ?? ec2.NatProvider.gateway({ eipAllocationIds: allocationIds }),
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

    if (this.natInstances) this.configureNatInstances(this.natInstances, props.natInstanceNotifications);

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

  /**
   * Lets the private subnets in (HTTPS, the only thing the functions send), hardens the launch templates (IMDSv2, an
   * encrypted root volume), records why the role is broad and sends the groups' launch/terminate events to
   * `notifications`.
   */
  private configureNatInstances(natInstances: FckNatInstanceProvider, notifications?: sns.ITopic): void {
    // Outbound stays open: the group forwards the functions' traffic (HTTPS only, by their own group) and the
    // instance calls the EC2 API at boot.
    natInstances.securityGroup.addIngressRule(
      ec2.Peer.ipv4(VPC_CIDR),
      ec2.Port.tcp(443),
      'HTTPS from the private subnets, forwarded to Konnektive and AWS APIs',
    );
    Validations.of(natInstances.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "fck-nat: at boot the instance attaches its AZ's fixed network interface and associates its AZ's Elastic IP " +
        'with its own primary interface; the instance and interface ids are only known after launch',
    });
    for (const subnet of this.vpc.publicSubnets) {
      const template = subnet.node.tryFindChild('FckNatLaunchTemplate')?.node.defaultChild;
      if (!(template instanceof ec2.CfnLaunchTemplate)) {
        throw new Error(`no fck-nat launch template in ${subnet.node.path}`);
      }
      const data = template.launchTemplateData as ec2.CfnLaunchTemplate.LaunchTemplateDataProperty;
      template.launchTemplateData = {
        ...data,
        // fck-nat's boot script reads instance metadata with session tokens.
        metadataOptions: { ...data.metadataOptions, httpTokens: 'required', httpEndpoint: 'enabled' },
        // Size and snapshot from the AMI (2 GiB); encrypted with the account's default EBS key.
        blockDeviceMappings: [
          {
            deviceName: FCK_NAT_ROOT_DEVICE,
            ebs: { encrypted: true, volumeType: 'gp3', deleteOnTermination: true },
          },
        ],
      };
    }
    if (notifications) {
      for (const group of natInstances.autoScalingGroups) {
        (group.node.defaultChild as autoscaling.CfnAutoScalingGroup).notificationConfigurations = [
          {
            topicArn: notifications.topicArn,
            notificationTypes: [
              autoscaling.ScalingEvent.INSTANCE_LAUNCH,
              autoscaling.ScalingEvent.INSTANCE_LAUNCH_ERROR,
              autoscaling.ScalingEvent.INSTANCE_TERMINATE,
              autoscaling.ScalingEvent.INSTANCE_TERMINATE_ERROR,
            ],
          },
        ];
      }
    }
  }
}
