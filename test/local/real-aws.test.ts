/**
 * `npm start` with DOCUSNAP_OCR=textract and DOCUSNAP_LLM=bedrock. There is no network here: Textract and
 * Bedrock are answered by aws-sdk-client-mock, while DynamoDB, S3 and SQS are the real emulators.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { DetectDocumentTextCommand, TextractClient } from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DocumentResult } from '../../lambdas/core/schemas/results';
import { TaskView } from '../../lambdas/core/schemas/tasks';
import { DocuSnapClient } from '../../local/api-client';
import { type LocalBackend, startLocalBackend } from '../../local/backend';
import { fixture, fixtureBase64, settle, submit } from './support';

/** Every place the SDK's credential chain looks, emptied; instance metadata off, so nothing dials out. */
function withoutAnyAwsCredentials(emptyDir: string): void {
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_ROLE_ARN',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  ]) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(emptyDir, 'no-credentials'));
  vi.stubEnv('AWS_CONFIG_FILE', path.join(emptyDir, 'no-config'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

describe('local backend with DOCUSNAP_LLM=bedrock and no AWS credentials', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-nocreds-'));
    withoutAnyAwsCredentials(home);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(home, { recursive: true, force: true });
  });

  it('refuses to start, says what to set, and starts nothing', async () => {
    const failure = await startLocalBackend({
      home,
      port: 0,
      env: { DOCUSNAP_OCR: 'tesseract', DOCUSNAP_LLM: 'bedrock' },
      log: () => {},
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message).toContain('DOCUSNAP_LLM=bedrock needs your AWS credentials');
    for (const variable of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) {
      expect(message).toContain(variable);
    }
    // Failed before the keys or the emulators' state were created.
    expect(await readdir(home)).toEqual([]);
  });
});

describe('local backend with Textract and Bedrock on the developer’s static credentials', () => {
  const developer = { accessKeyId: 'AKIAFAKEDEVELOPERKEY', secretAccessKey: 'fake-developer-secret' };
  const REGION = 'eu-central-1';
  const textract = mockClient(TextractClient);
  const bedrock = mockClient(BedrockRuntimeClient);
  let home: string;
  let backend: LocalBackend;
  let api: DocuSnapClient;

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-realaws-'));
    withoutAnyAwsCredentials(home);
    vi.stubEnv('AWS_ACCESS_KEY_ID', developer.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', developer.secretAccessKey);
    vi.stubEnv('AWS_REGION', REGION);
    backend = await startLocalBackend({
      home,
      port: 0,
      env: { DOCUSNAP_OCR: 'textract', DOCUSNAP_LLM: 'bedrock', DOCUSNAP_WORKER_CONCURRENCY: '2' },
      log: () => {},
      // The Textract and Bedrock mocks patch this thread's SDK classes: the worker must run here to meet them.
      poolInThread: false,
    });
    api = new DocuSnapClient(backend.url, await backend.token('dev'));
  });
  afterEach(() => {
    textract.reset();
    bedrock.reset();
  });
  afterAll(async () => {
    await backend?.stop();
    textract.restore();
    bedrock.restore();
    vi.unstubAllEnvs();
    await rm(home, { recursive: true, force: true });
  });

  /** What Textract and Bedrock would answer for the invoice. */
  function answerLikeAws(): void {
    textract.on(DetectDocumentTextCommand).resolves({
      DocumentMetadata: { Pages: 1 },
      Blocks: [
        { BlockType: 'LINE', Text: 'Acme Office Supplies' },
        { BlockType: 'LINE', Text: 'Invoice Number: INV-2024-0042' },
      ],
    });
    bedrock.on(ConverseCommand).resolves({
      output: {
        message: {
          role: 'assistant',
          content: [
            {
              toolUse: {
                toolUseId: 't1',
                name: 'record_document',
                input: {
                  title: 'Acme Office Supplies Invoice',
                  tags: ['invoice'],
                  description: 'An invoice from Acme Office Supplies.',
                  kv: { 'Invoice Number': 'INV-2024-0042' },
                  related: [],
                },
              },
            },
          ],
        },
      },
      usage: { inputTokens: 500, outputTokens: 60, totalTokens: 560 },
      stopReason: 'tool_use',
      metrics: { latencyMs: 1 },
    });
  }

  it('keeps the developer’s credentials and region for the handlers and sends Textract bytes', () => {
    expect(backend.env).toMatchObject({
      AWS_ACCESS_KEY_ID: developer.accessKeyId,
      AWS_SECRET_ACCESS_KEY: developer.secretAccessKey,
      AWS_REGION: REGION,
      DOCUSNAP_TEXTRACT_DOCUMENT: 'bytes',
    });
    expect(backend.env.AWS_ENDPOINT_URL_S3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('reads a document: image bytes to Textract, its text to Bedrock, the task stored in the emulators', async () => {
    answerLikeAws();

    const summary = await submit(api, '/v1/tasks/document', {
      images: [{ data: fixtureBase64('invoice.png') }],
    });
    const task = TaskView.parse(await settle(api, summary.taskId));

    expect(task.status).toBe('completed');
    expect(DocumentResult.parse(task.result).kv['Invoice Number']).toBe('INV-2024-0042');
    expect(task.usage).toMatchObject({ ocrEngine: 'textract', llmModel: 'us.amazon.nova-lite-v1:0' });

    const [ocrCall] = textract.commandCalls(DetectDocumentTextCommand);
    const document = ocrCall?.args[0].input.Document;
    expect(document?.S3Object).toBeUndefined();
    expect(Buffer.from(document?.Bytes ?? new Uint8Array()).equals(fixture('invoice.png'))).toBe(true);
    const [llmCall] = bedrock.commandCalls(ConverseCommand);
    expect(JSON.stringify(llmCall?.args[0].input.messages)).toContain('INV-2024-0042');

    // The real clients would sign with the developer's keys in the developer's region.
    const client = ocrCall?.thisValue as TextractClient;
    expect(await client.config.region()).toBe(REGION);
    expect((await client.config.credentials()).accessKeyId).toBe(developer.accessKeyId);
  });

  it('reads an image uploaded with the presigned POST, the API checking it in S3 with the developer’s keys', async () => {
    answerLikeAws();
    // Another image than the first test's: the same bytes would be answered from the OCR cache.
    const uploadId = await api.upload(fixture('id-card.jpg'), 'image/jpeg');
    const summary = await submit(api, '/v1/tasks/document', { images: [{ uploadId }] });
    const task = await settle(api, summary.taskId);

    expect(task.status).toBe('completed');
    const [ocrCall] = textract.commandCalls(DetectDocumentTextCommand);
    const sent = Buffer.from(ocrCall?.args[0].input.Document?.Bytes ?? []);
    expect(sent.equals(fixture('id-card.jpg'))).toBe(true);
  });
});
