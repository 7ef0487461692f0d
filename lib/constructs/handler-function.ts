/**
 * Turns a catalog entry ({@link HandlerSpec}) into a {@link ServiceFunction}: entry file, environment and IAM derive
 * from the same spec, so a function gets exactly the tables, key and network it is declared to use.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TABLES, type TableKey } from '../../functions/adapters/dynamodb/tables.js';
import {
  constructIdOf,
  type HandlerSpec,
  type KeyAccess,
  type TableAccess,
} from '../../functions/handlers/catalog.js';
import type { FixedEgressNetwork } from './fixed-egress-network.js';
import { type PowertoolsSettings, ServiceFunction, type ServiceFunctionProps } from './service-function.js';

const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/** The DynamoDB actions behind each access level: explicit lists, never `dynamodb:*`. */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: READ,
  readScan: [...READ, 'dynamodb:Scan'],
  readDelete: [...READ, 'dynamodb:DeleteItem'],
  readUpdate: [...READ, 'dynamodb:UpdateItem'],
  readWrite: [...READ, ...WRITE],
};

/** The KMS actions behind each key access level. */
export const KEY_ACTIONS: Readonly<Record<KeyAccess, readonly string[]>> = {
  decrypt: ['kms:Decrypt'],
  encryptDecrypt: ['kms:Encrypt', 'kms:Decrypt'],
};

/** Encryption-context key the credential cipher binds every ciphertext to (the `CredentialCipher` port). */
export const ENCRYPTION_CONTEXT_KEY = 'connectionId';

/** What every handler function is built from. */
export interface HandlerContext {
  /** Directory holding `<name>.ts` entry files. */
  readonly entriesDir: string;
  readonly tables: Readonly<Record<TableKey, dynamodb.ITable>>;
  /** The KMS key that encrypts stored Konnektive passwords. */
  readonly credentialsKey: kms.IKey;
  readonly network: FixedEgressNetwork;
  readonly konnektiveApiUrl: string;
  readonly hookUrlAllowlist: readonly string[];
  readonly powertools: PowertoolsSettings;
  readonly logRetention: logs.RetentionDays;
}

/** Caller settings for one handler: at least its timeout; anything else overrides the defaults. */
export type HandlerFunctionProps = Omit<ServiceFunctionProps, 'entry' | 'powertools'> &
  Required<Pick<ServiceFunctionProps, 'timeout'>>;

/**
 * Creates the function of handler `name` under `scope` (construct ID: the PascalCase name) with the environment and
 * permissions its spec declares.
 */
export const createHandlerFunction = (
  scope: Construct,
  name: string,
  spec: HandlerSpec,
  context: HandlerContext,
  props: HandlerFunctionProps,
): ServiceFunction => {
  const environment: Record<string, string> = {};
  for (const [key] of tableEntries(spec)) environment[TABLES[key].envVar] = context.tables[key].tableName;
  if (spec.key) environment.KMS_KEY_ID = context.credentialsKey.keyArn;
  if (spec.callsKonnektive) {
    environment.KONNEKTIVE_API_URL = context.konnektiveApiUrl;
    // Lets a "not whitelisted" answer name exactly the addresses to whitelist (docs/architecture.md, Interfaces others rely on).
    environment.EGRESS_IPS = context.network.egressIps;
  }
  if (spec.hookAllowlist) environment.HOOK_URL_ALLOWLIST = context.hookUrlAllowlist.join(',');

  const fn = new ServiceFunction(scope, constructIdOf(name), {
    entry: `${context.entriesDir}/${name}.ts`,
    description: `${name}: ${spec.summary}`.slice(0, 256),
    powertools: context.powertools,
    logRetention: context.logRetention,
    ...(spec.callsKonnektive
      ? {
          vpc: context.network.vpc,
          vpcSubnets: context.network.privateSubnets,
          securityGroups: [context.network.functionSecurityGroup],
        }
      : {}),
    ...props,
    environment: { ...environment, ...props.environment },
  });

  for (const [key, access] of tableEntries(spec)) {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...TABLE_ACTIONS[access]],
        resources: [context.tables[key].tableArn],
      }),
    );
  }
  if (spec.key) {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...KEY_ACTIONS[spec.key]],
        resources: [context.credentialsKey.keyArn],
        // Only ciphertexts bound to a connection: a stolen blob cannot be decrypted outside its context.
        conditions: {
          Null: { [`kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY}`]: 'false' },
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [ENCRYPTION_CONTEXT_KEY] },
        },
      }),
    );
  }
  return fn;
};

const tableEntries = (spec: HandlerSpec): [TableKey, TableAccess][] =>
  Object.entries(spec.tables).filter((entry): entry is [TableKey, TableAccess] => entry[1] !== undefined);
