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

/** Writes a job's inputs in the S3 layout of docs/architecture.md, as the v1 submission does. */
export async function storeJobInputs(
  blobs: BlobStore,
  owner: string,
  taskId: string,
  payload: InnerPayload,
  decoded: readonly DecodedImage[],
): Promise<{ images: ImageInput[]; requestKey: string }> {
  const images = await Promise.all(
    decoded.map(async ({ bytes, mediaType }, n) => {
      const key = inputImageKey(owner, taskId, n);
      await blobs.put(key, bytes, mediaType);
      return { key, mediaType, bytes: bytes.byteLength } satisfies ImageInput;
    }),
  );
  const details: TaskRequestDetails =
    payload.kind === 'form' ? { library: payload.library, form: payload.form } : { library: payload.library };
  const requestKey = requestDetailsKey(owner, taskId);
  await blobs.put(requestKey, JSON.stringify(details), 'application/json');
  return { images, requestKey };
}
