import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnApi,
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, FeaturePlan, Mfa, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, type RouteName, type RouteRow } from '../lambdas/handlers/route-table';
import { grantHandlerResources } from './grants';
import { HandlerFunction, type HandlerFunctionDefaults } from './handler-function';
import type { TaskQueues } from './queues';
import type { Storage } from './storage';
import type { Webhooks } from './webhooks';

export interface ThrottleLimits {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst. */
  readonly burstLimit: number;
}

export interface ApiProps {
  readonly storage: Storage;
  /** The webhook routes wrap secrets with its key. */
  readonly webhooks: Webhooks;
  readonly queues: TaskQueues;
  readonly functionDefaults: HandlerFunctionDefaults;
  /** Stage-wide throttling of every route. */
  readonly throttle: ThrottleLimits;
  readonly accessLogRetention: RetentionDays;
  /** RETAIN keeps the user pool (and so every user) when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

const routeKeyOf = (row: RouteRow) => `${row.method} ${row.path}`;

/** The HTTP API: Cognito users, the JWT authorizer, the `/v1` routes of the route table and their handlers. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly accessLogs: LogGroup;
  /** The `/v1` handler functions by name. */
  readonly functions: ReadonlyMap<RouteName, HandlerFunction>;
  private readonly routes = new Map<string, HttpRoute>();
  /** Per-route throttling by route key, written to the stage as a whole (see throttleRoute). */
  private readonly routeThrottles: Record<string, ThrottleLimits> = {};

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    validateThrottle('API', props.throttle);

    this.userPool = new UserPool(this, 'Users', {
      // Accounts are created by an administrator (docs/deploy.md) until the app has a sign-up flow.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      featurePlan: FeaturePlan.ESSENTIALS,
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP) so the mobile app can sign in with a password; requiring it is a product decision for the app’s sign-in flow.',
    });
    const plusPlanReason =
      'Threat protection (advanced security) needs the Cognito Plus plan, billed per monthly active user; Essentials is this backend’s cost default.';
    for (const id of ['AwsSolutions-COG3', 'AwsSolutions-COG8']) {
      Validations.of(this.userPool).acknowledge({ id, reason: plusPlanReason });
    }
    this.userPoolClient = this.userPool.addClient('MobileApp', {
      // A mobile app cannot keep a client secret.
      generateSecret: false,
      // The app signs in with SRP or a password, never a hosted UI: no OAuth flows, callbacks or scopes.
      disableOAuth: true,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
    });
    const authorizer = new HttpUserPoolAuthorizer('CognitoJwt', this.userPool, {
      userPoolClients: [this.userPoolClient],
    });

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'DocuSnap task API',
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const functions = new Map<RouteName, HandlerFunction>();
    for (const [name, row] of routesOf('v1')) {
      const fn = new HandlerFunction(this, routeFunctionId(name, row), {
        ...routeFunctionProps(name, row),
        defaults: props.functionDefaults,
      });
      grantHandlerResources(fn, row.uses, props);
      functions.set(name, fn);
      this.addRoute(row, fn);
    }
    this.functions = functions;
  }

  /** Base URL of the API (the `$default` stage has no path prefix). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /**
   * Lets pages served from `origin` call the API from a browser (CORS): API Gateway answers the
   * preflight itself, before any authorizer, and adds the headers to every answer.
   */
  allowBrowserOrigin(origin: string): void {
    const cfnApi = this.httpApi.node.defaultChild as CfnApi;
    const origins = [
      ...((cfnApi.corsConfiguration as CfnApi.CorsProperty | undefined)?.allowOrigins ?? []),
      origin,
    ];
    cfnApi.corsConfiguration = {
      allowOrigins: origins,
      allowMethods: ['GET', 'POST', 'DELETE'],
      allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      exposeHeaders: ['location', 'retry-after'],
      maxAge: 600,
    };
  }

  /** Adds a route of the route table: public rows without an authorizer, the others behind the JWT authorizer. */
  addRoute(row: RouteRow, fn: IFunction): HttpRoute {
    const integrationId = `${row.method}${row.path}`.replace(/[^A-Za-z0-9]/g, '');
    const [created] = this.httpApi.addRoutes({
      path: row.path,
      methods: [HttpMethod[row.method]],
      integration: new HttpLambdaIntegration(integrationId, fn),
      authorizer: row.access === 'public' ? new HttpNoneAuthorizer() : undefined,
    });
    if (!created) throw new Error(`no route created for ${row.method} ${row.path}`);
    this.routes.set(routeKeyOf(row), created);
    if (row.access === 'public') {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Public by contract (DESIGN §3/§4): health checks and the DocuSnap Android protocol carry no token; the stage throttles them.',
      });
    }
    return created;
  }

  /** Throttles one route below the stage-wide limits; the route must have been added (addRoute). */
  throttleRoute(row: RouteRow, limits: ThrottleLimits): void {
    const routeKey = routeKeyOf(row);
    validateThrottle(routeKey, limits);
    const route = this.routes.get(routeKey);
    if (!route) throw new Error(`throttleRoute: ${routeKey} is not a route of this API`);
    this.routeThrottles[routeKey] = limits;
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = Object.fromEntries(
      Object.entries(this.routeThrottles).map(([key, { rateLimit, burstLimit }]) => [
        key,
        // A JSON property: CloudFormation's casing, not the L1's camelCase.
        { ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit },
      ]),
    );
    // Route settings name the route, so the stage must come after it.
    stage.node.addDependency(route);
  }
}

/** The rows of one API in the route table, in table order. */
export function routesOf(api: RouteRow['api']): [RouteName, RouteRow][] {
  return (Object.entries(ROUTES) as [RouteName, RouteRow][]).filter(([, row]) => row.api === api);
}

/** The construct id of a route's function: `SubmitDocument`, and `Process` for `compatProcess` (inside Compat). */
export function routeFunctionId(name: RouteName, row: RouteRow): string {
  const local = row.api === 'compat' ? name.replace(/^compat/, '') : name;
  return local.charAt(0).toUpperCase() + local.slice(1);
}

/** What a route's function takes from its row: handler, description, memory and timeout. */
export function routeFunctionProps(name: RouteName, row: RouteRow) {
  return {
    handler: name,
    description: `DocuSnap ${row.api === 'compat' ? 'compat ' : ''}${row.method} ${row.path}`,
    memorySize: row.memoryMb,
    timeout: Duration.seconds(row.timeoutSeconds),
  };
}

export function validateThrottle(label: string, throttle: ThrottleLimits): void {
  if (throttle.rateLimit <= 0 || throttle.burstLimit <= 0) {
    throw new Error(`${label} throttle rate and burst must be positive, got ${JSON.stringify(throttle)}`);
  }
}

/** JSON access log line: enough to trace a request to its Lambda and see authorizer failures. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    sub: '$context.authorizer.claims.sub',
  }),
);
