/**
 * UploadSigner on one S3 bucket: presigned POSTs for `POST /v1/uploads`.
 *
 * The composition root must build the S3Client with `requestChecksumCalculation: 'WHEN_REQUIRED'`:
 * otherwise the SDK adds a CRC32 of the (empty) body to presigned requests and every upload through them
 * fails the checksum (docs: /work/shared/TOOLCHAIN.md).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { PresignedPost, UploadSigner } from '../core/ports';
import { rethrowAwsError } from './aws-errors';

export class S3UploadSigner implements UploadSigner {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPost(
    key: string,
    options: { contentType: string; minBytes: number; maxBytes: number; expiresInSeconds: number },
  ): Promise<PresignedPost> {
    const expiresAt = new Date(Date.now() + options.expiresInSeconds * 1000).toISOString();
    try {
      const { url, fields } = await createPresignedPost(this.s3, {
        Bucket: this.bucket,
        Key: key,
        // The key condition is added by createPresignedPost itself.
        Conditions: [
          ['content-length-range', options.minBytes, options.maxBytes],
          ['eq', '$Content-Type', options.contentType],
        ],
        // The client posts every field back, so Content-Type must be one of them to meet the condition.
        Fields: { 'Content-Type': options.contentType },
        Expires: options.expiresInSeconds,
      });
      return { url, fields, expiresAt };
    } catch (error) {
      rethrowAwsError('S3', error);
    }
  }
}
