/**
 * Where the CPU went during a measurement: this Node process (CPU time and event-loop utilization — near 1 means
 * the one JavaScript thread was the bottleneck) and DynamoDB Local's JVM (from /proc, Linux only).
 */
import { readFileSync } from 'node:fs';
import type { EventLoopUtilization } from 'node:perf_hooks';

/** CPU time (user + system, ms) of a process from /proc/<pid>/stat; undefined when unavailable. */
export const processCpuMs = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    // Linux reports clock ticks; USER_HZ is 100 on every mainstream distribution.
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) * 10 : undefined;
  } catch {
    return undefined;
  }
};

export interface CpuReport {
  wallMs: number;
  /** CPU of this process as a share of one core (1.0 = one core busy all the time). */
  nodeCores: number;
  /** Event-loop utilization of this process's main thread (0–1). */
  nodeEventLoop: number;
  /** CPU of DynamoDB Local's JVM as a share of one core; undefined when not measurable. */
  dynamoDbCores: number | undefined;
}

export class CpuMeter {
  private readonly startedAt = performance.now();
  private readonly cpu = process.cpuUsage();
  private readonly elu: EventLoopUtilization = performance.eventLoopUtilization();
  private readonly jvmStart: number | undefined;

  constructor(private readonly jvmPid: number | undefined) {
    this.jvmStart = processCpuMs(jvmPid);
  }

  stop(): CpuReport {
    const wallMs = performance.now() - this.startedAt;
    const cpu = process.cpuUsage(this.cpu);
    const elu = performance.eventLoopUtilization(this.elu);
    const jvmEnd = processCpuMs(this.jvmPid);
    return {
      wallMs,
      nodeCores: (cpu.user + cpu.system) / 1000 / wallMs,
      nodeEventLoop: elu.utilization,
      dynamoDbCores:
        this.jvmStart === undefined || jvmEnd === undefined ? undefined : (jvmEnd - this.jvmStart) / wallMs,
    };
  }
}

export const formatCpu = (report: CpuReport): string =>
  `node ${report.nodeCores.toFixed(2)} core (event loop ${(report.nodeEventLoop * 100).toFixed(0)}% busy)` +
  (report.dynamoDbCores === undefined ? '' : `, DynamoDB Local ${report.dynamoDbCores.toFixed(2)} core`);
