import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth';
import { TemplateQueries } from './template-queries';

let dev: Synthesized;
let prod: Synthesized;
let noCompat: Synthesized;
beforeAll(() => {
  dev = synthesize({ stage: 'dev' });
  prod = synthesize({ stage: 'prod' });
  noCompat = synthesize({ stage: 'lite', compatRoutes: 'false' });
}, SYNTH_TIMEOUT_MS);

/** The data a stage keeps or destroys with its stack. */
const dataResources = (synth: Synthesized) => {
  const { storage, api } = synth.stack;
  return [storage.key, storage.bucket, storage.table, api.userPool];
};

describe('stage-aware removal', () => {
  it('destroys data with a dev stack, emptying the bucket first', () => {
    const t = new TemplateQueries(dev.stack, dev.template);
    for (const resource of dataResources(dev)) {
      expect(t.of(resource).DeletionPolicy, resource.node.path).toBe('Delete');
    }
    expect(Object.keys(t.resources('Custom::S3AutoDeleteObjects'))).toHaveLength(1);
    expect(t.of(dev.stack.storage.table).Properties.DeletionProtectionEnabled).toBe(false);
  });

  it('keeps data of a production stack, and protects the table from deletion', () => {
    const t = new TemplateQueries(prod.stack, prod.template);
    const secret = prod.stack.compat?.privateKeySecret;
    if (!secret) throw new Error('compat routes are on by default');
    for (const resource of [...dataResources(prod), secret]) {
      expect(t.of(resource).DeletionPolicy, resource.node.path).toBe('Retain');
    }
    expect(Object.keys(t.resources('Custom::S3AutoDeleteObjects'))).toHaveLength(0);
    expect(t.of(prod.stack.storage.table).Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('names the stack after its stage', () => {
    expect([dev.stack.stackName, prod.stack.stackName]).toEqual(['DocuSnap-dev', 'DocuSnap-prod']);
  });
});

describe('outputs', () => {
  it('give the API URL, user pool, app client, bucket and table', () => {
    const t = new TemplateQueries(dev.stack, dev.template);
    const outputs = dev.template.toJSON().Outputs;
    expect(JSON.stringify(outputs.ApiUrl.Value)).toContain(t.id(dev.stack.api.httpApi));
    expect(outputs.UserPoolId.Value).toEqual({ Ref: t.id(dev.stack.api.userPool) });
    expect(outputs.UserPoolClientId.Value).toEqual({ Ref: t.id(dev.stack.api.userPoolClient) });
    expect(outputs.BucketName.Value).toEqual({ Ref: t.id(dev.stack.storage.bucket) });
    expect(outputs.TableName.Value).toEqual({ Ref: t.id(dev.stack.storage.table) });
  });
});

describe('optional resources', () => {
  it('has no budget, and no statement for AWS Budgets, unless monthlyBudgetUsd is set', () => {
    const t = new TemplateQueries(dev.stack, dev.template);
    expect(Object.keys(t.resources('AWS::Budgets::Budget'))).toHaveLength(0);
    expect(JSON.stringify(dev.template.toJSON())).not.toContain('budgets.amazonaws.com');
  });
});

describe('compat routes switched off', () => {
  it('leaves out the routes, their handlers, the key pair and the key-wrapping key', () => {
    const t = new TemplateQueries(noCompat.stack, noCompat.template);
    expect(noCompat.stack.compat).toBeUndefined();
    const routeKeys = Object.values(t.resources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties.RouteKey,
    );
    expect(routeKeys.filter((key) => !key.includes(' /v1/'))).toEqual([]);
    expect(Object.keys(t.resources('AWS::SecretsManager::Secret'))).toHaveLength(0);
    // The data key and the webhook secrets key remain; the compat key-wrapping key is gone.
    expect(Object.keys(t.resources('AWS::KMS::Key'))).toHaveLength(2);
    expect(
      t.of(noCompat.stack.taskProcessing.worker).Properties.Environment.Variables.DOCUSNAP_KMS_KEY_ID,
    ).toBeUndefined();
  });
});
