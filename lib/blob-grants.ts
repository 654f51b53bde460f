import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';

/** Key patterns a handler reads, writes and deletes, as IAM names them: `inputs/*`, `results/compat%3A*`. */
export interface BlobAccess {
  readonly read?: readonly string[];
  readonly write?: readonly string[];
  readonly delete?: readonly string[];
}

/**
 * Grants one handler exactly the object actions it uses on exactly these keys. The bucket's own grant
 * methods would add `s3:List*` and `s3:GetBucket*` on the whole bucket (every owner's keys) and wildcard
 * object actions. A reader may list the bucket only under the keys it reads: enough for S3 to tell it
 * that a key is missing (lambdas/adapters/s3-blob-store.ts), not enough to enumerate anyone else's.
 */
export function grantBlobAccess(fn: IGrantable, bucket: IBucket, access: BlobAccess): void {
  const { read = [], write = [], delete: remove = [] } = access;
  const allow = (actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources, conditions }));
  const objects = (patterns: readonly string[]) => patterns.map((pattern) => bucket.arnForObjects(pattern));

  if (read.length > 0) {
    // HeadObject and ranged reads are GetObject too; Textract reads the worker's objects with this grant.
    allow(['s3:GetObject'], objects(read));
    allow(['s3:ListBucket'], [bucket.bucketArn], { StringLike: { 's3:prefix': [...read] } });
    bucket.encryptionKey?.grantDecrypt(fn);
  }
  if (write.length > 0) {
    // Single PutObject requests and presigned POSTs: no multipart upload, so no Abort* or ListMultipart*.
    allow(['s3:PutObject'], objects(write));
    // The key actions bucket.grantPut gives a writer of an SSE-KMS bucket.
    bucket.encryptionKey?.grantEncryptDecrypt(fn);
  }
  if (remove.length > 0) allow(['s3:DeleteObject'], objects(remove));
}
