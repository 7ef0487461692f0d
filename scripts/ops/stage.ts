/**
 * Where a deployed stage's parts are: the physical names of its tables, queues, bus and archive, found from its two
 * CloudFormation stacks' resources (`ListStackResources`) by logical id. The logical ids are the constructs' ids
 * plus CDK's hash suffix; `test/infra/ops-stage.test.ts` checks this against the synthesized templates.
 */
import { TABLES, type TableKey, type TableNames } from '../../functions/adapters/dynamodb/tables.js';

/** One row of `ListStackResources`. */
export interface StackResource {
  LogicalResourceId?: string | undefined;
  PhysicalResourceId?: string | undefined;
  ResourceType?: string | undefined;
}

export interface StageResources {
  tables: TableNames;
  /** Queue URLs. */
  queues: {
    delivery: string;
    deliveryDeadLetters: string;
    pollDeadLetters: string;
    scheduleDeadLetters: string;
    polls: string;
  };
  eventBusName: string;
  archiveName: string;
}

export const stackNamesOf = (stage: string) => ({
  stateful: `KonnektiveZapier-${stage}-Stateful`,
  service: `KonnektiveZapier-${stage}-Service`,
});

export class StageResolutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageResolutionError';
  }
}

/** The one resource of `type` whose logical id is `constructId` plus CDK's 8-character hash. */
const physicalId = (
  resources: readonly StackResource[],
  type: string,
  constructId: string,
  stack: string,
): string => {
  const pattern = new RegExp(`^${constructId}[0-9A-F]{8}$`);
  const matches = resources.filter(
    (resource) => resource.ResourceType === type && pattern.test(resource.LogicalResourceId ?? ''),
  );
  const [match] = matches;
  if (matches.length !== 1 || !match?.PhysicalResourceId) {
    throw new StageResolutionError(
      `${stack}: expected one ${type} ${constructId}…, found ${matches.length}` +
        (matches.length === 1 ? ' without a physical id (is the stack still being created?)' : ''),
    );
  }
  return match.PhysicalResourceId;
};

export const resolveStageResources = (
  stage: string,
  stateful: readonly StackResource[],
  service: readonly StackResource[],
): StageResources => {
  const names = stackNamesOf(stage);
  const table = (key: TableKey) =>
    physicalId(stateful, 'AWS::DynamoDB::Table', TABLES[key].id, names.stateful);
  const statefulQueue = (id: string) => physicalId(stateful, 'AWS::SQS::Queue', id, names.stateful);
  return {
    tables: Object.fromEntries(
      (Object.keys(TABLES) as TableKey[]).map((key) => [key, table(key)]),
    ) as TableNames,
    queues: {
      delivery: statefulQueue('DeliveryQueue'),
      deliveryDeadLetters: statefulQueue('DeliveryDeadLetterQueue'),
      pollDeadLetters: statefulQueue('PollerPollDeadLetterQueue'),
      scheduleDeadLetters: statefulQueue('PollerScheduleDeadLetterQueue'),
      polls: physicalId(service, 'AWS::SQS::Queue', 'PollerPollQueue', names.service),
    },
    eventBusName: physicalId(stateful, 'AWS::Events::EventBus', 'EventBus', names.stateful),
    archiveName: physicalId(stateful, 'AWS::Events::Archive', 'EventArchive', names.stateful),
  };
};
