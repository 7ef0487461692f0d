/**
 * A TypeScript entry of this repository started as a child process (`node --import tsx <script>`), guarded by the
 * benchmark's cleanup: resolved once a line of its output matches `ready`, stopped with SIGTERM (SIGKILL after 5 s)
 * after the section, on failure and on SIGINT/SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Cleanup } from './cleanup.js';

export const startScript = async (options: {
  repoRoot: string;
  cleanup: Cleanup;
  name: string;
  script: string;
  args?: string[];
  ready: RegExp;
}): Promise<{ child: ChildProcess; match: RegExpExecArray; stop: () => Promise<void> }> => {
  const child = spawn(process.execPath, ['--import', 'tsx', options.script, ...(options.args ?? [])], {
    cwd: options.repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  Cleanup.trackPid(child.pid, options.script);
  const stop = options.cleanup.add(options.name, async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    Cleanup.untrackPid(child.pid);
  });
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start: ${output}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = options.ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}): ${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return { child, match, stop };
};
