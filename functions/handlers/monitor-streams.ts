/**
 * Scheduled every minute, on its own schedule: publishes how fresh every stream in use is, from the tables alone
 * (no Konnektive call, not in the VPC), so it reports while polls fail. One log line per stream carries the
 * connection, for the per-connection Contributor Insights rule; the metrics carry no tenant dimension.
 */
import {
  type AssessStreamsDeps,
  assessStreams,
  type StreamHealthSettings,
} from '../core/monitoring/assess-streams.js';
import type { Dependencies } from '../platform/dependencies.js';
import { backgroundHandler } from '../platform/lambda.js';
import { emitMetric, logger } from '../platform/observability.js';
import { STREAM_HEALTH_MESSAGE } from '../platform/telemetry.js';

export const createMonitorHandler = (deps: AssessStreamsDeps, settings: StreamHealthSettings) =>
  backgroundHandler(async (_event: unknown) => {
    const report = await assessStreams(deps, settings);
    for (const health of report.streams) {
      // Every stream, healthy ones too: the per-connection staleness ranking needs them all.
      if (health.connectionStatus === 'active' && health.lease !== 'stuck') {
        logger.info(STREAM_HEALTH_MESSAGE, { ...health });
      } else {
        logger.warn(STREAM_HEALTH_MESSAGE, { ...health });
      }
    }
    emitMetric('StreamStalenessSeconds', report.maxStalenessSeconds);
    emitMetric('StreamsInUse', report.streams.length);
    emitMetric('StuckLeases', report.stuckLeases);
    emitMetric('InvalidConnectionsInUse', report.invalidConnectionsInUse);
    emitMetric('MonitorHeartbeat', 1);
    const summary = {
      streamsInUse: report.streams.length,
      maxStalenessSeconds: report.maxStalenessSeconds,
      stuckLeases: report.stuckLeases,
      invalidConnectionsInUse: report.invalidConnectionsInUse,
    };
    logger.info('streams assessed', summary);
    return summary;
  });

/** The handler as deployed: its dependencies from the process container. */
export const fromDependencies = (deps: Dependencies) =>
  createMonitorHandler(
    {
      subscriptions: deps.stores.subscriptions,
      cursors: deps.stores.cursors,
      connections: deps.stores.connections,
      clock: deps.clock,
    },
    deps.streamHealthSettings,
  );
