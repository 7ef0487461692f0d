/**
 * Konnektive CRM simulator: a standalone HTTP server that behaves like Konnektive's API (see README.md beside
 * this file).
 *
 * ```ts
 * const running = await startSimulator({ port: 0, seed: 42 });
 * await fetch(`${running.url}/order/query/?loginId=demo-api-user&password=demo-password-123&orderId=...`);
 * running.sim.setClock('2026-03-08T12:00:00Z');
 * await running.close();
 * ```
 */
import { startHttpServer } from './server.js';
import { Simulator } from './simulator.js';
import type { SimulatorOptions } from './types.js';

export * from './contract.js';
export {
  Simulator,
  SimulatorConfigError,
} from './simulator.js';
export * from './types.js';

/** Options of {@link startSimulator}: the simulator's own options plus where to listen. */
export interface StartSimulatorOptions extends SimulatorOptions {
  /** TCP port; 0 (default) = a free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
}

/** A simulator listening on HTTP. */
export interface RunningSimulator {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8085`. */
  url: string;
  port: number;
  sim: Simulator;
  /** Stops listening and destroys every open connection (hung requests included). */
  close(): Promise<void>;
}

/** Thrown when the simulator cannot listen (port in use, bad host …). */
export class SimulatorStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulatorStartError';
  }
}

/** Creates a simulator and serves it over HTTP. */
export const startSimulator = async (options: StartSimulatorOptions = {}): Promise<RunningSimulator> => {
  const { port = 0, host = '127.0.0.1', ...simOptions } = options;
  const sim = new Simulator(simOptions);
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    http = await startHttpServer(sim, port, host);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? `port ${port} is already in use` : String(cause);
    throw new SimulatorStartError(`Konnektive simulator could not listen on ${host}:${port}: ${reason}`, {
      cause,
    });
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${http.port}`,
    port: http.port,
    sim,
    close: () => http.close(),
  };
};
