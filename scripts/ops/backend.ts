/**
 * What the ops commands need from a deployment, with two implementations that behave the same because both run
 * the same use cases (functions/core/operations): `aws-backend.ts` runs them in this process on the stage's
 * tables and queues (AWS SDK), `local-backend.ts` asks `npm start` to run them (its loopback-only `/_ops/` routes).
 */
import type { ConnectionReport, RetestResult } from '../../functions/core/operations/connections.js';
import type {
  DeadLetterQueueName,
  DeadLetterReport,
  RedriveResult,
} from '../../functions/core/operations/dead-letters.js';
import type { ReplayRequest, ReplayResult } from '../../functions/core/operations/replay.js';

export interface OpsBackend {
  /** Says where the commands act, for the first line of their output. */
  readonly target: string;
  listConnections(): Promise<ConnectionReport[]>;
  retestConnection(connectionId: string): Promise<RetestResult>;
  /** Every dead-letter queue, or the one named. */
  listDeadLetters(options: {
    queue?: DeadLetterQueueName | undefined;
    sample: number;
  }): Promise<DeadLetterReport[]>;
  redriveDeadLetters(options: {
    queue: DeadLetterQueueName;
    max: number;
    fresh: boolean;
  }): Promise<RedriveResult>;
  replay(request: ReplayRequest): Promise<ReplayResult>;
  /** Frees what the backend holds (SDK clients). */
  close(): void;
}

/** A failure to report in one line (exit 1): a refused operation, an unreachable target, an AWS error. */
export class OpsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpsError';
  }
}
