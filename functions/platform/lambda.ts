/**
 * The middy chain of background functions (scheduler, queues): Tracer → Logger → Metrics. Errors are logged and
 * propagate so the event source retries; SQS handlers report partial batch failures instead of failing whole batches.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, publishMetrics, traceInvocation } from './observability.js';

/**
 * Logs an invocation's error before it reaches the runtime (which logs it again, unmapped, and lets the event source
 * retry): our line carries the stack in the sources' terms and the invocation's keys.
 */
const logFailure = <TEvent, TResult>(): MiddlewareObj<TEvent, TResult> => ({
  onError: (request) => {
    logger.error('invocation failed', { error: request.error });
  },
});

export const backgroundHandler = <TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
) =>
  middy<TEvent, TResult>()
    .use(traceInvocation())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(publishMetrics())
    .use(logFailure())
    .handler(handler);
