import { createPrivateKey, createPublicKey } from 'node:crypto';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../lambdas/handlers/compat/generate-key';

const secrets = mockClient(SecretsManagerClient);
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:compat-key-AbCdEf';

const common = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/docusnap/1',
  RequestId: 'req-1',
  LogicalResourceId: 'KeyPair',
  ResourceType: 'Custom::DocuSnapCompatKeyPair',
};

const createEvent = (secretId = SECRET): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Create',
  ResourceProperties: { ServiceToken: common.ServiceToken, SecretId: secretId },
});

beforeEach(() => secrets.reset());
afterAll(() => secrets.restore());

describe('generate-key custom resource', () => {
  it('on Create writes a PKCS#8 RSA-2048 private key to the secret and returns only the matching public key', async () => {
    secrets.on(PutSecretValueCommand).resolves({});
    const log = vi.spyOn(console, 'log');
    const response = await handler(createEvent());

    const put = secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put?.SecretId).toBe(SECRET);
    const privatePem = put?.SecretString ?? '';
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const privateKey = createPrivateKey(privatePem);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    expect(response.Data?.PublicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(response.Data?.PublicKeyPem).toBe(
      createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }),
    );
    expect(JSON.stringify(response)).not.toContain('PRIVATE KEY');
    for (const call of log.mock.calls) expect(String(call)).not.toContain('PRIVATE KEY');
    log.mockRestore();
  });

  it('on Update with the same secret keeps the key pair and returns its public key without reading the secret', async () => {
    secrets.on(PutSecretValueCommand).resolves({});
    const created = await handler(createEvent());
    secrets.reset();
    const response = await handler({
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: created.PhysicalResourceId,
      ResourceProperties: { ServiceToken: common.ServiceToken, SecretId: SECRET },
      OldResourceProperties: { ServiceToken: 'old-token', SecretId: SECRET },
    });
    expect(secrets.calls()).toHaveLength(0);
    expect(response).toEqual(created);
    expect(created.PhysicalResourceId.length).toBeLessThanOrEqual(1024);
  });

  it('on Update to another secret generates a new pair there, under a new physical id', async () => {
    secrets.on(PutSecretValueCommand).resolves({});
    const response = await handler({
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: 'docusnap-compat-key/v1/old',
      ResourceProperties: { ServiceToken: common.ServiceToken, SecretId: 'other-secret' },
      OldResourceProperties: { ServiceToken: common.ServiceToken, SecretId: SECRET },
    });
    expect(secrets.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretId).toBe('other-secret');
    const pem = response.Data?.PublicKeyPem ?? '';
    expect(response.PhysicalResourceId).toContain(
      createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64'),
    );
  });

  it('on Delete touches nothing', async () => {
    const response = await handler({
      ...common,
      RequestType: 'Delete',
      PhysicalResourceId: 'docusnap-compat-key/v1/old',
      ResourceProperties: { ServiceToken: common.ServiceToken, SecretId: SECRET },
    });
    expect(response).toEqual({ PhysicalResourceId: 'docusnap-compat-key/v1/old' });
    expect(secrets.calls()).toHaveLength(0);
  });

  it('fails a Create without a SecretId', async () => {
    await expect(handler(createEvent(''))).rejects.toThrow('SecretId');
  });
});
