/** BlobStore on one S3 bucket (presigned uploads: s3-upload-signer.ts). */
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BlobHead, BlobStore } from '../core/ports';
import { rethrowAwsError } from './aws-errors';

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH_SIZE = 1000;
const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound']);

export class S3BlobStore implements BlobStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    try {
      await this.s3.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
      );
    } catch (error) {
      rethrowAwsError('S3', error);
    }
  }

  async copy(fromKey: string, toKey: string): Promise<boolean> {
    try {
      // The copy takes the bucket's default encryption (SSE-KMS), like every put.
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: `${this.bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`,
        }),
      );
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      rethrowAwsError('S3', error);
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Body ? await Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (await this.isMissing(key, error)) return undefined;
      rethrowAwsError('S3', error);
    }
  }

  async getPrefix(key: string, length: number): Promise<Uint8Array | undefined> {
    if (length <= 0) return (await this.head(key)) ? new Uint8Array() : undefined;
    try {
      const { Body } = await this.s3.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${length - 1}` }),
      );
      const bytes = Body ? await Body.transformToByteArray() : new Uint8Array();
      // A server that ignores Range sends the whole object; the caller asked for the prefix only.
      return bytes.subarray(0, length);
    } catch (error) {
      if (await this.isMissing(key, error)) return undefined;
      // An empty object has no byte 0: S3 answers 416 InvalidRange.
      if (error instanceof Error && error.name === 'InvalidRange') return new Uint8Array();
      rethrowAwsError('S3', error);
    }
  }

  async head(key: string): Promise<BlobHead | undefined> {
    try {
      const { ContentLength, ContentType } = await this.s3.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return { size: ContentLength ?? 0, contentType: ContentType };
    } catch (error) {
      if (await this.isMissing(key, error)) return undefined;
      rethrowAwsError('S3', error);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH_SIZE) {
      const batch = keys.slice(start, start + DELETE_BATCH_SIZE);
      let failures: { Key?: string; Code?: string }[] | undefined;
      try {
        const { Errors } = await this.s3.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true },
          }),
        );
        failures = Errors;
      } catch (error) {
        rethrowAwsError('S3', error);
      }
      // DeleteObjects reports per-key failures in a 200 answer; deleting a missing key is not one of them.
      if (failures && failures.length > 0) {
        const list = failures.map((failure) => `${failure.Key}: ${failure.Code}`).join(', ');
        throw new Error(`S3 could not delete ${failures.length} object(s): ${list}`);
      }
    }
  }

  /**
   * S3 answers a missing key with 403, not 404, unless the caller may list the whole bucket, and the
   * handlers may list only their own prefixes (lib/blob-grants.ts). So a 403 is told apart by listing
   * that very key: absent, it is a missing object; present, the 403 is a real denial and stands.
   */
  private async isMissing(key: string, error: unknown): Promise<boolean> {
    if (isNotFound(error)) return true;
    if (!isForbidden(error)) return false;
    try {
      const { Contents } = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 1 }),
      );
      // The key itself sorts first among the keys it prefixes.
      return !Contents?.some((object) => object.Key === key);
    } catch {
      return false;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && NOT_FOUND_NAMES.has(error.name);
}

function isForbidden(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 403 || error.name === 'AccessDenied' || error.name === 'Forbidden';
}
