/**
 * The functions as the local runtime runs them: every route and worker comes from the function table
 * (functions/handlers/catalog.ts, the one the CDK deploys from) and is built by the same factory as its Lambda
 * entry (functions/handlers/index.ts), from the local container. Imported only after the runtime has set the
 * Powertools environment (log level, metrics and tracing off), which the logger reads when it is created.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import {
  API_HANDLERS,
  type ApiHandlerName,
  BACKGROUND_HANDLERS,
  type BackgroundSource,
} from '../../functions/handlers/catalog.js';
import { HANDLER_FACTORIES } from '../../functions/handlers/index.js';
import type { Dependencies } from '../../functions/platform/dependencies.js';
import type { ApiLambda, Route } from './api-gateway-adapter.js';

export { createLocalDependencies, localKonnektiveClient } from './local-dependencies.js';

export type QueueLambda = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
export type ScheduledLambda = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalHandlers {
  routes: Route[];
  /** The background functions by what invokes them. */
  background: {
    schedule: ScheduledLambda;
    'monitor-schedule': ScheduledLambda;
    'poll-queue': QueueLambda;
    'delivery-queue': QueueLambda;
  };
}

export const buildLocalHandlers = (deps: Dependencies): LocalHandlers => {
  const routes: Route[] = (Object.keys(API_HANDLERS) as ApiHandlerName[]).map((name) => ({
    method: API_HANDLERS[name].method,
    path: API_HANDLERS[name].path,
    handler: HANDLER_FACTORIES[name](deps) as ApiLambda,
  }));
  const background: Partial<Record<BackgroundSource, unknown>> = {};
  for (const [name, spec] of Object.entries(BACKGROUND_HANDLERS)) {
    background[spec.source] = HANDLER_FACTORIES[name as keyof typeof BACKGROUND_HANDLERS](deps);
  }
  return { routes, background: background as LocalHandlers['background'] };
};
