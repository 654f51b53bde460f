import {
  AccessDeniedException,
  BadDocumentException,
  DetectDocumentTextCommand,
  InvalidS3ObjectException,
  ProvisionedThroughputExceededException,
  TextractClient,
  UnsupportedDocumentException,
} from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { TextractOcr } from '../../lambdas/adapters/textract-ocr';
import { TaskFailure } from '../../lambdas/core/errors';
import { pageText } from '../../lambdas/core/layout';
import type { OcrImage } from '../../lambdas/core/ports';
import { pngImage } from '../support/events';

const textract = mockClient(TextractClient);
afterEach(() => textract.reset());

// Distinctive bytes: if they ever leak into an error message, the assertions below catch it.
const image: OcrImage = {
  key: 'inputs/user-1/task-1/0',
  mediaType: 'image/png',
  bytes: new TextEncoder().encode('SECRET-IMAGE-BYTES'),
};

/** Waits cost nothing: the virtual clock jumps ahead instead. */
function virtualClock() {
  let clock = 0;
  return {
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
    random: () => 0.5,
  };
}

function ocr(options: ConstructorParameters<typeof TextractOcr>[2] = {}) {
  return new TextractOcr(new TextractClient({}), 'docusnap-uploads', { retry: virtualClock(), ...options });
}

const throttled = () =>
  new ProvisionedThroughputExceededException({ message: 'Provisioned rate exceeded', $metadata: {} });

/** A LINE or WORD block as Textract writes it: geometry in page fractions, confidence in percent. */
function block(
  type: 'LINE' | 'WORD',
  id: string,
  text: string,
  box: number[],
  confidence: number,
  children?: string[],
) {
  const [Left, Top, Width, Height] = box;
  return {
    BlockType: type,
    Id: id,
    Text: text,
    Confidence: confidence,
    Geometry: { BoundingBox: { Left, Top, Width, Height } },
    ...(children && { Relationships: [{ Type: 'CHILD' as const, Ids: children }] }),
  };
}

const invoice = {
  DocumentMetadata: { Pages: 1 },
  Blocks: [
    {
      BlockType: 'PAGE' as const,
      Id: 'p',
      Relationships: [{ Type: 'CHILD' as const, Ids: ['l1', 'l2', 'l3'] }],
    },
    block('LINE', 'l1', 'ACME Ltd', [0.1, 0.05, 0.2, 0.03], 99.5, ['w1', 'w2']),
    block('LINE', 'l2', 'Invoice No: 42', [0.1, 0.1, 0.3, 0.02], 97, ['w3', 'w4', 'w5']),
    block('LINE', 'l3', 'Total: 99.00', [0.1, 0.8, 0.25, 0.02], 90, ['w6', 'w7']),
    block('WORD', 'w1', 'ACME', [0.1, 0.05, 0.1, 0.03], 99.9),
    block('WORD', 'w2', 'Ltd', [0.22, 0.05, 0.08, 0.03], 99.1),
    block('WORD', 'w3', 'Invoice', [0.1, 0.1, 0.1, 0.02], 98),
    block('WORD', 'w4', 'No:', [0.21, 0.1, 0.05, 0.02], 96),
    block('WORD', 'w5', '42', [0.35, 0.1, 0.05, 0.02], 97),
    block('WORD', 'w6', 'Total:', [0.1, 0.8, 0.1, 0.02], 95),
    block('WORD', 'w7', '99.00', [0.3, 0.8, 0.05, 0.02], 85.5),
  ],
};

async function failureOf(promise: Promise<unknown>): Promise<TaskFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TaskFailure);
  return error as TaskFailure;
}

describe('TextractOcr', () => {
  it('asks Textract to read the image straight from S3 by bucket and key', async () => {
    textract.on(DetectDocumentTextCommand).resolves(invoice);
    await ocr().recognize(image);
    const calls = textract.commandCalls(DetectDocumentTextCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Document: { S3Object: { Bucket: 'docusnap-uploads', Name: 'inputs/user-1/task-1/0' } },
    });
  });

  it('sends the image bytes instead of an S3 reference when told to (a bucket Textract cannot reach)', async () => {
    textract.on(DetectDocumentTextCommand).resolves(invoice);
    const page = await ocr({ document: 'bytes' }).recognize(image);
    expect(pageText(page.layout)).toContain('Invoice No: 42');
    const [call] = textract.commandCalls(DetectDocumentTextCommand);
    expect(call?.args[0].input).toEqual({ Document: { Bytes: image.bytes } });
  });

  it('names the image, not an S3 object, and asks only for the Textract permission when sending bytes', async () => {
    textract
      .on(DetectDocumentTextCommand)
      .rejectsOnce(new BadDocumentException({ message: 'cannot read', $metadata: {} }))
      .rejectsOnce(new AccessDeniedException({ message: 'not authorized', $metadata: {} }));
    const unreadable = await failureOf(ocr({ document: 'bytes' }).recognize(image));
    expect(unreadable.code).toBe('INPUT_UNREADABLE');
    expect(unreadable.message).toContain('image inputs/user-1/task-1/0');
    expect(unreadable.message).not.toContain('s3://');
    expect(unreadable.message).not.toContain('SECRET-IMAGE-BYTES');

    const denied = await failureOf(ocr({ document: 'bytes' }).recognize(image));
    expect(denied.code).toBe('OCR_FAILURE');
    expect(denied.message).toContain('textract:DetectDocumentText');
    expect(denied.message).not.toContain('s3:GetObject');
  });

  it('returns the LINE texts in order, one per line, and the pages Textract billed', async () => {
    textract.on(DetectDocumentTextCommand).resolves({ ...invoice, DocumentMetadata: { Pages: 2 } });
    const page = await ocr().recognize(image);
    expect(pageText(page.layout)).toBe('ACME Ltd\nInvoice No: 42\nTotal: 99.00');
    expect(page.pages).toBe(2);
  });

  it("lays out each LINE's WORD children with Textract's fractional boxes and confidences as 0..1", async () => {
    textract.on(DetectDocumentTextCommand).resolves(invoice);
    const { layout } = await ocr().recognize({ ...image, bytes: pngImage(1240, 1754) });
    // Textract gives no pixel size: it is the image's own.
    expect(layout).toMatchObject({ width: 1240, height: 1754, source: 'ocr' });
    expect(layout.lines.map((line) => line.words.map((word) => word.text))).toEqual([
      ['ACME', 'Ltd'],
      ['Invoice', 'No:', '42'],
      ['Total:', '99.00'],
    ]);
    const total = layout.lines[2];
    expect(total.words[1]).toEqual({
      text: '99.00',
      box: { left: 0.3, top: 0.8, width: 0.05, height: 0.02 },
      confidence: 0.855,
    });
    // The line's box spans its words, its confidence is theirs on average.
    expect(total.box).toEqual({ left: 0.1, top: 0.8, width: 0.25, height: 0.02 });
    expect(total.confidence).toBeCloseTo((0.95 + 0.855) / 2, 2);
  });

  it('keeps a LINE without WORD children as one word, and a page of an unreadable header as 0 × 0', async () => {
    textract.on(DetectDocumentTextCommand).resolves({
      Blocks: [block('LINE', 'l', 'Lonely line', [0.2, 0.3, 0.4, 0.05], 80)],
    });
    const { layout } = await ocr().recognize(image);
    expect(layout).toMatchObject({ width: 0, height: 0 });
    expect(layout.lines).toEqual([
      {
        text: 'Lonely line',
        box: { left: 0.2, top: 0.3, width: 0.4, height: 0.05 },
        confidence: 0.8,
        words: [
          { text: 'Lonely line', box: { left: 0.2, top: 0.3, width: 0.4, height: 0.05 }, confidence: 0.8 },
        ],
      },
    ]);
  });

  it('counts one page when Textract reports no metadata', async () => {
    textract.on(DetectDocumentTextCommand).resolves({ Blocks: invoice.Blocks });
    expect((await ocr().recognize(image)).pages).toBe(1);
  });

  it('retries a throttled call and returns the text of the attempt that succeeds', async () => {
    textract
      .on(DetectDocumentTextCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves(invoice);
    const page = await ocr().recognize(image);
    expect(pageText(page.layout)).toContain('Invoice No: 42');
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(3);
  });

  it('fails with OCR_FAILURE once throttling outlasts the budget', async () => {
    textract.on(DetectDocumentTextCommand).rejects(throttled());
    const failure = await failureOf(ocr({ budgetMs: 3_000, attemptTimeoutMs: 1_000 }).recognize(image));
    expect(failure.code).toBe('OCR_FAILURE');
    expect(failure.message).toMatch(/throttling/);
    const calls = textract.commandCalls(DetectDocumentTextCommand).length;
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(6);
  });

  it('stops retrying at the task deadline when it comes before the budget ends', async () => {
    textract.on(DetectDocumentTextCommand).rejects(throttled());
    // The virtual clock starts at 0: 3 s to the deadline, against a 20 s budget that would allow 6 attempts.
    const failure = await failureOf(ocr().recognize(image, { deadline: 3_000 }));
    expect(failure.code).toBe('OCR_FAILURE');
    expect(failure.message).toMatch(/left before the task's deadline/);
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(1);
  });

  it('fails with OCR_FAILURE without calling Textract once the task deadline has passed', async () => {
    textract.on(DetectDocumentTextCommand).resolves(invoice);
    const failure = await failureOf(ocr().recognize(image, { deadline: 0 }));
    expect(failure.code).toBe('OCR_FAILURE');
    expect(failure.message).toMatch(/ran out of time/);
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(0);
  });

  it('keeps its own budget when the deadline is further away', async () => {
    textract.on(DetectDocumentTextCommand).rejects(throttled());
    await failureOf(ocr().recognize(image, { deadline: 3_600_000 }));
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(6);
  });

  it.each([
    ['BadDocumentException', () => new BadDocumentException({ message: 'cannot read', $metadata: {} })],
    [
      'UnsupportedDocumentException',
      () => new UnsupportedDocumentException({ message: 'format', $metadata: {} }),
    ],
    ['InvalidS3ObjectException', () => new InvalidS3ObjectException({ message: 'no object', $metadata: {} })],
  ])('reports %s as INPUT_UNREADABLE without retrying', async (_, error) => {
    textract.on(DetectDocumentTextCommand).rejects(error());
    const failure = await failureOf(ocr().recognize(image));
    expect(failure.code).toBe('INPUT_UNREADABLE');
    expect(failure.message).toContain('inputs/user-1/task-1/0');
    expect(failure.message).not.toContain('SECRET-IMAGE-BYTES');
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(1);
  });

  it('reports AccessDenied as OCR_FAILURE with the permissions an operator should check', async () => {
    textract
      .on(DetectDocumentTextCommand)
      .rejects(new AccessDeniedException({ message: 'not authorized', $metadata: {} }));
    const failure = await failureOf(ocr().recognize(image));
    expect(failure.code).toBe('OCR_FAILURE');
    expect(failure.message).toContain('s3:GetObject');
    expect(failure.message).toContain('kms:Decrypt');
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(1);
  });

  it('aborts a hung call after the per-attempt timeout and fails with OCR_FAILURE', async () => {
    textract.on(DetectDocumentTextCommand).callsFake(() => new Promise(() => {}));
    const failure = await failureOf(ocr({ budgetMs: 50, attemptTimeoutMs: 20 }).recognize(image));
    expect(failure.code).toBe('OCR_FAILURE');
    expect(failure.message).toMatch(/did not answer/);
    const [call] = textract.commandCalls(DetectDocumentTextCommand);
    const sendOptions = (call?.args as unknown[] | undefined)?.[1] as
      | { abortSignal?: AbortSignal }
      | undefined;
    expect(sendOptions?.abortSignal?.aborted).toBe(true);
  });

  it('retries a 5xx from Textract and fails with OCR_FAILURE when it persists', async () => {
    const serverError = Object.assign(new Error('internal'), {
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500 },
    });
    textract.on(DetectDocumentTextCommand).rejects(serverError);
    const failure = await failureOf(ocr({ retry: { ...virtualClock(), maxAttempts: 2 } }).recognize(image));
    expect(failure.code).toBe('OCR_FAILURE');
    expect(textract.commandCalls(DetectDocumentTextCommand)).toHaveLength(2);
  });
});
