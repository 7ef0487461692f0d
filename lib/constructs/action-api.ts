/**
 * The HTTP API the Zapier app calls (docs/http-api.md): one Lambda function per route, a throttled `$default` stage
 * with JSON access logs. Authentication is the functions' job (bearer tokens looked up by hash in DynamoDB), so the
 * routes carry no API Gateway authorizer.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  API_HANDLERS,
  type ApiHandlerName,
  type ApiRouteSpec,
  constructIdOf,
} from '../../functions/handlers/catalog.js';
import { createHandlerFunction, type HandlerContext } from './handler-function.js';
import type { ServiceFunction } from './service-function.js';

/** API Gateway gives up on an integration after 29 s; the function answers (or times out) before that. */
export const API_FUNCTION_TIMEOUT = Duration.seconds(28);

/** Steady-state and burst request rates. */
export interface ThrottleLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface ActionApiProps {
  readonly context: HandlerContext;
  /** Default throttling of every route. @default 50 requests/s, burst 100 */
  readonly throttle?: ThrottleLimits;
  /**
   * Throttling of `POST /sessions`: unauthenticated and each call verifies credentials against Konnektive, so it
   * must not become a password-guessing or Konnektive-flooding endpoint. @default 2 requests/s, burst 5
   */
  readonly sessionThrottle?: ThrottleLimits;
  /** Retention of the access log group. @default one month */
  readonly accessLogRetention?: logs.RetentionDays;
}

/** JSON access log line: who called which route, with what result and latency. No headers, bodies or query. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    protocol: '$context.protocol',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integration.latency',
    integrationStatus: '$context.integration.status',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);

export class ActionApi extends Construct {
  public readonly httpApi: apigw.HttpApi;
  public readonly stage: apigw.HttpStage;
  public readonly accessLogGroup: logs.LogGroup;
  /** One function per route, keyed by handler name. */
  public readonly functions: Readonly<Record<ApiHandlerName, ServiceFunction>>;
  /** The base URL the Zapier app uses (`API_BASE_URL`). */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ActionApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    const sessionThrottle = props.sessionThrottle ?? { rateLimit: 2, burstLimit: 5 };

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Konnektive ⇄ Zapier: sessions, subscriptions, samples, actions, dropdowns',
      createDefaultStage: false,
    });
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: ACCESS_LOG_FORMAT,
      },
    });
    this.url = this.stage.url;

    const functions: Partial<Record<ApiHandlerName, ServiceFunction>> = {};
    for (const [name, spec] of Object.entries(API_HANDLERS) as [ApiHandlerName, ApiRouteSpec][]) {
      const fn = createHandlerFunction(this, name, spec, props.context, { timeout: API_FUNCTION_TIMEOUT });
      functions[name] = fn;
      const [route] = this.httpApi.addRoutes({
        path: spec.path,
        methods: [apigw.HttpMethod[spec.method]],
        integration: new HttpLambdaIntegration(`${constructIdOf(name)}Integration`, fn.function, {
          // Grant API Gateway invoke on this route only, not on every route of the API.
          scopePermissionToRoute: true,
        }),
      });
      if (!route) throw new Error(`no route created for ${spec.method} ${spec.path}`);
      // Route settings (below) reference routes by key; the stage must be updated after they exist.
      this.stage.node.addDependency(route);
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: spec.public
          ? `${spec.method} ${spec.path} is public by design (it issues the bearer token / documents the API)`
          : 'Authorization happens in the function: the bearer token is looked up by SHA-256 hash in DynamoDB and ' +
            'scopes every read and write to its connection (tenant isolation is tested at that layer)',
      });
    }
    this.functions = functions as Record<ApiHandlerName, ServiceFunction>;

    const sessionRoute = `${API_HANDLERS['create-session'].method} ${API_HANDLERS['create-session'].path}`;
    const cfnStage = this.stage.node.defaultChild as apigw.CfnStage;
    cfnStage.routeSettings = {
      [sessionRoute]: {
        ThrottlingRateLimit: sessionThrottle.rateLimit,
        ThrottlingBurstLimit: sessionThrottle.burstLimit,
      },
    };
  }
}
