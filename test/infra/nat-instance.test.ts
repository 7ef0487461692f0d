import { beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentConfig } from '../../lib/app.js';
import { followImport, logicalIdOf, referencedId, type SynthesizedApp, synthesize } from './support.js';

const AMIS = { 'us-east-1': 'ami-0123456789abcdef0', 'eu-west-1': 'ami-0fedcba9876543210' };
const NAT_INSTANCE: DeploymentConfig['egress'] = {
  mode: 'nat-instance',
  instanceType: 't4g.nano',
  amis: AMIS,
};

/** The user-data script of a launch template, with imported values replaced by what the stateful stack exports. */
const userDataOf = (synthesized: SynthesizedApp, template: Record<string, unknown>): unknown[] => {
  const data = (template.Properties as { LaunchTemplateData: { UserData: { 'Fn::Base64': unknown } } })
    .LaunchTemplateData.UserData['Fn::Base64'] as { 'Fn::Join': [string, unknown[]] };
  return data['Fn::Join'][1].map((part) => followImport(part, synthesized.statefulTemplate));
};

describe('NAT-instance egress', () => {
  let synthesized: SynthesizedApp;

  beforeAll(() => {
    synthesized = synthesize({ egress: NAT_INSTANCE }, { bundle: false });
  });

  const publicSubnets = () => synthesized.service.network.vpc.publicSubnets;
  const launchTemplateOf = (index: number) => {
    const subnet = publicSubnets()[index];
    const template = subnet?.node.findChild('FckNatLaunchTemplate');
    if (!template) throw new Error(`no launch template in public subnet ${index + 1}`);
    return synthesized.serviceTemplate.toJSON().Resources[logicalIdOf(template)] as Record<string, unknown>;
  };

  it('runs no NAT gateway but one instance per AZ, each in an Auto Scaling group of exactly one', () => {
    const { serviceTemplate: template } = synthesized;
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
    for (const subnet of publicSubnets()) {
      template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
        MinSize: '1',
        MaxSize: '1',
        VPCZoneIdentifier: [{ Ref: logicalIdOf(subnet) }],
        LaunchTemplate: {
          LaunchTemplateId: { Ref: logicalIdOf(subnet.node.findChild('FckNatLaunchTemplate')) },
        },
      });
    }
  });

  it('launches the committed fck-nat AMI of the region (a region map: no lookup) as t4g.nano, IMDSv2 only, encrypted root', () => {
    const { serviceTemplate: template } = synthesized;
    const mappings = template.toJSON().Mappings as Record<string, Record<string, { ami: string }>>;
    for (const index of [0, 1]) {
      const data = (launchTemplateOf(index).Properties as { LaunchTemplateData: Record<string, unknown> })
        .LaunchTemplateData;
      expect(data).toMatchObject({
        InstanceType: 't4g.nano',
        MetadataOptions: { HttpTokens: 'required' },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }],
      });
      const [mapName, region] = (data.ImageId as { 'Fn::FindInMap': [string, unknown, string] })[
        'Fn::FindInMap'
      ];
      expect(region).toEqual({ Ref: 'AWS::Region' });
      expect(
        Object.fromEntries(Object.entries(mappings[mapName] ?? {}).map(([key, value]) => [key, value.ami])),
      ).toEqual(AMIS);
    }
    expect(synthesized.app.synth().manifest.missing ?? []).toEqual([]);
  });

  it("gives the instance of AZ i the stateful stack's Elastic IP i (associated by the instance at boot)", () => {
    publicSubnets().forEach((_subnet, index) => {
      const script = userDataOf(synthesized, launchTemplateOf(index));
      const eip = synthesized.stateful.elasticIps[index];
      const position = script.findIndex((part) => typeof part === 'string' && part.endsWith('eip_id='));
      expect(position, `eip_id line of AZ ${index + 1}`).toBeGreaterThanOrEqual(0);
      expect(script[position + 1]).toEqual({
        'Fn::GetAtt': [logicalIdOf(eip as NonNullable<typeof eip>), 'AllocationId'],
      });
    });
  });

  it("routes each private subnet through the network interface of its own AZ's instance", () => {
    const { serviceTemplate: template, service } = synthesized;
    const interfaceSubnet = new Map(
      Object.entries(template.findResources('AWS::EC2::NetworkInterface')).map(([id, eni]) => [
        id,
        referencedId(eni.Properties.SubnetId),
      ]),
    );
    const publicSubnetByAz = new Map(
      publicSubnets().map((subnet) => [subnet.availabilityZone, logicalIdOf(subnet)]),
    );
    const routes = Object.values(template.findResources('AWS::EC2::Route')).filter(
      (route) => route.Properties.NetworkInterfaceId !== undefined,
    );
    expect(routes).toHaveLength(service.network.vpc.privateSubnets.length);
    for (const subnet of service.network.vpc.privateSubnets) {
      const routeTable = JSON.stringify(service.resolve(subnet.routeTable.routeTableId));
      const route = routes.find(
        (candidate) => JSON.stringify(candidate.Properties.RouteTableId) === routeTable,
      );
      expect(route?.Properties.DestinationCidrBlock).toBe('0.0.0.0/0');
      const eni = referencedId(route?.Properties.NetworkInterfaceId) ?? '';
      expect(interfaceSubnet.get(eni)).toBe(publicSubnetByAz.get(subnet.availabilityZone));
    }
    template.hasResourceProperties('AWS::EC2::NetworkInterface', { SourceDestCheck: false });
  });

  it('lets only HTTPS from the VPC into the instances', () => {
    const group = synthesized.service.network.natInstances?.securityGroup;
    if (!group) throw new Error('no NAT instance security group');
    const resource = synthesized.serviceTemplate.toJSON().Resources[logicalIdOf(group)];
    expect(resource.Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
  });

  it('tells the ticket topic when an instance is launched or terminated', () => {
    const ticket = { Ref: logicalIdOf(synthesized.stateful.alarmTopics.ticket) };
    for (const group of Object.values(
      synthesized.serviceTemplate.findResources('AWS::AutoScaling::AutoScalingGroup'),
    )) {
      const [notification] = group.Properties.NotificationConfigurations;
      expect(followImport(notification.TopicARN, synthesized.statefulTemplate)).toEqual(ticket);
      expect([...notification.NotificationTypes].sort()).toEqual([
        'autoscaling:EC2_INSTANCE_LAUNCH',
        'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
        'autoscaling:EC2_INSTANCE_TERMINATE',
        'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
      ]);
    }
  });

  it("leaves the stateful stack's resources (the Elastic IPs among them) exactly as in NAT-gateway mode", () => {
    const gateways = synthesize({}, { bundle: false });
    // Only the exports differ: this mode also imports the ticket topic.
    expect(synthesized.statefulTemplate.toJSON().Resources).toEqual(
      gateways.statefulTemplate.toJSON().Resources,
    );
    gateways.serviceTemplate.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
    gateways.serviceTemplate.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
  });

  it('uses the AMI of the pinned region directly, without a lookup', () => {
    const pinned = synthesize(
      {
        env: { account: '123456789012', region: 'eu-west-1' },
        availabilityZones: ['eu-west-1a'],
        azCount: 1,
        egress: NAT_INSTANCE,
      },
      { bundle: false },
    );
    pinned.serviceTemplate.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { ImageId: 'ami-0fedcba9876543210', InstanceType: 't4g.nano' },
    });
    expect(pinned.app.synth().manifest.missing ?? []).toEqual([]);
  });
});
