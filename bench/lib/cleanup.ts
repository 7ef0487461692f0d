import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Everything the benchmark starts (DynamoDB Local, simulators, runtimes, child processes) is registered here and
 * stopped in reverse order — after each section, on failure, and on SIGINT/SIGTERM. Child processes are also guarded
 * against an abrupt end of this process (see `trackPid`), so no JVM or server is left behind.
 */

export class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];
  /** Guarded child pid → its watchdog. */
  private static readonly pids = new Map<number, ChildProcess>();
  private static exitHookInstalled = false;

  /** Registers a stop step; returns a function that runs it now (and unregisters it). */
  add(name: string, run: () => Promise<void>): () => Promise<void> {
    const step = { name, run };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await Cleanup.runStep(step);
    };
  }

  /** Runs every registered step, newest first; a failing or hanging step does not stop the others. */
  async runAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await Cleanup.runStep(step);
  }

  private static async runStep(step: { name: string; run: () => Promise<void> }): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        step.run(),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            process.stderr.write(`cleanup: ${step.name} did not stop within 30 s, moving on\n`);
            resolve();
          }, 30_000);
        }),
      ]);
    } catch (error) {
      process.stderr.write(
        `cleanup: ${step.name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Guards a child process: SIGKILLed if this process exits while it still runs, and — through a small detached
   * watchdog shell that outlives us — even if this process is killed outright (SIGKILL, or tsx's signal relay
   * SIGKILLing a busy child). The watchdog only kills `pid` while its command line still contains `marker`, so a
   * reused process id is never touched; `untrackPid` stops the watchdog.
   */
  static trackPid(pid: number | undefined, marker: string): void {
    if (pid === undefined) return;
    const watchdog = spawn(
      '/bin/sh',
      [
        '-c',
        'while kill -0 "$1" 2>/dev/null; do sleep 1; done; if grep -qa -- "$3" "/proc/$2/cmdline" 2>/dev/null; then kill -9 "$2"; fi',
        'bench-watchdog',
        String(process.pid),
        String(pid),
        marker,
      ],
      { detached: true, stdio: 'ignore' },
    );
    watchdog.on('error', () => undefined); // no /bin/sh: the exit hook below still applies
    watchdog.unref();
    Cleanup.pids.set(pid, watchdog);
    if (!Cleanup.exitHookInstalled) {
      Cleanup.exitHookInstalled = true;
      process.on('exit', () => {
        for (const [tracked, guard] of Cleanup.pids) {
          for (const target of [tracked, guard.pid]) {
            try {
              if (target !== undefined) process.kill(target, 'SIGKILL');
            } catch {
              // already gone
            }
          }
        }
      });
    }
  }

  /** The child has stopped: forget it and stop its watchdog. */
  static untrackPid(pid: number | undefined): void {
    if (pid === undefined) return;
    const watchdog = Cleanup.pids.get(pid);
    Cleanup.pids.delete(pid);
    if (watchdog && watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
  }
}
