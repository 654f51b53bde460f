import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '../lambdas/adapters/table-keys';

export interface StorageProps {
  /** Days before tasks, inputs and results expire (DynamoDB TTL, S3 lifecycle). */
  readonly retentionDays: number;
  /** RETAIN for production stages, DESTROY for dev stages. */
  readonly removalPolicy: RemovalPolicy;
}

/** The data at rest: one KMS key, the uploads bucket and the single task table. */
export class Storage extends Construct {
  /** Encrypts the bucket, the table, the queues and the alarm topic. */
  readonly key: Key;
  readonly bucket: Bucket;
  readonly table: Table;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) {
      throw new Error(`retentionDays must be a positive integer, got ${props.retentionDays}`);
    }
    const destroy = props.removalPolicy === RemovalPolicy.DESTROY;

    this.key = new Key(this, 'DataKey', {
      description: 'DocuSnap data at rest: uploads bucket, task table, queues, alarm topic',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });

    this.bucket = new Bucket(this, 'Uploads', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket instead of one KMS call per object.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [
        { id: 'expire-after-retention', expiration: Duration.days(props.retentionDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // The app (and any browser client) uploads with a presigned POST straight to the bucket.
      cors: [
        {
          allowedMethods: [HttpMethods.POST],
          allowedOrigins: ['*'],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Objects are short-lived task inputs keyed by owner; access is audited through CloudTrail data events when needed, and a second log bucket would hold user identifiers longer than the retention.',
    });

    this.table = new Table(this, 'Tasks', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      deletionProtection: !destroy,
      removalPolicy: props.removalPolicy,
    });
    for (const index of [TABLE_KEYS.byOwner, TABLE_KEYS.byStatus]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }
}
