import {
  type Block,
  DetectDocumentTextCommand,
  type DetectDocumentTextResponse,
  type TextractClient,
} from '@aws-sdk/client-textract';
import { imageSize } from 'image-size';
import { TaskFailure } from '../core/errors';
import { MAX_IMAGE_SIDE_PX } from '../core/images';
import { type LayoutLine, type LayoutWord, lineOf, type PageLayout, pageBox } from '../core/layout';
import type { CallOptions, OcrEngine, OcrImage, OcrImageLimits, OcrPage } from '../core/ports';
import {
  AttemptTimeoutError,
  type CallBudget,
  callBudget,
  describeBudget,
  httpStatusOf,
  isThrottle,
  type RetryTuning,
  withRetry,
} from './retry';

export interface TextractOcrOptions {
  /** Attempts, backoff and time sources; tests inject a virtual clock. */
  retry?: RetryTuning;
  /** Time for all attempts of one image. @default 20000 */
  budgetMs?: number;
  /** One DetectDocumentText call is aborted after this long. @default 8000 */
  attemptTimeoutMs?: number;
  /**
   * How Textract gets the image: `s3` names the object (Textract reads it from the bucket itself), `bytes`
   * sends the image in the request (for buckets Textract cannot reach, such as the local emulator's).
   * @default 's3'
   */
  document?: TextractDocumentSource;
}

export type TextractDocumentSource = 's3' | 'bytes';

/** Textract's synchronous limits: 10 MB for a document it reads from S3, 5 MB for one sent as bytes. */
const MAX_S3_DOCUMENT_BYTES = 10_000_000;
const MAX_BYTES_DOCUMENT_BYTES = 5_000_000;

/**
 * What Textract takes in the given mode: a stored image goes by S3 (10 MB) unless everything is sent as
 * bytes; what the worker made itself is always sent as bytes (5 MB); 10,000 px a side either way.
 */
export function textractImageLimits(document: TextractDocumentSource): OcrImageLimits {
  return {
    maxSidePx: MAX_IMAGE_SIDE_PX,
    maxBytes: document === 's3' ? MAX_S3_DOCUMENT_BYTES : MAX_BYTES_DOCUMENT_BYTES,
    maxRenderedBytes: MAX_BYTES_DOCUMENT_BYTES,
  };
}

/** Textract's answers for an image it cannot read: the input is at fault, so retrying is pointless. */
const UNREADABLE_INPUT = new Set([
  'InvalidParameterException',
  'UnsupportedDocumentException',
  'BadDocumentException',
  'DocumentTooLargeException',
  'InvalidS3ObjectException',
]);

/** OCR with Amazon Textract's synchronous DetectDocumentText, on the S3 object or on the image's bytes. */
export class TextractOcr implements OcrEngine {
  readonly name = 'textract';
  private readonly budgetMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly retry: RetryTuning;
  readonly document: TextractDocumentSource;
  readonly imageLimits: OcrImageLimits;

  constructor(
    private readonly client: TextractClient,
    private readonly bucket: string,
    options: TextractOcrOptions = {},
  ) {
    this.budgetMs = options.budgetMs ?? 20_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 8_000;
    this.retry = options.retry ?? {};
    this.document = options.document ?? 's3';
    this.imageLimits = textractImageLimits(this.document);
  }

  /** Retries within its budget, or within what is left until `options.deadline` when that comes first. */
  async recognize(image: OcrImage, options: CallOptions = {}): Promise<OcrPage> {
    const budget = callBudget(this.budgetMs, options.deadline, this.retry.now ?? Date.now);
    if (budget.budgetMs <= 0) {
      throw new TaskFailure(
        'OCR_FAILURE',
        `the task ran out of time before Textract could read ${this.objectName(image.key)}`,
      );
    }
    const command = new DetectDocumentTextCommand({
      Document:
        this.document === 'bytes' || image.rendered
          ? { Bytes: image.bytes }
          : { S3Object: { Bucket: this.bucket, Name: image.key } },
    });
    let response: DetectDocumentTextResponse;
    try {
      response = await withRetry((abortSignal) => this.client.send(command, { abortSignal }), {
        maxAttempts: 6,
        baseDelayMs: 250,
        maxDelayMs: 4_000,
        attemptTimeoutMs: this.attemptTimeoutMs,
        isRetryable: isTransient,
        ...this.retry,
        budgetMs: budget.budgetMs,
      });
    } catch (error) {
      throw this.failure(error, image.key, budget);
    }
    return {
      layout: layoutOf(response.Blocks ?? [], image.bytes),
      pages: response.DocumentMetadata?.Pages ?? 1,
    };
  }

  private objectName(key: string): string {
    return this.document === 'bytes' ? `image ${key}` : `s3://${this.bucket}/${key}`;
  }

  // Only names and AWS messages go into the failure: never the image itself.
  private failure(error: unknown, key: string, budget: CallBudget): TaskFailure {
    const name = error instanceof Error ? error.name : 'UnknownError';
    const detail = error instanceof Error ? error.message : String(error);
    const object = this.objectName(key);
    if (UNREADABLE_INPUT.has(name)) {
      return new TaskFailure('INPUT_UNREADABLE', `Textract cannot read ${object} (${name}: ${detail})`, {
        cause: error,
      });
    }
    if (name === 'AccessDeniedException') {
      // Sent as bytes, Textract never touches the bucket: only its own permission is in question.
      const needed =
        this.document === 'bytes'
          ? 'the credentials need textract:DetectDocumentText'
          : `the worker role needs textract:DetectDocumentText, s3:GetObject on ${object} and kms:Decrypt on the bucket key`;
      return new TaskFailure('OCR_FAILURE', `Textract was denied access (${detail}): ${needed}`, {
        cause: error,
      });
    }
    if (error instanceof AttemptTimeoutError) {
      return new TaskFailure('OCR_FAILURE', `Textract did not answer for ${object}: ${detail}`, {
        cause: error,
      });
    }
    if (isThrottle(error)) {
      return new TaskFailure(
        'OCR_FAILURE',
        `Textract kept throttling (${name}); gave up after the retries ${describeBudget(budget)} allows`,
        { cause: error },
      );
    }
    return new TaskFailure('OCR_FAILURE', `Textract failed on ${object} (${name}: ${detail})`, {
      cause: error,
    });
  }
}

function isTransient(error: unknown): boolean {
  return isThrottle(error) || error instanceof AttemptTimeoutError || (httpStatusOf(error) ?? 0) >= 500;
}

/**
 * Textract's geometry is already a fraction of the page; its confidence is a percentage. A block without
 * geometry (not seen from the service) keeps its text with an empty box.
 */
function wordOf(block: Block): LayoutWord | undefined {
  const text = block.Text?.trim();
  const box = block.Geometry?.BoundingBox ?? {};
  if (!text) return undefined;
  return {
    text,
    box: pageBox(box.Left ?? 0, box.Top ?? 0, box.Width ?? 0, box.Height ?? 0),
    confidence: Math.round((block.Confidence ?? 0) * 10) / 1000,
  };
}

/**
 * Textract lists LINE blocks in reading order, each naming its WORD blocks as children. A line without
 * word children (not seen in practice) stands as one word covering the line.
 */
function layoutOf(blocks: Block[], bytes: Uint8Array): PageLayout {
  const byId = new Map(blocks.filter((block) => block.Id).map((block) => [block.Id, block]));
  const lines: LayoutLine[] = [];
  for (const block of blocks) {
    if (block.BlockType !== 'LINE') continue;
    const childIds = (block.Relationships ?? [])
      .filter((relation) => relation.Type === 'CHILD')
      .flatMap((relation) => relation.Ids ?? []);
    const words = childIds
      .map((id) => byId.get(id))
      .filter((child) => child?.BlockType === 'WORD')
      .map((child) => child && wordOf(child))
      .filter((word) => word !== undefined);
    const whole = wordOf(block);
    if (words.length > 0) lines.push(lineOf(words));
    else if (whole) lines.push(lineOf([whole]));
  }
  return { ...pixelSize(bytes), lines, source: 'ocr' };
}

/** Textract gives no pixel size: it is the image's own, read from its header (0 × 0 when unreadable). */
function pixelSize(bytes: Uint8Array): { width: number; height: number } {
  try {
    const { width = 0, height = 0 } = imageSize(bytes);
    return { width, height };
  } catch {
    return { width: 0, height: 0 };
  }
}
