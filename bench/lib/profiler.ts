/**
 * `--cpu-profile`: samples this process's main thread (node:inspector) during a measurement and sums self time by
 * where it was spent — AWS SDK, async hooks, GC, zod, HTTP plumbing, our files — to say which step dominates.
 * The raw .cpuprofile is written next to the results for Chrome DevTools / speedscope.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Sampled non-idle main-thread time, ms. */
  busyMs: number;
  idleMs: number;
  /** Top categories by self time. */
  top: Array<{ category: string; ms: number; share: number }>;
  file?: string;
}

const categoryOf = (frame: ProfileNode['callFrame'], repoRoot: string): string => {
  const { url, functionName } = frame;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) {
    if (pkg.startsWith('@smithy/') || pkg.startsWith('@aws-sdk/')) return 'AWS SDK v3 (@smithy, @aws-sdk)';
    if (pkg === 'cls-hooked' || pkg === 'async-hook-jl' || pkg === 'aws-xray-sdk-core')
      return 'X-Ray SDK / cls-hooked';
    return pkg;
  }
  if (functionName === 'registerDestroyHook' || url === 'node:internal/async_hooks')
    return 'async_hooks destroy tracking (enabled by cls-hooked)';
  if (url === '') return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  if (
    /^node:(internal\/deps\/undici|_http|net|internal\/streams|internal\/stream_base|internal\/webstreams)/.test(
      url,
    )
  )
    return 'node HTTP / streams';
  if (url.startsWith('node:')) return url;
  const file = url.replace(/^file:\/\//, '').replace(`${repoRoot}/`, '');
  if (file.startsWith('local/simulator/')) return 'simulator (in-process)';
  return file;
};

export class CpuProfiler {
  private readonly session = new Session();

  constructor(private readonly repoRoot: string) {}

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.session.post('Profiler.start');
  }

  /** Stops, summarizes, and writes the raw profile to `file` when given. */
  async stop(file?: string, topN = 12): Promise<ProfileSummary> {
    const { profile } = (await this.session.post('Profiler.stop')) as { profile: Profile };
    await this.session.post('Profiler.disable');
    this.session.disconnect();
    if (file) writeFileSync(file, JSON.stringify(profile));
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map<string, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    let idle = 0;
    for (let i = 0; i < samples.length; i++) {
      const node = byId.get(samples[i] ?? -1);
      const micros = deltas[i] ?? 0;
      if (!node) continue;
      if (node.callFrame.functionName === '(idle)') {
        idle += micros;
        continue;
      }
      const category = categoryOf(node.callFrame, this.repoRoot);
      self.set(category, (self.get(category) ?? 0) + micros);
    }
    const busy = [...self.values()].reduce((sum, value) => sum + value, 0);
    const top = [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([category, micros]) => ({ category, ms: micros / 1000, share: busy > 0 ? micros / busy : 0 }));
    return { busyMs: busy / 1000, idleMs: idle / 1000, top, ...(file ? { file } : {}) };
  }
}

export const formatProfile = (summary: ProfileSummary, count = 8): string =>
  `main thread busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s; self time: ` +
  summary.top
    .slice(0, count)
    .map((entry) => `${entry.category} ${(entry.share * 100).toFixed(0)}%`)
    .join(', ');
