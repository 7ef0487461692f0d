import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EgressAddress, FixedEgressNetwork } from '../../lib/constructs/fixed-egress-network.js';
import {
  EXPECTED_HANDLERS,
  environmentOf,
  followImport,
  KONNEKTIVE_CALLERS,
  logicalIdOf,
  referencedId,
  resourceOf,
  type SynthesizedApp,
  synthesize,
} from './support.js';

/** `{ Fn::GetAtt: [id, attribute] }` for each of the stateful stack's Elastic IPs, in AZ order. */
const elasticIpAttributes = (synthesized: SynthesizedApp, attribute: 'AllocationId' | 'PublicIp') =>
  synthesized.stateful.elasticIps.map((eip) => ({ 'Fn::GetAtt': [logicalIdOf(eip), attribute] }));

/** A `Fn::Join` of the service template with each imported part replaced by what the stateful stack exports. */
const followJoin = (value: unknown, synthesized: SynthesizedApp) => {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return { 'Fn::Join': [join[0], join[1].map((part) => followImport(part, synthesized.statefulTemplate))] };
};

/** Obviously fake addresses (TEST-NET-3) for a network built without the stateful stack. */
const fakeAddresses = (count: number): EgressAddress[] =>
  Array.from({ length: count }, (_, index) => ({
    allocationId: `eipalloc-fake${index + 1}`,
    publicIp: `203.0.113.${index + 1}`,
  }));

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

  it('allocates no Elastic IP in the service stack (they live in the stateful stack)', () => {
    synthesized.serviceTemplate.resourceCountIs('AWS::EC2::EIP', 0);
    synthesized.statefulTemplate.resourceCountIs('AWS::EC2::EIP', 2);
  });

  it('has one NAT gateway per AZ, each in its own public subnet with its own stateful-stack Elastic IP', () => {
    const { serviceTemplate: template, service } = synthesized;
    const gateways = Object.values(template.findResources('AWS::EC2::NatGateway'));
    expect(gateways).toHaveLength(2);
    // Gateway i (in public subnet i, AZ order) attaches Elastic IP i, imported from the stateful stack.
    const allocationBySubnet = new Map(
      gateways.map((gateway) => [
        referencedId(gateway.Properties.SubnetId),
        followImport(gateway.Properties.AllocationId, synthesized.statefulTemplate),
      ]),
    );
    expect(subnetIds(service.network).public.map((subnet) => allocationBySubnet.get(subnet))).toEqual(
      elasticIpAttributes(synthesized, 'AllocationId'),
    );
    for (const gateway of gateways) {
      expect(gateway.Properties.AllocationId).toEqual({ 'Fn::ImportValue': expect.any(String) });
    }
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

  it('outputs the Elastic IPs, comma-separated, as EgressIps of the service stack', () => {
    const output = synthesized.serviceTemplate.findOutputs('EgressIps').EgressIps;
    expect(followJoin(output?.Value, synthesized)).toEqual({
      'Fn::Join': [',', elasticIpAttributes(synthesized, 'PublicIp')],
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
    expect(followJoin(variables.EGRESS_IPS, synthesized)).toEqual({
      'Fn::Join': [',', elasticIpAttributes(synthesized, 'PublicIp')],
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
  it('has one NAT gateway on the given address, and no Elastic IP of its own, for one address', () => {
    const stack = new Stack(new App(), 'Single');
    const network = new FixedEgressNetwork(stack, 'Network', { egressAddresses: fakeAddresses(1) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::NatGateway', { AllocationId: 'eipalloc-fake1' });
    template.resourceCountIs('AWS::EC2::EIP', 0);
    expect(network.vpc.privateSubnets).toHaveLength(1);
    expect(stack.resolve(network.egressIps)).toBe('203.0.113.1');
  });

  it('gives each AZ its own address, in order', () => {
    const stack = new Stack(new App(), 'Double');
    const network = new FixedEgressNetwork(stack, 'Network', { egressAddresses: fakeAddresses(2) });
    const template = Template.fromStack(stack);
    const allocationBySubnet = new Map(
      Object.values(template.findResources('AWS::EC2::NatGateway')).map((gateway) => [
        referencedId(gateway.Properties.SubnetId),
        gateway.Properties.AllocationId,
      ]),
    );
    expect(subnetIds(network).public.map((subnet) => allocationBySubnet.get(subnet))).toEqual([
      'eipalloc-fake1',
      'eipalloc-fake2',
    ]);
    expect(stack.resolve(network.egressIps)).toBe('203.0.113.1,203.0.113.2');
  });

  it('rejects an empty address list', () => {
    expect(
      () => new FixedEgressNetwork(new Stack(new App(), 'Zero'), 'Network', { egressAddresses: [] }),
    ).toThrow(/at least one egress address/);
  });

  it('rejects more addresses than the VPC has AZs (a whitelisted address would go unused)', () => {
    // An environment-agnostic stack addresses two AZs.
    expect(
      () =>
        new FixedEgressNetwork(new Stack(new App(), 'Triple'), 'Network', {
          egressAddresses: fakeAddresses(3),
        }),
    ).toThrow(/3 egress addresses but the VPC spans 2 availability zones/);
  });

  it('follows azCount across both stacks: one Elastic IP in the stateful stack, one NAT gateway using it', () => {
    const single = synthesize({ azCount: 1 }, { bundle: false });
    single.statefulTemplate.resourceCountIs('AWS::EC2::EIP', 1);
    single.serviceTemplate.resourceCountIs('AWS::EC2::EIP', 0);
    const gateways = Object.values(single.serviceTemplate.findResources('AWS::EC2::NatGateway'));
    expect(
      gateways.map((gateway) => followImport(gateway.Properties.AllocationId, single.statefulTemplate)),
    ).toEqual(elasticIpAttributes(single, 'AllocationId'));
  });
});
