import { inputImageKey, requestDetailsKey } from '../blob-keys';
import { ApiError } from '../errors';
import { decodeBase64Image, inspectImage } from '../images';
import type { BlobStore } from '../ports';
import type { ImageInput, TaskRequestDetails } from '../task';
import type { InnerPayload } from './inner-payload';

/** An image the backend cannot read; the original server reported these as OCR_FAILURE. */
export class UnreadableImageError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnreadableImageError';
  }
}

export interface DecodedImage {
  bytes: Uint8Array;
  mediaType: ImageInput['mediaType'];
}

/** Decodes and checks every image before anything is stored, so a bad one leaves nothing behind. */
export function decodeImages(images: readonly string[]): DecodedImage[] {
  return images.map((data, n) => {
    try {
      const bytes = decodeBase64Image(data, `to_process.${n}`);
      return { bytes, mediaType: inspectImage(bytes, `image ${n + 1}`).mediaType };
    } catch (error) {
      if (error instanceof ApiError) throw new UnreadableImageError(error.message);
      throw error;
    }
  });
}

/** A job's inputs as the S3 layout of docs/architecture.md places them, as the v1 submission does. */
export interface JobInputs {
  images: ImageInput[];
  requestKey: string;
  blobs: { key: string; body: Uint8Array | string; mediaType: string }[];
}

export function jobInputs(
  owner: string,
  taskId: string,
  payload: InnerPayload,
  decoded: readonly DecodedImage[],
): JobInputs {
  const images = decoded.map(
    ({ bytes, mediaType }, n): ImageInput => ({
      key: inputImageKey(owner, taskId, n),
      mediaType,
      bytes: bytes.byteLength,
    }),
  );
  const details: TaskRequestDetails =
    payload.kind === 'form' ? { library: payload.library, form: payload.form } : { library: payload.library };
  const requestKey = requestDetailsKey(owner, taskId);
  return {
    images,
    requestKey,
    blobs: [
      ...decoded.map(({ bytes, mediaType }, n) => ({
        key: inputImageKey(owner, taskId, n),
        body: bytes,
        mediaType,
      })),
      { key: requestKey, body: JSON.stringify(details), mediaType: 'application/json' },
    ],
  };
}

/** Writes a job's inputs, all at once. */
export async function storeJobInputs(blobs: BlobStore, inputs: JobInputs): Promise<void> {
  await Promise.all(inputs.blobs.map(({ key, body, mediaType }) => blobs.put(key, body, mediaType)));
}
