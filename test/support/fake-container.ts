/**
 * A whole process container (the `Dependencies` every handler factory takes) over the in-memory fakes, built the way
 * the local runtime builds its own: tests that go through `HANDLER_FACTORIES` get exactly the deployed wiring.
 */
import type { KonnektiveGateway } from '../../functions/core/konnektive.js';
import { DEFAULT_DELIVERY_SETTINGS } from '../../functions/core/triggers/deliver.js';
import { DEFAULT_POLL_SETTINGS } from '../../functions/core/triggers/poll-stream.js';
import type { Dependencies } from '../../functions/shared/dependencies.js';
import { createLocalDependencies } from '../../local/runtime/handlers.js';
import type { Fakes } from './fakes.js';
import { RecordingPublisher, ScriptedHookSender } from './trigger-fakes.js';

export const fakeContainer = (
  fakes: Fakes,
  options: { egressIps?: string[]; hookAllowlist?: string[]; konnektive?: KonnektiveGateway } = {},
): Dependencies =>
  createLocalDependencies({
    stores: fakes,
    cipher: fakes.cipher,
    konnektive: options.konnektive ?? fakes.konnektive,
    clock: fakes.clock,
    egressIps: options.egressIps ?? ['127.0.0.1'],
    hookAllowlist: options.hookAllowlist ?? ['http://127.0.0.1'],
    publisher: new RecordingPublisher(),
    pollQueue: { enqueue: async () => undefined },
    deliveryQueue: { retryLater: async () => undefined, deadLetter: async () => undefined },
    hookSender: new ScriptedHookSender(),
    hookPacer: { acquire: async () => undefined },
    pollSettings: DEFAULT_POLL_SETTINGS,
    deliverySettings: DEFAULT_DELIVERY_SETTINGS,
  });
