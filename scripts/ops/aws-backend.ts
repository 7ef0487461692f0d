/**
 * The ops commands against a deployed stage: its stacks' resources are looked up once (CloudFormation
 * `ListStackResources`), then the use cases run in this process on the stage's own tables and queues with the
 * credentials of the shell (the same IAM an operator uses for the AWS CLI).
 */
import {
  CloudFormationClient,
  paginateListStackResources,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoDbStores } from '../../functions/adapters/dynamodb/index.js';
import { SqsDeliveryQueue } from '../../functions/adapters/sqs/sqs-queues.js';
import { NotFoundError, ValidationError } from '../../functions/core/errors.js';
import { DEFAULT_STREAM_HEALTH_SETTINGS } from '../../functions/core/monitoring/assess-streams.js';
import { listConnections, retestConnection } from '../../functions/core/operations/connections.js';
import {
  DEAD_LETTER_QUEUES,
  type DeadLetterQueueName,
  listDeadLetters,
  redriveDeadLetters,
} from '../../functions/core/operations/dead-letters.js';
import { replayToSubscription } from '../../functions/core/operations/replay.js';
import { systemClock } from '../../functions/platform/dependencies.js';
import { busArchive } from './aws-archive.js';
import { sqsOpsQueue } from './aws-queues.js';
import { type OpsBackend, OpsError } from './backend.js';
import { resolveStageResources, type StageResources, stackNamesOf } from './stage.js';

export interface AwsBackendOptions {
  stage: string;
  region?: string | undefined;
  /** Clients to use instead of the default ones (tests: DynamoDB Local, mocked SDK clients). */
  clients?: {
    cloudFormation?: CloudFormationClient;
    documents?: DynamoDBDocumentClient;
    sqs?: SQSClient;
    events?: EventBridgeClient;
  };
  /** Progress lines of long commands (replay); the CLI prints them on stderr. */
  log?: (line: string) => void;
  /** Passed to the archive replay (tests: no real waiting). */
  replay?: { sleep?: (ms: number) => Promise<void>; replayName?: string };
}

const stackResources = async (client: CloudFormationClient, stackName: string) => {
  const resources: StackResourceSummary[] = [];
  try {
    for await (const page of paginateListStackResources({ client }, { StackName: stackName })) {
      resources.push(...(page.StackResourceSummaries ?? []));
    }
  } catch (error) {
    throw new OpsError(`cannot read stack ${stackName}: ${awsMessage(error)}`, { cause: error });
  }
  return resources;
};

/** An AWS SDK error's name and message, never its stack or request metadata. */
export const awsMessage = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Runs `call`, turning a domain "not found" and any AWS failure into one-line OpsErrors. */
const guarded = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (error instanceof OpsError) throw error;
    if (error instanceof NotFoundError || error instanceof ValidationError) throw new OpsError(error.message);
    throw new OpsError(`${what}: ${awsMessage(error)}`, { cause: error });
  }
};

export const resolveStage = async (stage: string, client: CloudFormationClient): Promise<StageResources> => {
  const names = stackNamesOf(stage);
  const [stateful, service] = await Promise.all([
    stackResources(client, names.stateful),
    stackResources(client, names.service),
  ]);
  try {
    return resolveStageResources(stage, stateful, service);
  } catch (error) {
    throw new OpsError(error instanceof Error ? error.message : String(error));
  }
};

export const awsBackend = async (options: AwsBackendOptions): Promise<OpsBackend> => {
  const region = options.region;
  const owned: Array<{ destroy(): void }> = [];
  const own = <T extends { destroy(): void }>(given: T | undefined, make: () => T): T => {
    if (given) return given;
    const made = make();
    owned.push(made);
    return made;
  };
  const cloudFormation = own(
    options.clients?.cloudFormation,
    () => new CloudFormationClient(region ? { region } : {}),
  );
  let resources: StageResources;
  try {
    resources = await resolveStage(options.stage, cloudFormation);
  } catch (error) {
    for (const client of owned) client.destroy();
    throw error;
  }
  const documents = own(options.clients?.documents, () => createDocumentClient({ region }));
  const sqs = own(options.clients?.sqs, () => new SQSClient(region ? { region } : {}));
  const events = own(options.clients?.events, () => new EventBridgeClient(region ? { region } : {}));
  const stores = createDynamoDbStores({ client: documents, tableNames: resources.tables });
  const deps = {
    connections: stores.connections,
    subscriptions: stores.subscriptions,
    cursors: stores.cursors,
    clock: systemClock,
  };
  const deadLetterUrl: Record<DeadLetterQueueName, string> = {
    delivery: resources.queues.deliveryDeadLetters,
    poll: resources.queues.pollDeadLetters,
    schedule: resources.queues.scheduleDeadLetters,
  };
  /** Where a dead-letter queue's messages came from; the scheduler's are missed ticks, with nowhere to go back to. */
  const sourceUrl: Record<DeadLetterQueueName, string | undefined> = {
    delivery: resources.queues.delivery,
    poll: resources.queues.polls,
    schedule: undefined,
  };
  return {
    target: `stage ${options.stage}${region ? ` (${region})` : ''}`,
    listConnections: () =>
      guarded('connections list', () => listConnections(deps, DEFAULT_STREAM_HEALTH_SETTINGS)),
    retestConnection: (connectionId) =>
      guarded('connections retest', () => retestConnection(deps, connectionId)),
    listDeadLetters: ({ queue, sample }) =>
      guarded('dlq list', async () => {
        const reports = [];
        for (const name of queue ? [queue] : DEAD_LETTER_QUEUES) {
          reports.push(await listDeadLetters(sqsOpsQueue(sqs, deadLetterUrl[name]), name, sample));
        }
        return reports;
      }),
    redriveDeadLetters: ({ queue, max, fresh }) =>
      guarded('dlq redrive', async () => {
        const source = sourceUrl[queue];
        if (!source) {
          throw new OpsError(
            'schedule dead letters are missed scheduler ticks: nothing to redrive (the next tick polls every stream); they expire after 14 days',
          );
        }
        return redriveDeadLetters(
          {
            deadLetters: sqsOpsQueue(sqs, deadLetterUrl[queue]),
            source: sqsOpsQueue(sqs, source),
            clock: systemClock,
          },
          queue,
          { max, fresh },
        );
      }),
    replay: (request) =>
      guarded('replay', () =>
        replayToSubscription(
          {
            connections: stores.connections,
            subscriptions: stores.subscriptions,
            archive: busArchive({
              archiveName: resources.archiveName,
              eventBusName: resources.eventBusName,
              events,
              sqs,
              ...(options.log ? { log: options.log } : {}),
              ...options.replay,
            }),
            deliveries: new SqsDeliveryQueue(
              sqs,
              resources.queues.delivery,
              resources.queues.deliveryDeadLetters,
            ),
            clock: systemClock,
          },
          request,
        ),
      ),
    close: () => {
      for (const client of owned) client.destroy();
    },
  };
};
