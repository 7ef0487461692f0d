import { beforeAll, describe, expect, it } from 'vitest';
import type { TableKey } from '../../functions/adapters/dynamodb/tables.js';
import type { HandlerName } from '../../functions/handlers/catalog.js';
import {
  actionsOf,
  EXPECTED_HANDLERS,
  followImport,
  KONNEKTIVE_CALLERS,
  logicalIdOf,
  referencedId,
  resourcesOf,
  type Statement,
  type SynthesizedApp,
  statementsOfRole,
  synthesize,
} from './support.js';

/**
 * r = read only; rw = read and write; scan = read plus Scan; delete = read plus DeleteItem only; update = read plus
 * UpdateItem only (marking a connection invalid when Konnektive rejects its stored password).
 */
type Access = 'r' | 'rw' | 'scan' | 'delete' | 'update';

/**
 * Data access per handler, from the function table (written independently of functions/handlers/catalog.ts), corrected
 * where the handlers do more: run-action, the searches, the campaign dropdowns and the poller call `connections.setStatus` on a
 * Konnektive auth error.
 */
const EXPECTED_DATA: Record<HandlerName, Partial<Record<TableKey, Access>>> = {
  'create-session': { connections: 'rw', tokens: 'rw' },
  'get-me': { tokens: 'r', connections: 'r' },
  'revoke-session': { tokens: 'rw', connections: 'r' },
  'create-subscription': { tokens: 'r', connections: 'r', subscriptions: 'rw', cursors: 'rw' },
  'list-subscriptions': { tokens: 'r', connections: 'r', subscriptions: 'r' },
  'delete-subscription': { tokens: 'r', connections: 'r', subscriptions: 'rw' },
  'get-samples': { tokens: 'r', connections: 'update' },
  'run-action': { tokens: 'r', connections: 'update', idempotency: 'rw' },
  'find-orders': { tokens: 'r', connections: 'update' },
  'find-customers': { tokens: 'r', connections: 'update' },
  'list-campaigns': { tokens: 'r', connections: 'update' },
  'probe-contract': { tokens: 'r', connections: 'update' },
  'list-campaign-products': { tokens: 'r', connections: 'update' },
  'get-openapi': {},
  'dispatch-polls': { subscriptions: 'scan' },
  'poll-stream': { connections: 'update', cursors: 'rw', ledger: 'rw' },
  'deliver-events': { subscriptions: 'delete', deliveries: 'rw', hookRates: 'rw' },
  // Read-only: the stream monitor judges what is in use and changes nothing.
  'monitor-streams': { subscriptions: 'scan', cursors: 'scan', connections: 'scan' },
};

/** KMS actions per handler. */
const EXPECTED_KMS: Partial<Record<HandlerName, string[]>> = {
  'create-session': ['kms:Decrypt', 'kms:Encrypt'],
  'get-samples': ['kms:Decrypt'],
  'run-action': ['kms:Decrypt'],
  'find-orders': ['kms:Decrypt'],
  'find-customers': ['kms:Decrypt'],
  'list-campaigns': ['kms:Decrypt'],
  'probe-contract': ['kms:Decrypt'],
  'list-campaign-products': ['kms:Decrypt'],
  'poll-stream': ['kms:Decrypt'],
};

const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const WRITES_BY_ACCESS: Record<Access, string[]> = {
  r: [],
  scan: [],
  rw: WRITES,
  delete: ['dynamodb:DeleteItem'],
  update: ['dynamodb:UpdateItem'],
};

/** Every logical ID referenced (Ref / Fn::GetAtt) anywhere inside `value`. */
const referencedIdsIn = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(referencedIdsIn);
  if (typeof value !== 'object' || value === null) return [];
  const direct = referencedId(value);
  return direct ? [direct] : Object.values(value).flatMap(referencedIdsIn);
};

/** Service prefixes a handler's role may use at all. */
const allowedServices = (name: HandlerName): string[] => {
  const services = ['logs', 'xray'];
  if (KONNEKTIVE_CALLERS.includes(name)) services.push('ec2');
  if (Object.keys(EXPECTED_DATA[name]).length > 0) services.push('dynamodb');
  if (EXPECTED_KMS[name]) services.push('kms');
  if (name === 'dispatch-polls' || name === 'poll-stream' || name === 'deliver-events') services.push('sqs');
  if (name === 'poll-stream') services.push('events');
  return services.sort();
};

describe('IAM', () => {
  let synthesized: SynthesizedApp;
  const statementsOf = (name: HandlerName): Statement[] =>
    statementsOfRole(synthesized.serviceTemplate, logicalIdOf(synthesized.service.functions[name].role));
  /** The stateful-stack logical ID a (possibly imported) resource reference points at. */
  const targetOf = (resource: unknown): string | undefined =>
    referencedId(followImport(resource, synthesized.statefulTemplate)) ?? referencedId(resource);
  const tableKeyOf = (logicalId: string | undefined): TableKey | undefined =>
    (
      Object.entries(synthesized.stateful.tables) as [
        TableKey,
        (typeof synthesized.stateful.tables)[TableKey],
      ][]
    ).find(([, table]) => logicalIdOf(table) === logicalId)?.[0];
  /** DynamoDB actions per table key. */
  const dataAccessOf = (name: HandlerName): Map<TableKey, Set<string>> => {
    const access = new Map<TableKey, Set<string>>();
    for (const statement of statementsOf(name)) {
      const actions = actionsOf(statement).filter((action) => action.startsWith('dynamodb:'));
      if (actions.length === 0) continue;
      for (const resource of resourcesOf(statement)) {
        const key = tableKeyOf(targetOf(resource));
        expect(key, `${name}: DynamoDB statement on something other than one of our tables`).toBeDefined();
        if (!key) continue;
        const set = access.get(key) ?? new Set<string>();
        for (const action of actions) set.add(action);
        access.set(key, set);
      }
    }
    return access;
  };

  beforeAll(() => {
    synthesized = synthesize();
  });

  it('grants no wildcard action to any role in the service stack', () => {
    const policies = synthesized.serviceTemplate.findResources('AWS::IAM::Policy');
    const actions = Object.values(policies).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).flatMap(actionsOf),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('attaches no managed policy to any function role', () => {
    for (const name of EXPECTED_HANDLERS) {
      const role =
        synthesized.serviceTemplate.toJSON().Resources[logicalIdOf(synthesized.service.functions[name].role)];
      expect(role.Properties.ManagedPolicyArns, name).toBeUndefined();
    }
  });

  describe.each(EXPECTED_HANDLERS)('%s', (name) => {
    it('uses only the services it needs', () => {
      const services = new Set(
        statementsOf(name)
          .flatMap(actionsOf)
          .map((action) => action.split(':')[0]),
      );
      expect([...services].sort()).toEqual(allowedServices(name));
    });

    it('reaches exactly its tables, each with the access it needs and no more', () => {
      const access = dataAccessOf(name);
      expect([...access.keys()].sort()).toEqual(Object.keys(EXPECTED_DATA[name]).sort());
      for (const [key, level] of Object.entries(EXPECTED_DATA[name]) as [TableKey, Access][]) {
        const actions = access.get(key) ?? new Set<string>();
        expect(actions.has('dynamodb:GetItem'), `${name} reads ${key}`).toBe(true);
        expect(actions.has('dynamodb:Scan'), `${name} scans ${key}`).toBe(level === 'scan');
        const writes = WRITES.filter((action) => actions.has(action));
        expect(writes, `${name} writes to ${key}`).toEqual(WRITES_BY_ACCESS[level]);
      }
    });

    it('uses the credentials key only as declared, and only with a connectionId encryption context', () => {
      const keyId = logicalIdOf(synthesized.stateful.credentialsKey);
      const kmsStatements = statementsOf(name).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('kms:')),
      );
      const expected = EXPECTED_KMS[name];
      if (!expected) {
        expect(kmsStatements).toEqual([]);
        return;
      }
      expect(kmsStatements.flatMap(actionsOf).sort()).toEqual(expected);
      for (const statement of kmsStatements) {
        expect(resourcesOf(statement).map(targetOf)).toEqual([keyId]);
        expect(statement.Condition).toEqual({
          Null: { 'kms:EncryptionContext:connectionId': 'false' },
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['connectionId'] },
        });
      }
    });

    it('uses "*" only for actions that have no resource-level permissions', () => {
      const starred = statementsOf(name)
        .filter((statement) => resourcesOf(statement).includes('*'))
        .flatMap(actionsOf)
        .sort();
      const expected = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
      if (KONNEKTIVE_CALLERS.includes(name)) {
        expected.push(
          'ec2:AssignPrivateIpAddresses',
          'ec2:CreateNetworkInterface',
          'ec2:DeleteNetworkInterface',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSubnets',
          'ec2:UnassignPrivateIpAddresses',
        );
      }
      expect(starred).toEqual(expected.sort());
    });
  });

  it('lets only the dispatcher send poll requests, to the poll queue, and the deliverer to its own queues', () => {
    const pollQueue = logicalIdOf(synthesized.service.poller.pollQueue);
    for (const name of EXPECTED_HANDLERS) {
      const sends = statementsOf(name).filter((statement) =>
        actionsOf(statement).includes('sqs:SendMessage'),
      );
      const targets = sends.flatMap(resourcesOf).map(targetOf);
      if (name === 'dispatch-polls') expect(targets).toEqual([pollQueue]);
      else if (name === 'deliver-events') {
        // Retries, deferrals and hops go back to its own queue; exhausted deliveries to the dead-letter queue.
        expect(new Set(targets)).toEqual(
          new Set([
            logicalIdOf(synthesized.service.delivery.queue),
            logicalIdOf(synthesized.service.delivery.deadLetterQueue),
          ]),
        );
      } else expect(targets, name).toEqual([]);
    }
  });

  it('lets only the poller publish, to our bus', () => {
    for (const name of EXPECTED_HANDLERS) {
      const puts = statementsOf(name).filter((statement) =>
        actionsOf(statement).includes('events:PutEvents'),
      );
      const targets = puts.flatMap(resourcesOf).map(targetOf);
      expect(targets, name).toEqual(
        name === 'poll-stream' ? [logicalIdOf(synthesized.stateful.eventBus)] : [],
      );
    }
  });

  it('holds no delivery message in flight on purpose: the deliverer never changes message visibility', () => {
    const own = statementsOf('deliver-events').filter((statement) =>
      actionsOf(statement).includes('sqs:ChangeMessageVisibility'),
    );
    // Only the event source mapping's own grant (which includes it) remains.
    expect(own.every((statement) => actionsOf(statement).includes('sqs:ReceiveMessage'))).toBe(true);
  });

  it.each([
    ['dispatch-polls', 'dispatcher'],
    ['monitor-streams', 'stream monitor'],
  ] as const)(
    'lets the %s schedule invoke only the %s and dead-letter only to the schedule queue',
    (name, _role) => {
      const { serviceTemplate: template, service } = synthesized;
      const functionId = logicalIdOf(service.functions[name].function);
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).filter(
        (candidate) => referencedId(candidate.Properties.Target.Arn) === functionId,
      );
      expect(schedules).toHaveLength(1);
      const roleId = referencedId(schedules[0]?.Properties.Target.RoleArn);
      const statements = statementsOfRole(template, roleId ?? '');
      expect(statements.flatMap(actionsOf).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
      const invoke = statements.find((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
      expect(new Set(referencedIdsIn(invoke?.Resource))).toEqual(new Set([functionId]));
      const send = statements.find((statement) => actionsOf(statement).includes('sqs:SendMessage'));
      expect(resourcesOf(send as Statement).map(targetOf)).toEqual([
        logicalIdOf(service.poller.scheduleDeadLetterQueue),
      ]);
      const role = template.toJSON().Resources[roleId ?? ''];
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' } }),
      ]);
    },
  );
});
