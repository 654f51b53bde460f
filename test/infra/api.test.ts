import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RouteName } from '../../lambdas/handlers/route-table';
import { SYNTH_TIMEOUT_MS, synthesize } from './synth';
import { type CfnJson, TemplateQueries } from './template-queries';

let t: TemplateQueries;
let stack: ReturnType<typeof synthesize>['stack'];
beforeAll(() => {
  const synth = synthesize({ apiRateLimit: 25, apiBurstLimit: 60, compatRateLimit: 3, compatBurstLimit: 6 });
  stack = synth.stack;
  t = new TemplateQueries(synth.stack, synth.template);
}, SYNTH_TIMEOUT_MS);

const routes = () =>
  Object.fromEntries(
    Object.values(t.resources('AWS::ApiGatewayV2::Route')).map((route) => [
      route.Properties.RouteKey as string,
      route.Properties as CfnJson,
    ]),
  );

const V1_ROUTE_KEYS = [
  'GET /v1/health',
  'POST /v1/uploads',
  'POST /v1/tasks/document',
  'POST /v1/tasks/form',
  'POST /v1/tasks/form-filling',
  'GET /v1/tasks/{taskId}',
  'GET /v1/tasks',
  'DELETE /v1/tasks/{taskId}',
  'POST /v1/webhooks',
  'GET /v1/webhooks',
  'DELETE /v1/webhooks/{webhookId}',
];
const COMPAT_ROUTE_KEYS = ['POST /process', 'GET /check_status', 'POST /clear', 'GET /public-key'];

describe('HTTP API routes', () => {
  it('serve every route of the contract and nothing else', () => {
    expect(Object.keys(routes()).sort()).toEqual([...V1_ROUTE_KEYS, ...COMPAT_ROUTE_KEYS].sort());
  });

  it('require a Cognito JWT on every /v1 route except health', () => {
    const authorizerId = { Ref: theAuthorizerId() };
    for (const key of V1_ROUTE_KEYS.filter((key) => key !== 'GET /v1/health')) {
      expect(routes()[key], key).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: authorizerId });
    }
    expect(routes()['GET /v1/health'].AuthorizationType).toBe('NONE');
  });

  it('leave the DocuSnap Android routes unauthenticated, as the app sends no token', () => {
    for (const key of COMPAT_ROUTE_KEYS) expect(routes()[key].AuthorizationType, key).toBe('NONE');
  });

  it('send each route to its own handler', () => {
    const integrationTarget = (key: string) => {
      const integrationId = routes()[key].Target['Fn::Join'][1][1].Ref;
      return t.resources('AWS::ApiGatewayV2::Integration')[integrationId]?.Properties.IntegrationUri;
    };
    expect(integrationTarget('POST /v1/tasks/document')).toEqual(t.arnOf(requireFn('submitDocument')));
    expect(integrationTarget('GET /v1/tasks')).toEqual(t.arnOf(requireFn('listTasks')));
    expect(integrationTarget('DELETE /v1/tasks/{taskId}')).toEqual(t.arnOf(requireFn('deleteTask')));
    expect(integrationTarget('POST /process')).toEqual(t.arnOf(requireFn('compatProcess')));
  });
});

describe('JWT authorizer', () => {
  it("trusts only this stack's user pool and its app client", () => {
    const authorizer = t.resources('AWS::ApiGatewayV2::Authorizer')[theAuthorizerId()]?.Properties;
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(authorizer.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(authorizer.JwtConfiguration.Audience).toEqual([{ Ref: t.id(stack.api.userPoolClient) }]);
    expect(JSON.stringify(authorizer.JwtConfiguration.Issuer)).toContain(t.id(stack.api.userPool));
  });

  it('issues tokens to a public mobile client with password and SRP sign-in', () => {
    const client = t.of(stack.api.userPoolClient).Properties;
    expect(client.GenerateSecret).toBe(false);
    expect(client.ExplicitAuthFlows).toEqual(
      expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    );
  });

  it('offers no OAuth flows, callback URLs or scopes (no hosted UI to redirect a token anywhere)', () => {
    const client = t.of(stack.api.userPoolClient).Properties;
    expect(client.AllowedOAuthFlowsUserPoolClient).not.toBe(true);
    for (const property of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs']) {
      expect(client[property], property).toBeUndefined();
    }
  });

  it('requires strong passwords', () => {
    expect(t.of(stack.api.userPool).Properties.Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
    });
  });
});

describe('API stage', () => {
  it('throttles every route with the configured rate and burst', () => {
    expect(t.of(stack.api.stage).Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 60 },
    });
  });

  it('throttles the unauthenticated compat routes harder', () => {
    const settings = t.of(stack.api.stage).Properties.RouteSettings;
    for (const key of COMPAT_ROUTE_KEYS) {
      expect(settings[key], key).toEqual({ ThrottlingRateLimit: 3, ThrottlingBurstLimit: 6 });
    }
  });

  it('is created after the routes its route settings name', () => {
    const routeIds = Object.entries(t.resources('AWS::ApiGatewayV2::Route'))
      .filter(([, route]) => COMPAT_ROUTE_KEYS.includes(route.Properties.RouteKey))
      .map(([id]) => id);
    expect(t.template.toJSON().Resources[t.id(stack.api.stage)].DependsOn).toEqual(
      expect.arrayContaining(routeIds),
    );
  });

  it('writes JSON access logs with the request id to a retained log group', () => {
    const { AccessLogSettings } = t.of(stack.api.stage).Properties;
    expect(AccessLogSettings.DestinationArn).toEqual(t.arnOf(stack.api.accessLogs));
    const format = JSON.parse(AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    expect(t.of(stack.api.accessLogs).Properties.RetentionInDays).toEqual(expect.any(Number));
  });

  it('has no catch-all route that would bypass the authorizer', () => {
    t.template.resourcePropertiesCountIs(
      'AWS::ApiGatewayV2::Route',
      { RouteKey: Match.stringLikeRegexp('ANY') },
      0,
    );
    t.template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { RouteKey: '$default' }, 0);
  });
});

function theAuthorizerId(): string {
  const ids = Object.keys(t.resources('AWS::ApiGatewayV2::Authorizer'));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

function requireFn(name: RouteName) {
  const fn = stack.api.functions.get(name) ?? stack.compat?.functions.get(name);
  if (!fn) throw new Error(`no ${name} function`);
  return fn;
}
