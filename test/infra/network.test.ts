import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FixedEgressNetwork } from '../../lib/constructs/fixed-egress-network.js';
import {
  EXPECTED_HANDLERS,
  environmentOf,
  KONNEKTIVE_CALLERS,
  logicalIdOf,
  referencedId,
  resourceOf,
  type SynthesizedApp,
  synthesize,
} from './support.js';

/** Logical IDs of the private (NAT-routed) and public subnets. */
const subnetIds = (network: FixedEgressNetwork) => ({
  private: network.vpc.privateSubnets.map((subnet) => logicalIdOf(subnet)),
  public: network.vpc.publicSubnets.map((subnet) => logicalIdOf(subnet)),
});

describe('fixed egress', () => {
  let synthesized: SynthesizedApp;

  beforeAll(() => {
    synthesized = synthesize();
  });

  it('has one NAT gateway per AZ, each in its own public subnet with its own Elastic IP', () => {
    const { serviceTemplate: template, service } = synthesized;
    const gateways = Object.values(template.findResources('AWS::EC2::NatGateway'));
    expect(gateways).toHaveLength(2);
    const eipIds = service.network.elasticIps.map((eip) => logicalIdOf(eip));
    expect(eipIds).toHaveLength(2);
    expect(gateways.map((gateway) => referencedId(gateway.Properties.AllocationId)).sort()).toEqual(
      [...eipIds].sort(),
    );
    expect(gateways.map((gateway) => referencedId(gateway.Properties.SubnetId)).sort()).toEqual(
      subnetIds(service.network).public.sort(),
    );
    for (const id of eipIds) expect(resourceOf(template, id).Properties).toMatchObject({ Domain: 'vpc' });
  });

  it('routes each private subnet through the NAT gateway of its own AZ', () => {
    const { serviceTemplate: template, service } = synthesized;
    const routes = Object.values(template.findResources('AWS::EC2::Route')).filter(
      (route) => route.Properties.NatGatewayId !== undefined,
    );
    const privateSubnets = service.network.vpc.privateSubnets;
    expect(routes).toHaveLength(privateSubnets.length);
    const gatewayOf = new Map(
      Object.entries(template.findResources('AWS::EC2::NatGateway')).map(([id, gateway]) => [
        id,
        referencedId(gateway.Properties.SubnetId),
      ]),
    );
    const publicSubnetByAz = new Map(
      service.network.vpc.publicSubnets.map((subnet) => [subnet.availabilityZone, logicalIdOf(subnet)]),
    );
    for (const subnet of privateSubnets) {
      const routeTable = service.resolve(subnet.routeTable.routeTableId);
      const route = routes.find(
        (candidate) => JSON.stringify(candidate.Properties.RouteTableId) === JSON.stringify(routeTable),
      );
      expect(route, `default route of ${subnet.node.path}`).toBeDefined();
      const gatewayId = referencedId(route?.Properties.NatGatewayId);
      expect(gatewayOf.get(gatewayId ?? '')).toBe(publicSubnetByAz.get(subnet.availabilityZone));
    }
  });

  it('outputs the Elastic IPs, comma-separated, as EgressIps', () => {
    const { serviceTemplate: template, service } = synthesized;
    const eipIds = service.network.elasticIps.map((eip) => logicalIdOf(eip));
    template.hasOutput('EgressIps', {
      Value: { 'Fn::Join': [',', eipIds.map((id) => ({ 'Fn::GetAtt': [id, 'PublicIp'] }))] },
    });
  });

  it.each(KONNEKTIVE_CALLERS)('runs %s in the private subnets with the egress security group', (name) => {
    const { serviceTemplate: template, service } = synthesized;
    const fn = resourceOf(template, logicalIdOf(service.functions[name].function));
    const vpcConfig = fn.Properties?.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
    expect(vpcConfig.SubnetIds.map(referencedId).sort()).toEqual(subnetIds(service.network).private.sort());
    expect(vpcConfig.SecurityGroupIds.map(referencedId)).toEqual([
      logicalIdOf(service.network.functionSecurityGroup),
    ]);
  });

  it.each(KONNEKTIVE_CALLERS)('tells %s the egress IPs, so a whitelist error can list them', (name) => {
    const { serviceTemplate: template, service } = synthesized;
    const variables = environmentOf(template, logicalIdOf(service.functions[name].function));
    expect(variables.EGRESS_IPS).toEqual({
      'Fn::Join': [
        ',',
        service.network.elasticIps.map((eip) => ({ 'Fn::GetAtt': [logicalIdOf(eip), 'PublicIp'] })),
      ],
    });
  });

  it.each(EXPECTED_HANDLERS.filter((name) => !KONNEKTIVE_CALLERS.includes(name)))(
    'keeps %s out of the VPC (it needs no fixed IP)',
    (name) => {
      const { serviceTemplate: template, service } = synthesized;
      const fn = resourceOf(template, logicalIdOf(service.functions[name].function));
      expect(fn.Properties?.VpcConfig).toBeUndefined();
      expect(fn.Properties?.Environment).not.toHaveProperty('Variables.EGRESS_IPS');
    },
  );

  it('lets the egress security group out on HTTPS only, and nothing in', () => {
    const { serviceTemplate: template, service } = synthesized;
    const group = resourceOf(template, logicalIdOf(service.network.functionSecurityGroup));
    expect(group.Properties?.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    expect(group.Properties?.SecurityGroupIngress).toBeUndefined();
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  it('logs rejected VPC traffic and keeps DynamoDB traffic off the NAT gateways', () => {
    const { serviceTemplate: template, service } = synthesized;
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceId: { Ref: logicalIdOf(service.network.vpc) },
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
    });
  });
});

describe('FixedEgressNetwork sizing', () => {
  it('has one NAT gateway and one Elastic IP when azCount is 1', () => {
    const stack = new Stack(new App(), 'Single');
    const network = new FixedEgressNetwork(stack, 'Network', { azCount: 1 });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::EIP', 1);
    expect(network.vpc.privateSubnets).toHaveLength(1);
  });

  it('rejects an AZ count that is not a positive integer', () => {
    expect(() => new FixedEgressNetwork(new Stack(new App(), 'Zero'), 'Network', { azCount: 0 })).toThrow(
      /azCount must be a positive integer/,
    );
  });
});
