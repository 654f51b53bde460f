import * as z from '../zod';

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export const UPLOAD_CONTENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf', 'image/tiff'] as const;

/** Body of the `createUpload` route. */
export const CreateUploadRequest = z.strictObject({
  contentType: z.string().check(z.minLength(1)),
  contentLength: z.number().check(z.int(), z.minimum(1)),
});
export type CreateUploadRequest = z.infer<typeof CreateUploadRequest>;

/** The answer of the `createUpload` route: a presigned POST (multipart form: every field, then `file`). */
export const CreateUploadResponse = z.object({
  uploadId: z.string(),
  url: z.string(),
  fields: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});
export type CreateUploadResponse = z.infer<typeof CreateUploadResponse>;
