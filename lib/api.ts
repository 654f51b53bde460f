import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, FeaturePlan, Mfa, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerName } from './handler-entries';
import { HandlerFunction, type HandlerRuntimeSettings } from './handler-function';
import { acknowledgeGrantWildcards } from './nag-acknowledgements';
import type { TaskQueues } from './queues';
import type { Storage } from './storage';

export interface ThrottleLimits {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst. */
  readonly burstLimit: number;
}

export interface ApiProps {
  readonly storage: Storage;
  readonly queues: TaskQueues;
  readonly functions: HandlerRuntimeSettings;
  /** Stage-wide throttling of every route. */
  readonly throttle: ThrottleLimits;
  readonly accessLogRetention: RetentionDays;
  /** RETAIN keeps the user pool (and so every user) when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
}

/** One `/v1` route and the handler behind it (DESIGN §3). */
interface V1Route {
  readonly handler: HandlerName;
  readonly method: HttpMethod;
  readonly path: string;
  readonly description: string;
}

const V1_ROUTES: readonly V1Route[] = [
  { handler: 'health', method: HttpMethod.GET, path: '/v1/health', description: 'GET /v1/health' },
  { handler: 'createUpload', method: HttpMethod.POST, path: '/v1/uploads', description: 'POST /v1/uploads' },
  {
    handler: 'submitDocument',
    method: HttpMethod.POST,
    path: '/v1/tasks/document',
    description: 'POST /v1/tasks/document',
  },
  {
    handler: 'submitForm',
    method: HttpMethod.POST,
    path: '/v1/tasks/form',
    description: 'POST /v1/tasks/form',
  },
  {
    handler: 'submitFormFilling',
    method: HttpMethod.POST,
    path: '/v1/tasks/form-filling',
    description: 'POST /v1/tasks/form-filling',
  },
  {
    handler: 'getTask',
    method: HttpMethod.GET,
    path: '/v1/tasks/{taskId}',
    description: 'GET /v1/tasks/{taskId}',
  },
  { handler: 'listTasks', method: HttpMethod.GET, path: '/v1/tasks', description: 'GET /v1/tasks' },
  {
    handler: 'deleteTask',
    method: HttpMethod.DELETE,
    path: '/v1/tasks/{taskId}',
    description: 'DELETE /v1/tasks/{taskId}',
  },
];

/** The only `/v1` route a caller reaches without a token. */
const PUBLIC_V1_HANDLERS: ReadonlySet<HandlerName> = new Set(['health']);

/** The HTTP API: Cognito users, the JWT authorizer, the `/v1` routes and their thin handlers. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly accessLogs: LogGroup;
  /** The `/v1` handler functions by name. */
  readonly functions: ReadonlyMap<HandlerName, HandlerFunction>;

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

    const functions = new Map<HandlerName, HandlerFunction>();
    for (const route of V1_ROUTES) {
      const fn = functions.get(route.handler) ?? this.createHandler(route, props);
      functions.set(route.handler, fn);
      this.addRoute(route, fn, PUBLIC_V1_HANDLERS.has(route.handler) ? new HttpNoneAuthorizer() : undefined);
    }
    this.functions = functions;
  }

  /** The stage's L1 resource, for per-route settings the L2 does not model. */
  get cfnStage(): CfnStage {
    return this.stage.node.defaultChild as CfnStage;
  }

  /** Base URL of the API (the `$default` stage has no path prefix). */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }

  /** Adds a route; without an authorizer the API's JWT authorizer applies. */
  addRoute(
    route: { method: HttpMethod; path: string },
    fn: IFunction,
    authorizer?: IHttpRouteAuthorizer,
  ): HttpRoute {
    const integrationId = `${route.method}${route.path}`.replace(/[^A-Za-z0-9]/g, '');
    const [created] = this.httpApi.addRoutes({
      path: route.path,
      methods: [route.method],
      integration: new HttpLambdaIntegration(integrationId, fn),
      authorizer,
    });
    if (!created) throw new Error(`no route created for ${route.method} ${route.path}`);
    if (authorizer instanceof HttpNoneAuthorizer) {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Public by contract (DESIGN §3/§4): health checks and the DocuSnap Android protocol carry no token; the stage throttles them.',
      });
    }
    return created;
  }

  private createHandler(route: V1Route, props: ApiProps): HandlerFunction {
    const { bucket, table } = props.storage;
    const fn = new HandlerFunction(this, pascal(route.handler), {
      handler: route.handler,
      settings: props.functions,
      description: `DocuSnap ${route.description}`,
      memorySize: route.handler.startsWith('submit') ? 512 : 256,
      timeout: Duration.seconds(15),
    });
    switch (route.handler) {
      case 'health':
        break;
      case 'createUpload':
        // Presigning needs the signer to hold what the POST will do: put the object, encrypted with the key.
        bucket.grantPut(fn, 'uploads/*');
        break;
      case 'submitDocument':
      case 'submitForm':
      case 'submitFormFilling':
        table.grantReadWriteData(fn);
        bucket.grantRead(fn, 'uploads/*');
        bucket.grantPut(fn, 'inputs/*');
        props.queues.normal.grantSendMessages(fn);
        props.queues.high.grantSendMessages(fn);
        break;
      case 'getTask':
      case 'listTasks':
        table.grantReadData(fn);
        bucket.grantRead(fn, 'results/*');
        break;
      case 'deleteTask':
        table.grantReadWriteData(fn);
        for (const prefix of ['uploads/*', 'inputs/*', 'results/*']) bucket.grantDelete(fn, prefix);
        break;
      default:
        throw new Error(`no permissions defined for ${route.handler}`);
    }
    acknowledgeGrantWildcards(fn);
    return fn;
  }
}

export function validateThrottle(label: string, throttle: ThrottleLimits): void {
  if (throttle.rateLimit <= 0 || throttle.burstLimit <= 0) {
    throw new Error(`${label} throttle rate and burst must be positive, got ${JSON.stringify(throttle)}`);
  }
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

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
