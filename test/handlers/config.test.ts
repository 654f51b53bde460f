import { describe, expect, it } from 'vitest';
import type { BedrockLlm } from '../../lambdas/adapters/bedrock-llm';
import type { TextractOcr } from '../../lambdas/adapters/textract-ocr';
import { s3Client } from '../../lambdas/handlers/aws-clients';
import { ConfigurationError, parseConfig } from '../../lambdas/handlers/config';
import { fromConfig } from '../../lambdas/handlers/worker-dependencies';

const base = {
  DOCUSNAP_TABLE: 'docusnap',
  DOCUSNAP_BUCKET: 'docusnap-bucket',
  DOCUSNAP_QUEUE_URL: 'http://127.0.0.1:1/queue/normal',
  DOCUSNAP_HIGH_QUEUE_URL: 'http://127.0.0.1:1/queue/high',
};

describe('handlers/config', () => {
  it('applies the defaults of docs/architecture.md', () => {
    expect(parseConfig(base)).toMatchObject({
      table: 'docusnap',
      queueUrls: { normal: base.DOCUSNAP_QUEUE_URL, high: base.DOCUSNAP_HIGH_QUEUE_URL },
      ocr: 'textract',
      textractDocument: 's3',
      llm: 'bedrock',
      bedrockModelId: 'us.amazon.nova-lite-v1:0',
      retentionDays: 7,
      keepInputs: false,
      workerTimeoutSeconds: 90,
      ocrConcurrency: 4,
      pendingTimeoutSeconds: 300,
      processingTimeoutSeconds: 600,
      s3ForcePathStyle: false,
    });
  });

  it.each([
    {
      DOCUSNAP_OCR: 'textract',
      DOCUSNAP_LLM: 'bedrock',
      DOCUSNAP_BEDROCK_MODEL_ID: 'eu.amazon.nova-pro-v1:0',
    },
    { DOCUSNAP_OCR: 'simulated', DOCUSNAP_LLM: 'rules' },
    {
      DOCUSNAP_OCR: 'textract',
      DOCUSNAP_LLM: 'openai',
      DOCUSNAP_OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      DOCUSNAP_OPENAI_MODEL: 'llama3.2',
    },
  ])('names the providers exactly as the worker’s clients report them: %o', async (providers) => {
    const config = parseConfig({ ...base, ...providers });
    const worker = await fromConfig(config);
    expect(config.providers).toEqual({ ocrEngine: worker.ocr.name, llmModel: worker.llm.model });
  });

  it('names every missing variable', () => {
    try {
      parseConfig({ DOCUSNAP_TABLE: 't', DOCUSNAP_QUEUE_URL: 'q' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).variables).toEqual(['DOCUSNAP_BUCKET', 'DOCUSNAP_HIGH_QUEUE_URL']);
      expect((error as Error).message).toMatch(
        /DOCUSNAP_BUCKET is missing.*DOCUSNAP_HIGH_QUEUE_URL is missing/,
      );
    }
  });

  it('refuses invalid values, naming the variable', () => {
    expect(() => parseConfig({ ...base, DOCUSNAP_OCR: 'abbyy' })).toThrow(/DOCUSNAP_OCR is invalid/);
    expect(() => parseConfig({ ...base, DOCUSNAP_TEXTRACT_DOCUMENT: 'url' })).toThrow(
      /DOCUSNAP_TEXTRACT_DOCUMENT is invalid/,
    );
    expect(() => parseConfig({ ...base, DOCUSNAP_WORKER_TIMEOUT_S: '-5' })).toThrow(
      /DOCUSNAP_WORKER_TIMEOUT_S/,
    );
    expect(() => parseConfig({ ...base, DOCUSNAP_PRICING: '{"ocr":5}' })).toThrow(
      /DOCUSNAP_PRICING is invalid/,
    );
    expect(() => parseConfig({ ...base, DOCUSNAP_LLM: 'openai' })).toThrow(/DOCUSNAP_OPENAI_BASE_URL/);
  });

  it('reads overrides: keep inputs, pricing, and path-style S3 when an S3 endpoint is set', async () => {
    const parsed = parseConfig({
      ...base,
      DOCUSNAP_KEEP_INPUTS: 'true',
      DOCUSNAP_PRICING: '{"ocr":{"textract":{"perPageUsd":0.001}}}',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569',
    });
    expect(parsed.keepInputs).toBe(true);
    expect(parsed.pricing.ocr.textract?.perPageUsd).toBe(0.001);
    const s3 = s3Client(parsed);
    expect(s3.config.forcePathStyle).toBe(true);
    expect(await s3.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    s3.destroy();
  });
});

describe('worker composition', () => {
  it('builds the AWS providers by default', async () => {
    const deps = await fromConfig(parseConfig(base));
    expect(deps.ocr.name).toBe('textract');
    expect(deps.llm.model).toBe('us.amazon.nova-lite-v1:0');
    expect(deps.resultSealer).toBeUndefined();
  });

  it('sends Textract the S3 reference by default and the bytes when DOCUSNAP_TEXTRACT_DOCUMENT=bytes', async () => {
    const byReference = await fromConfig(parseConfig(base));
    expect((byReference.ocr as TextractOcr).document).toBe('s3');
    const byBytes = await fromConfig(parseConfig({ ...base, DOCUSNAP_TEXTRACT_DOCUMENT: 'bytes' }));
    expect(byBytes.ocr.name).toBe('textract');
    expect((byBytes.ocr as TextractOcr).document).toBe('bytes');
  });

  it("gives Bedrock the model table's output limit, or DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS", async () => {
    const byTable = await fromConfig(parseConfig(base));
    expect((byTable.llm as BedrockLlm).maxOutputTokens).toBe(5_000);
    const explicit = await fromConfig(
      parseConfig({
        ...base,
        DOCUSNAP_BEDROCK_MODEL_ID: 'mistral.mistral-large-2407-v1:0',
        DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS: '8192',
      }),
    );
    expect((explicit.llm as BedrockLlm).maxOutputTokens).toBe(8192);
    expect(() => parseConfig({ ...base, DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS: 'lots' })).toThrow(
      /DOCUSNAP_BEDROCK_MAX_OUTPUT_TOKENS/,
    );
  });

  it('sizes the tesseract pool from DOCUSNAP_OCR_CONCURRENCY', async () => {
    const deps = await fromConfig(
      parseConfig({ ...base, DOCUSNAP_OCR: 'tesseract', DOCUSNAP_OCR_CONCURRENCY: '3' }),
    );
    expect(deps.ocr.name).toBe('tesseract');
    // The pool starts lazily on the first image, so its planned size is what can be checked without OCR.
    expect((deps.ocr as unknown as { poolSize: number }).poolSize).toBe(3);
  });

  it('loads the local providers on demand', async () => {
    const deps = await fromConfig(parseConfig({ ...base, DOCUSNAP_OCR: 'simulated', DOCUSNAP_LLM: 'rules' }));
    expect(deps.ocr.name).toBe('simulated');
    expect(deps.llm.model).toBe('rules');
  });
});
