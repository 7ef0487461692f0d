/**
 * `npm start`: the whole system on this machine. `npm start -- --demo` (or `npm run demo`) also connects to the
 * simulator, subscribes a local hook receiver to all five triggers and runs realistic traffic.
 * Environment (docs/architecture.md, Interfaces others rely on): PORT, KONNEKTIVE_API_URL, POLL_INTERVAL_SECONDS, HOOK_URL_ALLOWLIST, DATA_DIR, LOG_FORMAT.
 */
import { parseRuntimeEnv, RuntimeConfigError } from './config.js';
import { type RunningRuntime, RuntimeStartError, startRuntime } from './runtime.js';

const USAGE = 'usage: npm start [-- --demo]';

const main = async () => {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--demo');
  if (unknown.length > 0) throw new RuntimeConfigError(`unknown argument ${unknown.join(' ')} (${USAGE})`);
  const env = parseRuntimeEnv(process.env);
  const runtime: RunningRuntime = await startRuntime(env);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.activity.emit({ kind: 'info', message: `${signal}: stopping (finishing in-flight deliveries)…` });
    await runtime.stop();
    runtime.activity.emit({ kind: 'info', message: 'stopped' });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (args.includes('--demo')) {
    const { runDemo } = await import('./demo.js');
    await runDemo(runtime);
  }
};

main().catch((error: unknown) => {
  const known = error instanceof RuntimeConfigError || error instanceof RuntimeStartError;
  process.stderr.write(
    `npm start failed: ${known ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
