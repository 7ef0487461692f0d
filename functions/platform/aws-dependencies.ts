/**
 * The AWS wiring, in one place: the container every Lambda entry builds its handler from. Each part is built on
 * first use and kept for the life of the process (one DynamoDB document client, one KMS client, …), and each reads
 * only its own configuration, so a function fails at cold start naming a variable it needs and was not given. The
 * SDK packages themselves load with the first client built from them (functions/adapters/aws-sdk.ts), so a function
 * loads only the clients it uses.
 */
import { awsSdk } from '../adapters/aws-sdk.js';
import { KmsCredentialCipher } from '../adapters/crypto/kms-credential-cipher.js';
import {
  createDocumentClient,
  createDynamoDbStores,
  DynamoDbHookRateLimiter,
} from '../adapters/dynamodb/index.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-bridge-publisher.js';
import { FetchHookSender } from '../adapters/http/fetch-hook-sender.js';
import { SqsDeliveryQueue, SqsPollRequestQueue } from '../adapters/sqs/sqs-queues.js';
import { CampaignCache } from '../core/dropdowns/campaign-cache.js';
import { cachingDecryption } from '../core/konnektive-access.js';
import { lazily } from '../core/lazy.js';
import { CoalescingHookRateLimiter, hookRatePolicy } from '../core/triggers/hook-rate.js';
import { SettledEvents } from '../core/triggers/settled-events.js';
import {
  cipherConfig,
  deliveryConfig,
  dispatchConfig,
  hookConfig,
  konnektiveConfig,
  loadConfig,
  monitorConfig,
  pollConfig,
  storageConfig,
  tableName,
} from './config.js';
import { type Dependencies, newSubscriptionId, systemClock, timerWait } from './dependencies.js';
import { createKonnektiveClient } from './konnektive.js';
import {
  deliverySettingsFrom,
  dispatchSettingsFrom,
  pollSettingsFrom,
  streamHealthSettingsFrom,
} from './settings.js';

type Env = Record<string, string | undefined>;

/** Builds the AWS container from `env` (default: the process environment). Tests pass their own. */
export const createAwsDependencies = (env?: Env): Dependencies => {
  const config = lazily({
    storage: () => loadConfig(storageConfig, env),
    konnektive: () => loadConfig(konnektiveConfig, env),
    cipher: () => loadConfig(cipherConfig, env),
    hook: () => loadConfig(hookConfig, env),
    poll: () => loadConfig(pollConfig, env),
    dispatch: () => loadConfig(dispatchConfig, env),
    delivery: () => loadConfig(deliveryConfig, env),
    monitor: () => loadConfig(monitorConfig, env),
  });
  const region = () => config.storage.AWS_REGION;
  const sqs = lazily({ client: () => new awsSdk.sqs.SQSClient({ region: region() }) });
  // One document client (one connection pool) for the stores and the hook rates.
  const dynamo = lazily({
    client: () => createDocumentClient({ endpoint: config.storage.DYNAMODB_ENDPOINT, region: region() }),
  });
  return lazily<Dependencies>({
    stores: () =>
      createDynamoDbStores({
        client: dynamo.client,
        tableNames: (key) => tableName(config.storage, key),
      }),
    cipher: () =>
      cachingDecryption(
        new KmsCredentialCipher(new awsSdk.kms.KMSClient({ region: region() }), config.cipher.KMS_KEY_ID),
        {
          clock: systemClock,
        },
      ),
    konnektive: () => createKonnektiveClient(config.konnektive),
    clock: () => systemClock,
    wait: () => timerWait,
    egressIps: () => config.konnektive.EGRESS_IPS,
    hookAllowlist: () => config.hook.HOOK_URL_ALLOWLIST,
    publisher: () =>
      new EventBridgePublisher(
        new awsSdk.eventBridge.EventBridgeClient({ region: region() }),
        config.poll.EVENT_BUS_NAME,
      ),
    pollQueue: () => new SqsPollRequestQueue(sqs.client, config.dispatch.POLL_QUEUE_URL),
    deliveryQueue: () =>
      new SqsDeliveryQueue(sqs.client, config.delivery.DELIVERY_QUEUE_URL, config.delivery.DELIVERY_DLQ_URL),
    hookSender: () => new FetchHookSender(config.delivery.DELIVERY_ATTEMPT_TIMEOUT_MS),
    // Concurrent records of this process share their booking calls (one DynamoDB call per URL at a time).
    hookRateLimiter: () =>
      new CoalescingHookRateLimiter(
        new DynamoDbHookRateLimiter(
          dynamo.client,
          tableName(config.storage, 'hookRates'),
          hookRatePolicy(config.delivery.HOOK_RATE_PER_SECOND),
        ),
      ),
    pollSettings: () => pollSettingsFrom(config.poll),
    dispatchSettings: () => dispatchSettingsFrom(config.dispatch),
    deliverySettings: () => deliverySettingsFrom(config.delivery),
    streamHealthSettings: () => streamHealthSettingsFrom(config.monitor),
    campaignCache: () => new CampaignCache({ clock: systemClock }),
    settledEvents: () => new SettledEvents(),
    newSubscriptionId: () => newSubscriptionId,
  });
};

let processDependencies: Dependencies | undefined;

/** The container of this process (a Lambda execution environment), built once. */
export const awsDependencies = (): Dependencies => {
  processDependencies ??= createAwsDependencies();
  return processDependencies;
};
