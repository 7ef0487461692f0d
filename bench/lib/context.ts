/** What every benchmark section gets. */
import type { Cleanup } from './cleanup.js';
import type { BenchConfig } from './config.js';
import type { DynamoMeter } from './dynamo-meter.js';
import type { SectionResult } from './report.js';

export interface SectionContext {
  config: BenchConfig;
  /** The benchmark's own DynamoDB Local. */
  dynamoDbEndpoint: string;
  /** Its process id (CPU accounting), when known. */
  dynamoDbPid: number | undefined;
  /** Stops whatever the section starts (run after the section, also on failure). */
  cleanup: Cleanup;
  meter: DynamoMeter;
  /** The repository root (absolute). */
  repoRoot: string;
  /** Where results (and `--cpu-profile` files) are written (absolute). */
  outputDir: string;
  /** A progress line on stderr (the table goes to stdout). */
  progress(message: string): void;
}

export type SectionOutput = Omit<SectionResult, 'id' | 'title' | 'durationMs'>;

export interface Section {
  id: string;
  title: string;
  run(context: SectionContext): Promise<SectionOutput>;
}
