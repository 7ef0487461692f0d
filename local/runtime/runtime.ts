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
  DynamoDbHookRateLimiter,
  localTableNames,
} from '../../functions/adapters/dynamodb/index.js';
import { FetchHookSender } from '../../functions/adapters/http/fetch-hook-sender.js';
import type { KonnektiveGateway } from '../../functions/core/konnektive.js';
import type { DetectedEvent } from '../../functions/core/model.js';
import type { DeliveryQueue, EventPublisher, HookSender } from '../../functions/core/ports.js';
import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '../../functions/core/triggers/deliver.js';
import { CoalescingHookRateLimiter, hookRatePolicy } from '../../functions/core/triggers/hook-rate.js';
import { DEFAULT_POLL_SETTINGS, type PollSettings } from '../../functions/core/triggers/poll-stream.js';
import {
  DEFAULT_HOOK_ATTEMPT_TIMEOUT_MS,
  DEFAULT_HOOK_RATE_PER_SECOND,
} from '../../functions/core/triggers/settings.js';
import { ensureTables } from '../dynamodb/bootstrap.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb/dynamodb-local.js';
import { LocalDeliveryQueue, LocalEventBus, LocalPollRequestQueue, toSqsEvent } from '../queue/local-bus.js';
import { LocalEventArchive } from '../queue/local-event-archive.js';
import { LocalQueue, type ReceivedMessage } from '../queue/local-queue.js';
import { DEMO_USER, type RunningSimulator, startSimulator } from '../simulator/index.js';
import { ActivityLog } from './activity.js';
import { createApiListener, localContext, type Route } from './api-gateway-adapter.js';
import type { RuntimeEnv } from './config.js';
import { InMemoryHookRateLimiter } from './in-memory-rate-limiter.js';
import { observeGateway } from './observe-gateway.js';
import { handleOpsRoute } from './ops-routes.js';
import { handleLocalRoute, type StreamHealth } from './status.js';

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
/** The deliver function's time per invocation, as in AWS. */
const DELIVER_BUDGET_MS = 60_000;
/** As the stack sets them: six function timeouts, and enough receives that crashes cannot outrun the retry horizon. */
const DELIVERY_VISIBILITY_MS = 6 * DELIVER_BUDGET_MS;
const DELIVERY_MAX_RECEIVE_COUNT = 1000;
/**
 * Delivery messages handled side by side, each in its own slot (one message per invocation): a slow hook holds its
 * own slot only, and the per-URL rate keeps any one slow hook to a few slots.
 */
const DELIVERY_SLOTS = 32;
/** Polls (one (connection, stream) each) run side by side, as separate Lambda invocations would. */
const POLL_SLOTS = 4;
/** How long a graceful stop waits for in-flight deliveries (one attempt timeout and its writes) before aborting. */
const STOP_GRACE_MS = 20_000;

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
  /** Requests per second per hook URL (default 25, as in AWS). */
  hookRatePerSecond?: number;
  /**
   * Where hook rates are kept: in this process (default — the runtime is one process, so it is exact) or in DynamoDB
   * Local through the adapter AWS uses (what the benchmark compares).
   */
  hookRateStore?: 'memory' | 'dynamodb';
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
        // Shielded from the process group's SIGINT/SIGTERM: the graceful stop stops it last, after in-flight writes.
        const started = await startDynamoDbLocal({ dataDir: dynamoDir, shielded: true });
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
      maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT,
      deadLetterQueue: deadLetters,
    });
    const polls = new LocalQueue({
      name: 'polls',
      dataDir: queueDir,
      visibilityTimeoutMs: 330_000,
      maxReceiveCount: 5,
    });

    /** Per event id: when it was detected and its record time (for the latency figures the console prints). */
    const detectedAt = new Map<string, { at: number; occurredAt: number }>();
    const archive = new LocalEventArchive({ dataDir: queueDir });
    const bus = new LocalEventBus(deliveries, archive);
    const observedBus: EventPublisher = {
      publish: async (events: DetectedEvent[]) => {
        await bus.publish(events);
        for (const event of events) {
          const at = Date.parse(event.detectedAt);
          const occurredAt = Date.parse(event.occurredAt);
          detectedAt.set(event.eventId, { at, occurredAt });
          if (detectedAt.size > 10_000) detectedAt.delete(detectedAt.keys().next().value as string);
          activity.emit({
            kind: 'detected',
            event: event.payload.event,
            recordId: event.recordId,
            connection: event.payload.connection,
            ...(Number.isFinite(occurredAt) ? { detectionMs: Math.max(0, at - occurredAt) } : {}),
          });
        }
      },
    };
    // A graceful stop that outlasts its grace aborts the POSTs still open (they count as failed attempts and are
    // retried after the restart).
    const openPosts = new Set<AbortController>();
    const fetchSender = new FetchHookSender(DEFAULT_HOOK_ATTEMPT_TIMEOUT_MS, async (input, init) => {
      const controller = new AbortController();
      init?.signal?.addEventListener('abort', () => controller.abort(init.signal?.reason), { once: true });
      openPosts.add(controller);
      try {
        return await fetch(input, { ...init, signal: controller.signal });
      } finally {
        openPosts.delete(controller);
      }
    });
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
          const seen = detectedAt.get(headers['webhook-id'] ?? '');
          const detected = seen?.at ?? started;
          const now = Date.now();
          activity.emit({
            kind: 'delivered',
            event,
            recordId,
            url,
            status: response.status,
            durationMs: now - started,
            latencyMs: now - detected,
            ...(seen && Number.isFinite(seen.occurredAt)
              ? { sinceRecordMs: Math.max(0, now - seen.occurredAt) }
              : {}),
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
    const deliveryQueue = new LocalDeliveryQueue(deliveries, deadLetters);
    const observedQueue: DeliveryQueue = {
      send: async (messages, now) => {
        await deliveryQueue.send(messages, now);
        for (const message of messages) {
          // Retries (a later attempt, or a store error's wait) are shown; rate bookings and hops are routine.
          if (message.booking || !message.notBefore || message.attempt === 1) continue;
          const delaySeconds = Math.max(
            0,
            Math.round((Date.parse(message.notBefore) - now.getTime()) / 1000),
          );
          activity.emit({ kind: 'retry-scheduled', delaySeconds, at: message.notBefore });
        }
      },
      deadLetter: async (body, reason) => {
        await deliveryQueue.deadLetter(body, reason);
        activity.emit({ kind: 'dead-lettered', reason });
      },
    };
    const ratePolicy = hookRatePolicy(options.hookRatePerSecond ?? DEFAULT_HOOK_RATE_PER_SECOND);
    const konnektive: KonnektiveGateway = observeGateway(
      handlers.localKonnektiveClient(konnektiveUrl, options.handlerEnv),
      activity,
    );

    // The dispatcher's logic as in AWS: each tick queues the polls of the tick, spaced by the interval.
    const tickSeconds = env.SCHEDULER_TICK_SECONDS ?? env.POLL_INTERVAL_SECONDS;
    const built = handlers.buildLocalHandlers(
      handlers.createLocalDependencies({
        stores,
        cipher,
        konnektive,
        egressIps: ['127.0.0.1'],
        hookAllowlist: env.HOOK_URL_ALLOWLIST,
        publisher: observedBus,
        pollQueue: new LocalPollRequestQueue(polls),
        deliveryQueue: observedQueue,
        hookSender: observedSender,
        hookRateLimiter:
          options.hookRateStore === 'dynamodb'
            ? new CoalescingHookRateLimiter(
                new DynamoDbHookRateLimiter(documentClient, tableNames.hookRates, ratePolicy),
              )
            : new InMemoryHookRateLimiter(ratePolicy),
        pollSettings: {
          ...DEFAULT_POLL_SETTINGS,
          settleMs: env.POLL_SETTLE_SECONDS * 1000,
          minRemainingMs: 30_000,
          ...options.pollSettings,
        },
        deliverySettings: {
          ...DEFAULT_DELIVERY_SETTINGS,
          ...(env.DELIVERY_RETRY_SECONDS === undefined
            ? {}
            : {
                retry: { ...DEFAULT_DELIVERY_SETTINGS.retry, horizonMs: env.DELIVERY_RETRY_SECONDS * 1000 },
              }),
          ...options.deliverySettings,
        },
        dispatchSettings: {
          tickSeconds,
          intervalSeconds: env.POLL_INTERVAL_SECONDS,
          // Spread over the interval only when configured like AWS; otherwise a tick polls at once, as before.
          spread: tickSeconds > env.POLL_INTERVAL_SECONDS,
        },
      }),
    );

    const routes: Route[] = built.routes;
    /** The stream monitor's latest summary (what it publishes as metrics in AWS), for the status page. */
    let streamHealth: StreamHealth | undefined;
    const queues = { polls, deliveries, deadLetters };
    const server = createServer(
      createApiListener(
        routes,
        async (request, response, url) =>
          (await handleOpsRoute(request, response, url, {
            stores,
            queues,
            deliveryQueue: observedQueue,
            archive,
            activity,
            clock: { now: () => new Date() },
          })) ||
          handleLocalRoute(request, response, url, {
            activity,
            queues,
            stores,
            konnektiveUrl,
            simulator,
            streamHealth: () => streamHealth,
          }),
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
      void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
      return promise;
    };
    // Once stopping, every invocation sees no time left: deliveries hand back what they have not started, polls
    // checkpoint and end at their next window; what is in flight finishes (see stop below).
    const context = (name: string, budgetMs: number) => {
      const lambdaContext = localContext(name, budgetMs);
      return {
        ...lambdaContext,
        getRemainingTimeInMillis: () => (running ? lambdaContext.getRemainingTimeInMillis() : 0),
      };
    };
    /**
     * Up to `slots` invocations at once, one message each (SQS semantics otherwise: a message is deleted only when
     * its record succeeded). A slow message holds its own slot, never a batch behind it.
     */
    const consume = async (
      queue: LocalQueue,
      slots: number,
      budgetMs: number,
      lambda: (event: SQSEvent, context: ReturnType<typeof localContext>) => Promise<SQSBatchResponse>,
    ) => {
      let active = 0;
      let slotFreed: () => void = () => undefined;
      const invoke = async (message: ReceivedMessage) => {
        try {
          const result = await lambda(toSqsEvent(queue.name, [message]), context(queue.name, budgetMs));
          if (result.batchItemFailures.length === 0) queue.delete(message.receiptHandle);
        } catch (error) {
          activity.emit({
            kind: 'error',
            message: `${queue.name} handler failed: ${error instanceof Error ? error.message : String(error)}`,
          });
        }
      };
      while (running) {
        if (active >= slots) {
          await new Promise<void>((resolve) => {
            slotFreed = resolve;
          });
          continue;
        }
        const messages = queue.receive(slots - active);
        if (messages.length === 0) {
          await Promise.race([queue.waitForMessages(250), stopped]);
          continue;
        }
        for (const message of messages) {
          active += 1;
          void track(invoke(message)).finally(() => {
            active -= 1;
            slotFreed();
          });
        }
      }
    };
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const workers = [
      consume(polls, POLL_SLOTS, 300_000, built.background['poll-queue']),
      consume(deliveries, DELIVERY_SLOTS, DELIVER_BUDGET_MS, built.background['delivery-queue']),
    ];
    const scheduled = { source: 'local.scheduler', 'detail-type': 'Scheduled Event' };
    const tick = async () => {
      // The stream monitor has its own schedule in AWS; here it runs on the same tick, beside the dispatcher (neither
      // waits for or fails with the other). Its gauges are metrics (off locally) and its "stream health" log lines.
      const monitor = track(
        built.background['monitor-schedule'](scheduled, context('monitor-streams', 60_000)),
      ).then(
        (summary) => {
          streamHealth = { ...(summary as Omit<StreamHealth, 'at'>), at: new Date().toISOString() };
        },
        (error) => activity.emit({ kind: 'error', message: `stream monitor failed: ${String(error)}` }),
      );
      try {
        await track(built.background.schedule(scheduled, context('dispatch-polls', 60_000)));
      } finally {
        await monitor;
      }
    };
    const timer = setInterval(() => {
      if (running && options.scheduler !== false) {
        tick().catch((error) =>
          activity.emit({ kind: 'error', message: `dispatch failed: ${String(error)}` }),
        );
      }
    }, tickSeconds * 1000);
    cleanups.push(async () => {
      // A graceful stop: take no new messages; let what is in flight finish — POSTs end within their attempt
      // timeout, and their markers, follow-ups and checkpoints are written while DynamoDB Local still runs (it stops
      // last). Past the grace, open POSTs are aborted (failed attempts, retried after a restart) and their writes
      // still finish. A message whose invocation never finished was not deleted: it comes back on restart.
      running = false;
      stop();
      clearInterval(timer);
      const settled = () => Promise.allSettled([...inFlight]);
      const graceOver = await Promise.race([
        settled().then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_GRACE_MS).unref()),
      ]);
      if (graceOver) {
        for (const post of openPosts) post.abort();
        await Promise.race([settled(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      }
      await Promise.race([Promise.allSettled(workers), new Promise((r) => setTimeout(r, 1_000).unref())]);
      for (const queue of [polls, deliveries, deadLetters]) queue.close();
      archive.close();
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
