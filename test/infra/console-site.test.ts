import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth';
import { type CfnJson, TemplateQueries } from './template-queries';

let withConsole: Synthesized;
let plain: Synthesized;
let t: TemplateQueries;
beforeAll(() => {
  withConsole = synthesize({ console: 'true' });
  plain = synthesize();
  t = new TemplateQueries(withConsole.stack, withConsole.template);
}, SYNTH_TIMEOUT_MS);

const site = () => {
  if (!withConsole.stack.console) throw new Error('-c console=true deploys the console');
  return withConsole.stack.console;
};
const only = (resources: Record<string, { Properties: CfnJson }>) => {
  const values = Object.values(resources);
  expect(values).toHaveLength(1);
  return (values[0] as { Properties: CfnJson }).Properties;
};

describe('web console site (-c console=true)', () => {
  it('is not deployed unless asked for', () => {
    expect(plain.stack.console).toBeUndefined();
    const plainQueries = new TemplateQueries(plain.stack, plain.template);
    expect(plainQueries.resources('AWS::CloudFront::Distribution')).toEqual({});
    expect(plainQueries.of(plain.stack.api.httpApi).Properties.CorsConfiguration).toBeUndefined();
  });

  it('serves a private bucket through CloudFront with origin access control, HTTPS only', () => {
    const bucket = t.of(site().bucket).Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const distribution = t.of(site().distribution).Properties.DistributionConfig;
    expect(distribution.DefaultRootObject).toBe('index.html');
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution.Origins[0].OriginAccessControlId).toBeDefined();
    expect(only(t.resources('AWS::CloudFront::OriginAccessControl')).OriginAccessControlConfig).toMatchObject(
      {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
      },
    );
    // The config file is never cached: it names this stage's API and pool.
    const configBehaviour = distribution.CacheBehaviors.find(
      (b: CfnJson) => b.PathPattern === '/config.json',
    );
    expect(configBehaviour.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
  });

  it('sends security headers: a CSP allowing only itself, the API region, Cognito and uploads', () => {
    const config = t.of(site().responseHeadersPolicy).Properties.ResponseHeadersPolicyConfig;
    const headers = config.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 31536000,
      Override: true,
    });
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    expect(headers.ContentTypeOptions.Override).toBe(true);
    const csp = JSON.stringify(
      withConsole.stack.resolve(headers.ContentSecurityPolicy.ContentSecurityPolicy),
    );
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('https://*.execute-api.');
    expect(csp).toContain('https://cognito-idp.');
    expect(csp).toContain(t.id(withConsole.stack.storage.bucket));
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*\s|https:\s/);
  });

  it('lets the page call the API from its CloudFront origin (CORS), and nothing else', () => {
    const cors = t.of(withConsole.stack.api.httpApi).Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toEqual([
      { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [t.id(site().distribution), 'DomainName'] }]] },
    ]);
    expect(cors.AllowHeaders).toEqual(['authorization', 'content-type', 'idempotency-key']);
    expect(cors.AllowMethods).toEqual(['GET', 'POST', 'DELETE']);
  });

  it('deploys the built page and a config.json naming this stage’s API and user pool', () => {
    const deployment = only(t.resources('Custom::CDKBucketDeployment'));
    expect(deployment.SourceObjectKeys).toHaveLength(4);
    expect(deployment.DistributionPaths).toEqual(['/*']);
    // Deploy-time values of config.json travel as markers the deployment fills in.
    const markers = JSON.stringify(deployment.SourceMarkers);
    expect(markers).toContain(t.id(withConsole.stack.api.httpApi));
    expect(markers).toContain(t.id(withConsole.stack.api.userPool));
    expect(markers).toContain(t.id(withConsole.stack.api.userPoolClient));
    expect(t.template.toJSON().Outputs.ConsoleUrl).toBeDefined();
  });

  it('deploys no local-only sign-in route: the console signs in with Cognito on AWS', () => {
    const routes = Object.values(t.resources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.filter((key: string) => key.includes('/local'))).toEqual([]);
  });

  it('is cdk-nag clean, every acknowledgement with its reason', () => {
    const report = new AwsSolutionsChecks().validateScope(withConsole.stack);
    const findings = report.violations.map(
      (violation) =>
        `${violation.ruleName} at ${violation.violatingResources.map((r) => r.resourceLogicalId)}`,
    );
    expect(findings).toEqual([]);
  });
});
