import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '../../lambdas/adapters/table-keys';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth';

let dev: Synthesized;
beforeAll(() => {
  dev = synthesize({ retentionDays: 9 });
}, SYNTH_TIMEOUT_MS);

const logicalIdOf = (synth: Synthesized, type: string) => {
  const ids = Object.keys(synth.template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
};

describe('storage: KMS key', () => {
  it('is a single rotating customer-managed key shared by bucket, table and queues', () => {
    const keys = dev.template.findResources('AWS::KMS::Key');
    const dataKey = Object.entries(keys).find(([id]) => id.startsWith('StorageDataKey'));
    expect(dataKey?.[1].Properties.EnableKeyRotation).toBe(true);
    const keyArn = { 'Fn::GetAtt': [dataKey?.[0], 'Arn'] };
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    });
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
            BucketKeyEnabled: true,
          },
        ],
      },
    });
    // The task queues, the webhook delivery queue and their dead-letter queues.
    const queues = Object.values(dev.template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(5);
    // The other keys wrap secrets (compat clients' AES keys, webhook secrets), so only their users unwrap them.
    expect(
      Object.keys(keys)
        .filter((id) => !id.startsWith('StorageDataKey'))
        .sort(),
    ).toEqual([expect.stringMatching(/^CompatKeyWrappingKey/), expect.stringMatching(/^WebhooksSecretsKey/)]);
    for (const queue of queues) expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn);
  });
});

describe('storage: uploads bucket', () => {
  it('blocks every kind of public access', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
  });

  it('refuses requests without TLS', () => {
    dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdOf(dev, 'AWS::S3::Bucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('expires every object after the configured retention', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Status: 'Enabled', ExpirationInDays: 9 })]),
      },
    });
    const rules = Object.values(dev.template.findResources('AWS::S3::Bucket'))[0]?.Properties
      .LifecycleConfiguration.Rules as { ExpirationInDays?: number; Prefix?: string }[];
    // The expiry rule applies to the whole bucket, not a prefix.
    expect(rules.find((rule) => rule.ExpirationInDays === 9)?.Prefix).toBeUndefined();
  });

  it('accepts cross-origin presigned POST uploads', () => {
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedMethods: ['POST'], AllowedOrigins: ['*'] })],
      },
    });
  });
});

describe('storage: task table', () => {
  it('has the key schema, TTL attribute and indexes of table-keys.ts', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith(
        [TABLE_KEYS.byOwner, TABLE_KEYS.byStatus].map((index) =>
          Match.objectLike({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
      ),
    });
  });

  it('is billed on demand with point-in-time recovery', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});
