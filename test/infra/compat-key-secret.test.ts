import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthesize } from './synth';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource?: unknown; Principal?: unknown };

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
}, 300_000);

const resources = () => synth.template.toJSON().Resources as Record<string, Resource>;
const actionsOf = (statement: Statement) => [statement.Action].flat();

/** Roles whose policies allow reading the value of `secretId`, by the logical id of the role. */
function rolesReading(secretId: string): string[] {
  const readers = new Set<string>();
  for (const resource of Object.values(resources())) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const document = resource.Properties?.PolicyDocument as { Statement: Statement[] };
    const reads = document.Statement.some(
      (statement) =>
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((action) => /^secretsmanager:(GetSecretValue|\*)$|^\*$/.test(action)) &&
        JSON.stringify(statement.Resource ?? '*').match(new RegExp(`"${secretId}"|^"\\*"$`)),
    );
    if (!reads) continue;
    const roles = (resource.Properties?.Roles ?? []) as { Ref: string }[];
    for (const role of roles) readers.add(role.Ref);
  }
  return [...readers];
}

function functionRole(description: string): string {
  const [fn] = Object.values(resources()).filter(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' && resource.Properties?.Description === description,
  );
  const role = fn?.Properties?.Role as { 'Fn::GetAtt': [string, string] } | undefined;
  if (!role) throw new Error(`no function described as ${description}`);
  return role['Fn::GetAtt'][0];
}

describe('the compat RSA private key in the CDK stack', () => {
  it('lives in one Secrets Manager secret that only the /process handler can read', () => {
    const secrets = Object.entries(resources()).filter(
      ([, resource]) => resource.Type === 'AWS::SecretsManager::Secret',
    );
    const keySecret = secrets.find(([, resource]) =>
      String(resource.Properties?.Description).includes('RSA'),
    );
    expect(keySecret).toBeDefined();
    const [secretId] = keySecret ?? [''];
    expect(rolesReading(secretId)).toEqual([functionRole('DocuSnap compat POST /process')]);
    const resourcePolicies = Object.values(resources()).filter(
      (resource) =>
        resource.Type === 'AWS::SecretsManager::ResourcePolicy' &&
        JSON.stringify(resource.Properties?.SecretId).includes(secretId),
    );
    expect(resourcePolicies).toEqual([]);
  });

  it('never puts a private key in the template', () => {
    expect(JSON.stringify(synth.template.toJSON())).not.toMatch(/PRIVATE KEY/);
  });

  it('gives /public-key the public PEM from the key generator, not access to the secret', () => {
    const publicKeyRole = functionRole('DocuSnap compat GET /public-key');
    const [fn] = Object.values(resources()).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Function' &&
        resource.Properties?.Description === 'DocuSnap compat GET /public-key',
    );
    const environment =
      (fn?.Properties?.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
    expect(JSON.stringify(environment.DOCUSNAP_COMPAT_PUBLIC_KEY)).toContain('PublicKeyPem');
    expect(environment.DOCUSNAP_COMPAT_KEY_SECRET_ID).toBeUndefined();
    expect(rolesReading('.*')).not.toContain(publicKeyRole);
  });
});
