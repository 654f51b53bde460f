import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../lambdas/adapters/s3-blob-store';

/**
 * Real S3 answers 403 for a missing key to a caller that may not list the bucket, and the handlers' roles
 * may list only their own prefixes (lib/blob-grants.ts). No emulator models IAM, so S3 is mocked here.
 */
const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const BUCKET = 'docusnap-bucket';
const KEY = 'uploads/user-1/up-1';
const blobs = () => new S3BlobStore(new S3Client({ region: 'us-east-1' }), BUCKET);

const denied = (name: 'AccessDenied' | 'Forbidden') =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 403 }, message: name });

describe('S3BlobStore under prefix-scoped IAM', () => {
  it('answers undefined for a missing key that S3 reports as 403, after listing that key', async () => {
    s3.on(GetObjectCommand).rejects(denied('AccessDenied'));
    s3.on(HeadObjectCommand).rejects(denied('Forbidden'));
    // A neighbour that merely starts with the key is not the key.
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${KEY}-other` }] });
    expect(await blobs().get(KEY)).toBeUndefined();
    expect(await blobs().getPrefix(KEY, 16)).toBeUndefined();
    expect(await blobs().head(KEY)).toBeUndefined();
    const listed = s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input);
    expect(listed).toHaveLength(3);
    for (const input of listed) expect(input).toEqual({ Bucket: BUCKET, Prefix: KEY, MaxKeys: 1 });
  });

  it('keeps a real denial of an object that exists an error', async () => {
    s3.on(GetObjectCommand).rejects(denied('AccessDenied'));
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: KEY }] });
    await expect(blobs().get(KEY)).rejects.toThrow();
  });

  it('keeps the denial when the key cannot be listed either', async () => {
    s3.on(HeadObjectCommand).rejects(denied('Forbidden'));
    s3.on(ListObjectsV2Command).rejects(denied('AccessDenied'));
    await expect(blobs().head(KEY)).rejects.toThrow();
  });

  it('does not list for an ordinary 404', async () => {
    s3.on(GetObjectCommand).rejects(
      new S3ServiceException({ name: 'NoSuchKey', $fault: 'client', $metadata: { httpStatusCode: 404 } }),
    );
    expect(await blobs().get(KEY)).toBeUndefined();
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });
});
