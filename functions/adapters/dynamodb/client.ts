/**
 * Building the DynamoDB clients once per process (module scope in handlers, once in the local runtime).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsSdk } from '../aws-sdk.js';

/** Where to reach DynamoDB. */
export interface DynamoDbClientOptions {
  /** DynamoDB Local (or another emulator); omitted = the regional AWS endpoint. */
  endpoint?: string | undefined;
  /** Omitted = the SDK's default chain (`AWS_REGION` in Lambda); `us-east-1` against a local endpoint. */
  region?: string | undefined;
}

/** Placeholder credentials: DynamoDB Local accepts any, and the default chain would look for real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * The low-level client (tables, TTL; the document client wraps it). Sockets are kept alive: a fresh TLS/TCP
 * handshake per call would dominate the latency of the small conditional writes this service does.
 */
export const createDynamoDbClient = ({ endpoint, region }: DynamoDbClientOptions = {}): DynamoDBClient =>
  new awsSdk.dynamodb.DynamoDBClient({
    requestHandler: { httpAgent: { keepAlive: true }, httpsAgent: { keepAlive: true } },
    ...(endpoint === undefined
      ? region === undefined
        ? {}
        : { region }
      : { endpoint, region: region ?? 'us-east-1', credentials: LOCAL_CREDENTIALS }),
  });

/**
 * The document client the stores take. `removeUndefinedValues` lets optional model fields (e.g. a cursor's
 * absent lease) be passed as `undefined` instead of failing marshalling.
 */
export const createDocumentClient = (options: DynamoDbClientOptions = {}): DynamoDBDocumentClient =>
  awsSdk.documents.DynamoDBDocumentClient.from(createDynamoDbClient(options), {
    marshallOptions: { removeUndefinedValues: true },
  });
