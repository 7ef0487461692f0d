/**
 * The Powertools tracer and its middy middleware. Loaded by `observability.ts` only where invocations are traced
 * (in Lambda): the X-Ray SDK under the tracer costs tens of milliseconds to load and installs async hooks that
 * cost CPU on every await, so a process that does not trace (the local runtime, tests) never loads it.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';

export const createTracing = (serviceName: string) => {
  const tracer = new Tracer({ serviceName });
  return { tracer, middleware: () => captureLambdaHandler(tracer, { captureResponse: false }) };
};
