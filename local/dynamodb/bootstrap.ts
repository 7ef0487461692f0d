/**
 * Creates the service's tables from the shared definitions (functions/adapters/dynamodb/tables.ts), for the
 * local runtime and the adapter tests. In AWS the CDK stack creates them from the same definitions.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  type AttributeType,
  TABLES,
  type TableDefinition,
  type TableKey,
  type TableNames,
} from '../../functions/adapters/dynamodb/tables.js';

/** An existing table does not have the keys (or TTL attribute) its definition asks for. */
export class TableSchemaMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableSchemaMismatchError';
  }
}

/** A table did not become usable (not ACTIVE in time, or TTL could not be enabled). */
export class TableBootstrapError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TableBootstrapError';
  }
}

export interface EnsureTablesOptions {
  /** How long to wait for each table to become ACTIVE. */
  waitSeconds?: number;
}

/** What `ensureTables` did: physical names it created (empty on a second run). */
export interface EnsureTablesResult {
  created: string[];
}

/** The definition's keys in KeySchema order. */
const keysOf = (
  definition: TableDefinition,
): Array<{ name: string; type: AttributeType; keyType: 'HASH' | 'RANGE' }> => [
  { ...definition.partitionKey, keyType: 'HASH' },
  ...(definition.sortKey ? [{ ...definition.sortKey, keyType: 'RANGE' as const }] : []),
];

const formatKeys = (
  keys: Array<{ name: string; type: string | undefined; keyType: string | undefined }>,
): string => keys.map((key) => `${key.keyType ?? '?'} ${key.name}:${key.type ?? '?'}`).join(', ');

const actualKeys = (table: TableDescription) =>
  (table.KeySchema ?? []).map((element: KeySchemaElement) => ({
    name: element.AttributeName ?? '',
    keyType: element.KeyType,
    type: (table.AttributeDefinitions ?? []).find(
      (attribute: AttributeDefinition) => attribute.AttributeName === element.AttributeName,
    )?.AttributeType,
  }));

/** Throws TableSchemaMismatchError unless the table's key schema is exactly the definition's. */
const verifyKeySchema = (name: string, definition: TableDefinition, table: TableDescription): void => {
  const expected = keysOf(definition);
  const actual = actualKeys(table);
  const matches =
    expected.length === actual.length &&
    expected.every((key) =>
      actual.some(
        (other) => other.name === key.name && other.keyType === key.keyType && other.type === key.type,
      ),
    );
  if (!matches) {
    throw new TableSchemaMismatchError(
      `Table ${name} (${definition.id}) has key schema [${formatKeys(actual)}] but [${formatKeys(expected)}] ` +
        'is expected; delete the table (or use another table prefix / data directory) and start again',
    );
  }
};

const describe = async (client: DynamoDBClient, name: string): Promise<TableDescription | undefined> => {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

/** Creates the table; false when someone else created it meanwhile (parallel bootstraps are fine). */
const create = async (
  client: DynamoDBClient,
  name: string,
  definition: TableDefinition,
): Promise<boolean> => {
  const keys = keysOf(definition);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((key) => ({ AttributeName: key.name, AttributeType: key.type })),
        KeySchema: keys.map((key) => ({ AttributeName: key.name, KeyType: key.keyType })),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ResourceInUseException) return false;
    throw error;
  }
};

const waitUntilActive = async (client: DynamoDBClient, name: string, waitSeconds: number) => {
  try {
    await waitUntilTableExists(
      { client, maxWaitTime: waitSeconds, minDelay: 1, maxDelay: 2 },
      { TableName: name },
    );
  } catch (error) {
    throw new TableBootstrapError(`Table ${name} did not become ACTIVE within ${waitSeconds} s`, {
      cause: error,
    });
  }
  const table = await describe(client, name);
  if (!table) throw new TableBootstrapError(`Table ${name} disappeared while bootstrapping`);
  return table;
};

const ttlState = async (client: DynamoDBClient, name: string) => {
  const output = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  return {
    status: output.TimeToLiveDescription?.TimeToLiveStatus,
    attribute: output.TimeToLiveDescription?.AttributeName,
  };
};

/** Enables TTL on `attribute` unless it is already on; TTL on another attribute is a mismatch. */
const ensureTtl = async (
  client: DynamoDBClient,
  name: string,
  definition: TableDefinition,
  attribute: string,
) => {
  const isOn = (state: { status: string | undefined }) =>
    state.status === 'ENABLED' || state.status === 'ENABLING';
  const check = (state: { status: string | undefined; attribute: string | undefined }) => {
    if (isOn(state) && state.attribute !== attribute) {
      throw new TableSchemaMismatchError(
        `Table ${name} (${definition.id}) has TTL on ${state.attribute ?? '?'} but ${attribute} is expected`,
      );
    }
    return isOn(state);
  };
  if (check(await ttlState(client, name))) return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (error) {
    // A parallel bootstrap may have enabled it first; accept that, report anything else.
    if (check(await ttlState(client, name))) return;
    throw new TableBootstrapError(`Could not enable TTL on ${name}.${attribute}`, { cause: error });
  }
};

/**
 * Creates every missing table (on-demand capacity, keys and TTL from TABLES), waits until each is ACTIVE and
 * checks that existing tables have the expected keys. Idempotent: a second run creates nothing. Throws
 * TableSchemaMismatchError when an existing table has other keys (a stale local data directory, say).
 */
export const ensureTables = async (
  client: DynamoDBClient,
  names: TableNames,
  options: EnsureTablesOptions = {},
): Promise<EnsureTablesResult> => {
  const waitSeconds = options.waitSeconds ?? 60;
  const entries = Object.entries(TABLES) as Array<[TableKey, TableDefinition]>;
  // allSettled: when one table fails, the others still finish before we report, so nothing runs on behind
  // the caller's back (a test deleting its tables, say).
  const outcomes = await Promise.allSettled(
    entries.map(async ([key, definition]) => {
      const name = names[key];
      const existing = await describe(client, name);
      const createdHere = existing ? false : await create(client, name, definition);
      const table =
        existing?.TableStatus === 'ACTIVE' ? existing : await waitUntilActive(client, name, waitSeconds);
      verifyKeySchema(name, definition, table);
      if (definition.ttlAttribute) await ensureTtl(client, name, definition, definition.ttlAttribute);
      return createdHere ? name : undefined;
    }),
  );
  const created: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') throw outcome.reason;
    if (outcome.value !== undefined) created.push(outcome.value);
  }
  return { created };
};
