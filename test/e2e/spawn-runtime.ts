/**
 * Starts the local runtime exactly as the README says (`npm start`, configured only through the FIXED environment
 * contract) in its own process group, and stops it gracefully or with `kill -9`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { HookReceiver } from '../../local/runtime/hook-receiver.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface SpawnedRuntime {
  child: ChildProcess;
  apiUrl: string;
  output: () => string;
  /**
   * SIGTERM to the process group, as a terminal's Ctrl-C or a process manager would signal it; resolves with the
   * runtime's own exit status as it reported it, once every process of the group has exited.
   */
  stop(): Promise<number | null>;
  /** SIGKILL the whole process group (runtime and its DynamoDB Local), like a crash. */
  kill9(): Promise<void>;
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code));
  });

const groupAlive = (group: number) => {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs `npm start` with `env` until it prints `ready` (rejects with the output if it exits or times out first). */
export const spawnRuntime = async (env: Record<string, string>, args: string[] = [], timeoutMs = 90_000) => {
  const child = spawn('npm', ['start', ...(args.length ? ['--', ...args] : [])], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_FORMAT: env.LOG_FORMAT ?? 'pretty' },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const apiUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`runtime not ready after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const check = () => {
      const match = /ready: API (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`runtime exited (${code}) before ready:\n${output}`));
    });
  });
  const group = child.pid ?? 0;
  const running: SpawnedRuntime = {
    child,
    apiUrl,
    output: () => output,
    stop: async () => {
      process.kill(-group, 'SIGTERM');
      await exited(child);
      for (let i = 0; i < 200 && groupAlive(group); i++) await new Promise((r) => setTimeout(r, 100));
      if (groupAlive(group)) return null;
      return /\bstopped\b/.test(output) ? 0 : null;
    },
    kill9: async () => {
      process.kill(-group, 'SIGKILL');
      await exited(child);
      await new Promise((r) => setTimeout(r, 300));
    },
  };
  return running;
};

/** Runs `npm start` expecting it to fail; resolves with its exit code and output (never hangs past the timeout). */
export const runFailingRuntime = (env: Record<string, string>, timeoutMs = 60_000) =>
  new Promise<{ code: number | null; output: string }>((done, reject) => {
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
      reject(new Error(`npm start hung for ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });

/** One JSON request to a spawned runtime's API; the answer's status and parsed body. */
export const callApi = async (
  runtime: Pick<SpawnedRuntime, 'apiUrl'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const response = await fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
};

/** The orderId of a simulator envelope. */
export const orderIdOf = (envelope: { result: string; message: unknown }) =>
  String((envelope.message as { orderId: string }).orderId);

/** Event ids a path of the hook receiver answered with 200. */
export const deliveredIds = (receiver: Pick<HookReceiver, 'received'>, path: string) =>
  receiver.received
    .filter((hook) => hook.path === path && hook.status === 200)
    .map((hook) => String((hook.body as { id: string }).id));
