/**
 * A whole process container (the `Dependencies` every handler factory takes) over the in-memory fakes, built the way
 * the local runtime builds its own: tests that go through `HANDLER_FACTORIES` get exactly the deployed wiring.
 */
import type { KonnektiveGateway } from '../../functions/core/konnektive.js';
import { DEFAULT_DELIVERY_SETTINGS } from '../../functions/core/triggers/deliver.js';
import { DEFAULT_POLL_SETTINGS } from '../../functions/core/triggers/poll-stream.js';
import type { Dependencies } from '../../functions/platform/dependencies.js';
import { createLocalDependencies } from '../../local/runtime/handlers.js';
import { FakeHookRateLimiter, type Fakes } from './fakes.js';
import { RecordingDeliveryQueue, RecordingPublisher, ScriptedHookSender } from './trigger-fakes.js';

export const fakeContainer = (
  fakes: Fakes,
  options: {
    egressIps?: string[];
    hookAllowlist?: string[];
    konnektive?: KonnektiveGateway;
    hookSender?: ScriptedHookSender;
    deliveryQueue?: RecordingDeliveryQueue;
  } = {},
): Dependencies =>
  createLocalDependencies({
    stores: fakes,
    cipher: fakes.cipher,
    konnektive: options.konnektive ?? fakes.konnektive,
    clock: fakes.clock,
    // A booked rate window is waited for on the fake clock.
    wait: async (ms) => fakes.clock.advance(ms),
    egressIps: options.egressIps ?? ['127.0.0.1'],
    hookAllowlist: options.hookAllowlist ?? ['http://127.0.0.1'],
    publisher: new RecordingPublisher(),
    pollQueue: { enqueue: async () => undefined },
    deliveryQueue: options.deliveryQueue ?? new RecordingDeliveryQueue(),
    hookSender: options.hookSender ?? new ScriptedHookSender(),
    hookRateLimiter: new FakeHookRateLimiter(),
    pollSettings: DEFAULT_POLL_SETTINGS,
    deliverySettings: DEFAULT_DELIVERY_SETTINGS,
  });
