/**
 * What the local runtime tells a person: polls that found something, detections, deliveries, failures and retries,
 * in a readable console (or JSON lines with LOG_FORMAT=json), and kept in small ring buffers for the status page.
 */

export type Activity =
  | { kind: 'ready'; apiUrl: string; simulatorUrl?: string | undefined; message: string }
  | { kind: 'info'; message: string }
  | { kind: 'polled'; connection: string; stream: string; records: number; durationMs: number }
  | { kind: 'poll-error'; connection: string; stream: string; message: string }
  | {
      kind: 'detected';
      event: string;
      recordId: string;
      connection: string;
      /** Record time (Konnektive's timestamp) → detected: what `DetectionLatency` measures in AWS. */
      detectionMs?: number;
    }
  | {
      kind: 'delivered';
      event: string;
      recordId: string;
      url: string;
      status: number;
      durationMs: number;
      latencyMs: number;
      /** Record time → delivered: what `DeliveryLatency` measures in AWS. */
      sinceRecordMs?: number;
    }
  | { kind: 'delivery-failed'; event: string; recordId: string; url: string; reason: string }
  | { kind: 'retry-scheduled'; delaySeconds: number; at: string }
  | { kind: 'dead-lettered'; reason: string }
  | { kind: 'error'; message: string };

const time = (date: Date) => date.toISOString().slice(11, 19);

export const formatPretty = (activity: Activity, at: Date): string => {
  const prefix = time(at);
  switch (activity.kind) {
    case 'ready':
    case 'info':
      return `${prefix} ${activity.message}`;
    case 'polled':
      return `${prefix} polled   ${activity.stream.padEnd(12)} ${activity.connection} · ${activity.records} record(s) in ${activity.durationMs} ms`;
    case 'poll-error':
      return `${prefix} Konnektive ✗ ${activity.stream} query for ${activity.connection}: ${activity.message}`;
    case 'detected':
      return `${prefix} detected ${activity.event.padEnd(21)} ${activity.recordId} (${activity.connection})${
        activity.detectionMs === undefined ? '' : ` ${activity.detectionMs} ms after the record`
      }`;
    case 'delivered':
      return `${prefix} delivered ${activity.event.padEnd(20)} ${activity.recordId} → ${activity.url} ${activity.status} in ${activity.durationMs} ms (detected→delivered ${activity.latencyMs} ms${
        activity.sinceRecordMs === undefined ? '' : `, record→delivered ${activity.sinceRecordMs} ms`
      })`;
    case 'delivery-failed':
      return `${prefix} failed   ${activity.event.padEnd(21)} ${activity.recordId} → ${activity.url}: ${activity.reason}`;
    case 'retry-scheduled':
      return `${prefix} retry    in ${activity.delaySeconds} s (at ${activity.at.slice(11, 19)})`;
    case 'dead-lettered':
      return `${prefix} dead-lettered: ${activity.reason}`;
    case 'error':
      return `${prefix} error: ${activity.message}`;
  }
};

/** Keeps recent activity and writes it out. */
export class ActivityLog {
  readonly recent: Array<Activity & { at: string }> = [];
  private readonly limit = 200;

  constructor(
    private readonly format: 'pretty' | 'json',
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  emit(activity: Activity): void {
    const at = new Date();
    this.recent.push({ ...activity, at: at.toISOString() });
    if (this.recent.length > this.limit) this.recent.splice(0, this.recent.length - this.limit);
    this.write(
      this.format === 'json'
        ? JSON.stringify({ time: at.toISOString(), ...activity })
        : formatPretty(activity, at),
    );
  }

  /** Recent items of some kinds, newest first. */
  latest(kinds: Activity['kind'][], count: number) {
    return this.recent
      .filter((item) => kinds.includes(item.kind))
      .slice(-count)
      .reverse();
  }
}
