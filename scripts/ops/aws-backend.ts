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
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoDbStores } from '../../functions/adapters/dynamodb/index.js';
import { NotFoundError } from '../../functions/core/errors.js';
import { DEFAULT_STREAM_HEALTH_SETTINGS } from '../../functions/core/monitoring/assess-streams.js';
import { listConnections, retestConnection } from '../../functions/core/operations/connections.js';
import { systemClock } from '../../functions/shared/dependencies.js';
import { type OpsBackend, OpsError } from './backend.js';
import { resolveStageResources, type StageResources, stackNamesOf } from './stage.js';

export interface AwsBackendOptions {
  stage: string;
  region?: string | undefined;
  /** Clients to use instead of the default ones (tests: DynamoDB Local, mocked SDK clients). */
  clients?: { cloudFormation?: CloudFormationClient; documents?: DynamoDBDocumentClient };
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
    if (error instanceof NotFoundError) throw new OpsError(error.message);
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
  const cloudFormation =
    options.clients?.cloudFormation ?? new CloudFormationClient(region ? { region } : {});
  const resources = await resolveStage(options.stage, cloudFormation);
  const documents = options.clients?.documents ?? createDocumentClient({ region });
  const stores = createDynamoDbStores({ client: documents, tableNames: resources.tables });
  const deps = {
    connections: stores.connections,
    subscriptions: stores.subscriptions,
    cursors: stores.cursors,
    clock: systemClock,
  };
  return {
    target: `stage ${options.stage}${region ? ` (${region})` : ''}`,
    listConnections: () =>
      guarded('connections list', () => listConnections(deps, DEFAULT_STREAM_HEALTH_SETTINGS)),
    retestConnection: (connectionId) =>
      guarded('connections retest', () => retestConnection(deps, connectionId)),
    close: () => {
      if (!options.clients?.documents) documents.destroy();
      if (!options.clients?.cloudFormation) cloudFormation.destroy();
    },
  };
};
