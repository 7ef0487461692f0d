/**
 * The whole system on one machine: DynamoDB Local (persisted under DATA_DIR), the Konnektive simulator (unless
 * KONNEKTIVE_API_URL is set), the HTTP API on 127.0.0.1:PORT calling the Lambda handlers through API Gateway v2
 * events, the scheduler → dispatch → poll queue → poll handler, and the bus → delivery queue → deliver handler,
 * with local adapters of the same semantics as EventBridge/SQS/KMS.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LocalCredentialCipher } from '../../functions/adapters/crypto/local-credential-cipher.js';
import {
  createDocumentClient,
  createDynamoDbClient,
  createDynamoDbStores,
  localTableNames,
} from '../../functions/adapters/dynamodb/index.js';
import { FetchHookSender } from '../../functions/adapters/http/fetch-hook-sender.js';
import type { DeliveryQueueControl } from '../../functions/adapters/sqs/sqs-queues.js';
import type { KonnektiveGateway } from '../../functions/core/konnektive.js';
import type { DetectedEvent } from '../../functions/core/model.js';
import type { EventPublisher, HookSender } from '../../functions/core/ports.js';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../../functions/core/triggers/deliver.js';
import { TokenBucketPacer } from '../../functions/core/triggers/pacer.js';
import { DEFAULT_POLL_SETTINGS, type PollSettings } from '../../functions/core/triggers/poll-stream.js';
import {
  DEFAULT_HOOK_ATTEMPT_TIMEOUT_MS,
  DEFAULT_HOOK_RATE_PER_SECOND,
} from '../../functions/core/triggers/settings.js';
import { ensureTables } from '../dynamodb/bootstrap.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb/dynamodb-local.js';
import {
  LocalDeliveryQueueControl,
  LocalEventBus,
  LocalPollRequestQueue,
  toSqsEvent,
} from '../queue/local-bus.js';
import { LocalQueue } from '../queue/local-queue.js';
import { DEMO_USER, type RunningSimulator, startSimulator } from '../simulator/index.js';
import { ActivityLog } from './activity.js';
import { createApiListener, localContext, type Route } from './api-gateway-adapter.js';
import type { RuntimeEnv } from './config.js';
import { observeGateway } from './observe-gateway.js';
import { handleLocalRoute } from './status.js';

export interface RunningRuntime {
  apiUrl: string;
  simulator?: RunningSimulator | undefined;
  konnektiveUrl: string;
  activity: ActivityLog;
  queues: { polls: LocalQueue; deliveries: LocalQueue; deadLetters: LocalQueue };
  stores: ReturnType<typeof createDynamoDbStores>;
  /** Runs one scheduler tick now (tests, demo). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export class RuntimeStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeStartError';
  }
}

const TABLE_PREFIX = 'kz';
const DELIVERY_VISIBILITY_MS = 60_000;

/** Fails fast when an external Konnektive URL does not answer at all. */
const checkReachable = async (url: string) => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer().catch(() => undefined);
  } catch (error) {
    const reason =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new RuntimeStartError(`KONNEKTIVE_API_URL ${url} is unreachable: ${reason}`);
  }
};

/** Fails before anything starts when PORT is taken (a clear message instead of a half-started system). */
const checkPortFree = async (port: number) => {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, port);
  await new Promise<void>((done) => probe.close(() => done()));
};

/**
 * After a `kill -9` of the runtime, its DynamoDB Local child may still run on the data directory; stop it before
 * starting a new one on the same files.
 */
const killStaleEmulator = async (pidFile: string) => {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return;
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running
  }
  if (!commandLine.includes('DynamoDBLocal')) return;
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
};

const listen = (server: Server, port: number) =>
  new Promise<number>((resolvePort, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new RuntimeStartError(
          error.code === 'EADDRINUSE'
            ? `PORT ${port} is already in use on 127.0.0.1`
            : `cannot listen on port ${port}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });

/** Knobs for tests and benchmarks; `npm start` uses none of them. */
export interface RuntimeOptions {
  write?: (line: string) => void;
  quietHandlers?: boolean;
  /** Use this DynamoDB (e.g. the test run's emulator) instead of starting one. */
  dynamoDbEndpoint?: string;
  /** Physical table name prefix (isolates runtimes sharing one emulator). */
  tablePrefix?: string;
  /** Function settings, as their environment would give them (e.g. a short KONNEKTIVE_QUERY_TIMEOUT_MS). */
  handlerEnv?: Record<string, string>;
  pollSettings?: Partial<PollSettings>;
  deliverySettings?: Partial<DeliverySettings>;
  /** Start the scheduler timer (default true); tests may drive `tick()` themselves. */
  scheduler?: boolean;
  /** The API functions' time per invocation (default: the deployed timeout, API_TIME_LIMITS.functionTimeoutMs). */
  apiTimeoutMs?: number;
}

export const startRuntime = async (
  env: RuntimeEnv,
  options: RuntimeOptions = {},
): Promise<RunningRuntime> => {
  const activity = new ActivityLog(env.LOG_FORMAT, options.write);
  const dataDir = resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    await checkPortFree(env.PORT);
    if (env.KONNEKTIVE_API_URL) await checkReachable(env.KONNEKTIVE_API_URL);

    let dynamo: Pick<DynamoDbLocal, 'endpoint'>;
    if (options.dynamoDbEndpoint) {
      dynamo = { endpoint: options.dynamoDbEndpoint };
    } else {
      try {
        const dynamoDir = join(dataDir, 'dynamodb');
        await killStaleEmulator(join(dataDir, 'dynamodb.pid'));
        const started = await startDynamoDbLocal({ dataDir: dynamoDir });
        if (started.pid) writeFileSync(join(dataDir, 'dynamodb.pid'), String(started.pid));
        cleanups.push(async () => {
          await started.stop();
          rmSync(join(dataDir, 'dynamodb.pid'), { force: true });
        });
        dynamo = started;
      } catch (error) {
        throw new RuntimeStartError(
          `DynamoDB Local did not start: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    const tableNames = localTableNames(options.tablePrefix ?? TABLE_PREFIX);
    const rawClient = createDynamoDbClient({ endpoint: dynamo.endpoint });
    await ensureTables(rawClient, tableNames);
    rawClient.destroy();

    let simulator: RunningSimulator | undefined;
    if (!env.KONNEKTIVE_API_URL) {
      const now = Date.now();
      simulator = await startSimulator({
        port: 0,
        logger: () => undefined,
        // History for samples, ending well before now so a fresh Zap is not handed old events.
        seedOrders: { count: 40, from: new Date(now - 7 * 86_400_000), to: new Date(now - 20 * 60_000) },
      });
      cleanups.push(() => simulator?.close() ?? Promise.resolve());
    }
    const konnektiveUrl = env.KONNEKTIVE_API_URL ?? simulator?.url ?? '';

    // The logger, metrics and tracer read their settings from the environment when created, as in Lambda: set it
    // before the handler modules load. Everything else reaches the handlers through the local container.
    Object.assign(process.env, {
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: options.quietHandlers || env.LOG_FORMAT === 'pretty' ? 'ERROR' : 'INFO',
    });
    const handlers = await import('./handlers.js');

    const documentClient = createDocumentClient({ endpoint: dynamo.endpoint });
    const stores = createDynamoDbStores({ client: documentClient, tableNames });
    const cipher = LocalCredentialCipher.fromKeyFile(join(dataDir, 'credential-key'));
    const queueDir = join(dataDir, 'queues');
    const deadLetters = new LocalQueue({
      name: 'dead-letters',
      dataDir: queueDir,
      visibilityTimeoutMs: 30_000,
    });
    const deliveries = new LocalQueue({
      name: 'deliveries',
      dataDir: queueDir,
      visibilityTimeoutMs: DELIVERY_VISIBILITY_MS,
      maxReceiveCount: 200,
      deadLetterQueue: deadLetters,
    });
    const polls = new LocalQueue({
      name: 'polls',
      dataDir: queueDir,
      visibilityTimeoutMs: 330_000,
      maxReceiveCount: 5,
    });

    const detectedAt = new Map<string, number>();
    const bus = new LocalEventBus(deliveries);
    const observedBus: EventPublisher = {
      publish: async (events: DetectedEvent[]) => {
        await bus.publish(events);
        for (const event of events) {
          detectedAt.set(event.eventId, Date.parse(event.detectedAt));
          if (detectedAt.size > 10_000) detectedAt.delete(detectedAt.keys().next().value as string);
          activity.emit({
            kind: 'detected',
            event: event.payload.event,
            recordId: event.recordId,
            connection: event.payload.connection,
          });
        }
      },
    };
    const fetchSender = new FetchHookSender(DEFAULT_HOOK_ATTEMPT_TIMEOUT_MS);
    const observedSender: HookSender = {
      post: async (url, payload, headers) => {
        const started = Date.now();
        const response = await fetchSender.post(url, payload, headers);
        const body = payload as { event?: string; orderId?: string; transactionId?: string | number };
        const event = body.event ?? '?';
        const recordId = String(
          (event.startsWith('transaction.') ? body.transactionId : body.orderId) ?? '?',
        );
        if (response.kind === 'status' && response.status >= 200 && response.status < 300) {
          const detected = detectedAt.get(headers['webhook-id'] ?? '') ?? started;
          activity.emit({
            kind: 'delivered',
            event,
            recordId,
            url,
            status: response.status,
            durationMs: Date.now() - started,
            latencyMs: Date.now() - detected,
          });
        } else {
          const reason =
            response.kind === 'status'
              ? `HTTP ${response.status}`
              : response.kind === 'timeout'
                ? 'timeout'
                : response.message;
          activity.emit({ kind: 'delivery-failed', event, recordId, url, reason });
        }
        return response;
      },
    };
    const control = new LocalDeliveryQueueControl(deliveries, deadLetters);
    const observedControl: DeliveryQueueControl = {
      retryLater: async (handle, delaySeconds) => {
        await control.retryLater(handle, delaySeconds);
        activity.emit({
          kind: 'retry-scheduled',
          delaySeconds,
          at: new Date(Date.now() + delaySeconds * 1000).toISOString(),
        });
      },
      deadLetter: async (body, reason) => {
        await control.deadLetter(body, reason);
        activity.emit({ kind: 'dead-lettered', reason });
      },
    };
    const konnektive: KonnektiveGateway = observeGateway(
      handlers.localKonnektiveClient(konnektiveUrl, options.handlerEnv),
      activity,
    );

    const built = handlers.buildLocalHandlers(
      handlers.createLocalDependencies({
        stores,
        cipher,
        konnektive,
        egressIps: ['127.0.0.1'],
        hookAllowlist: env.HOOK_URL_ALLOWLIST,
        publisher: observedBus,
        pollQueue: new LocalPollRequestQueue(polls),
        deliveryQueue: observedControl,
        hookSender: observedSender,
        hookPacer: new TokenBucketPacer(DEFAULT_HOOK_RATE_PER_SECOND),
        pollSettings: {
          ...DEFAULT_POLL_SETTINGS,
          settleMs: env.POLL_SETTLE_SECONDS * 1000,
          minRemainingMs: 30_000,
          ...options.pollSettings,
        },
        deliverySettings: { ...DEFAULT_DELIVERY_SETTINGS, ...options.deliverySettings },
      }),
    );

    const routes: Route[] = built.routes;
    const queues = { polls, deliveries, deadLetters };
    const server = createServer(
      createApiListener(
        routes,
        (request, response, url) =>
          handleLocalRoute(request, response, url, { activity, queues, stores, konnektiveUrl, simulator }),
        options.apiTimeoutMs,
      ),
    );
    server.keepAliveTimeout = 5_000;
    const port = await listen(server, env.PORT);
    cleanups.push(
      () =>
        new Promise<void>((done) => {
          server.closeIdleConnections();
          server.close(() => done());
          setTimeout(() => {
            server.closeAllConnections();
          }, 2_000).unref();
        }),
    );
    const apiUrl = `http://127.0.0.1:${port}`;

    // Workers: the scheduler and the two queue consumers, each invoking the Lambda handler with SQS/scheduled events.
    let running = true;
    const inFlight = new Set<Promise<unknown>>();
    const track = <T>(promise: Promise<T>) => {
      inFlight.add(promise);
      void promise.finally(() => inFlight.delete(promise));
      return promise;
    };
    const consume = async (
      queue: LocalQueue,
      batchSize: number,
      budgetMs: number,
      lambda: (event: SQSEvent, context: ReturnType<typeof localContext>) => Promise<SQSBatchResponse>,
    ) => {
      while (running) {
        const messages = queue.receive(batchSize);
        if (messages.length === 0) {
          await queue.waitForMessages(250);
          continue;
        }
        const event = toSqsEvent(queue.name, messages);
        try {
          const result = await track(lambda(event, localContext(queue.name, budgetMs)));
          const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
          for (const message of messages)
            if (!failed.has(message.messageId)) queue.delete(message.receiptHandle);
        } catch (error) {
          activity.emit({
            kind: 'error',
            message: `${queue.name} handler failed: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
      }
    };
    const workers = [
      consume(polls, 1, 300_000, built.background['poll-queue']),
      consume(polls, 1, 300_000, built.background['poll-queue']),
      ...Array.from({ length: 4 }, () => consume(deliveries, 10, 60_000, built.background['delivery-queue'])),
    ];
    const tick = async () => {
      await track(
        built.background.schedule(
          { source: 'local.scheduler', 'detail-type': 'Scheduled Event' },
          localContext('dispatch-polls', 60_000),
        ),
      );
    };
    const timer = setInterval(() => {
      if (running && options.scheduler !== false) {
        tick().catch((error) =>
          activity.emit({ kind: 'error', message: `dispatch failed: ${String(error)}` }),
        );
      }
    }, env.POLL_INTERVAL_SECONDS * 1000);
    cleanups.push(async () => {
      running = false;
      clearInterval(timer);
      // Let in-flight deliveries finish (or return to the queue when the process is gone).
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 20_000))]);
      await Promise.race([Promise.allSettled(workers), new Promise((r) => setTimeout(r, 1_000))]);
      documentClient.destroy();
    });

    activity.emit({
      kind: 'ready',
      apiUrl,
      simulatorUrl: simulator?.url,
      message: `ready: API ${apiUrl}${
        simulator
          ? ` · Konnektive simulator ${simulator.url} (loginId ${DEMO_USER.loginId}, password ${DEMO_USER.password})`
          : ` · Konnektive ${konnektiveUrl}`
      } · status page ${apiUrl}/ · data ${dataDir}`,
    });
    return {
      apiUrl,
      simulator,
      konnektiveUrl,
      activity,
      queues,
      stores,
      tick,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
};
