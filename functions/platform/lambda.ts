/**
 * The middy chain of background functions (scheduler, queues): Tracer → Logger → Metrics. Errors propagate so the
 * event source retries; SQS handlers report partial batch failures instead of failing whole batches.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, publishMetrics, traceInvocation } from './observability.js';

export const backgroundHandler = <TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
) =>
  middy<TEvent, TResult>()
    .use(traceInvocation())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .handler(handler);
