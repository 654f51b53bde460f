import { uploadKey } from '../blob-keys';
import { ImageRejected } from '../errors';
import { checkImageSize } from '../images';
import type { IdGenerator, UploadSigner } from '../ports';
import {
  type CreateUploadRequest,
  type CreateUploadResponse,
  MAX_IMAGE_BYTES,
  UPLOAD_CONTENT_TYPES,
} from '../schemas/uploads';

/** How long a presigned POST stays usable. */
export const UPLOAD_EXPIRY_SECONDS = 15 * 60;

export interface CreateUploadDependencies {
  uploadSigner: UploadSigner;
  ids: IdGenerator;
}

/** Route `createUpload`: a presigned POST for one image under the caller's own prefix. */
export async function createUpload(
  { uploadSigner, ids }: CreateUploadDependencies,
  owner: string,
  request: CreateUploadRequest,
): Promise<CreateUploadResponse> {
  if (!(UPLOAD_CONTENT_TYPES as readonly string[]).includes(request.contentType)) {
    throw new ImageRejected(
      'UNSUPPORTED_MEDIA_TYPE',
      `contentType must be one of ${UPLOAD_CONTENT_TYPES.join(', ')}`,
    );
  }
  checkImageSize(request.contentLength, 'the upload');
  const uploadId = ids.newId();
  const post = await uploadSigner.presignPost(uploadKey(owner, uploadId), {
    contentType: request.contentType,
    minBytes: 1,
    maxBytes: MAX_IMAGE_BYTES,
    expiresInSeconds: UPLOAD_EXPIRY_SECONDS,
  });
  return { uploadId, url: post.url, fields: post.fields, expiresAt: post.expiresAt };
}
