/**
 * Composition root of the worker: the shared storage plus OCR, LLM and the compat result sealer. Every
 * provider is imported statically except tesseract (a large WebAssembly engine for laptops only), which is loaded by a path the bundler
 * cannot follow, so the Lambda bundle never carries it. Built on first use,
 * once per cold start; tests and the local runtime may replace it first with `useWorkerDependencies(...)`.
 */

import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { KMSClient } from '@aws-sdk/client-kms';
import { TextractClient } from '@aws-sdk/client-textract';
import { BedrockLlm } from '../adapters/bedrock-llm';
import { KmsKeyWrapper } from '../adapters/kms-key-wrapper';
import { LocalKeyWrapper } from '../adapters/local-key-wrapper';
import { MupdfDocumentReader } from '../adapters/mupdf-document-reader';
import { OpenAiLlm } from '../adapters/openai-llm';
import { RulesLlm } from '../adapters/rules/rules-llm';
import { SimulatedOcr } from '../adapters/simulated-ocr';
import { type ReceivedMessage, SqsMessageRetries } from '../adapters/sqs-message-retries';
import { TextractOcr } from '../adapters/textract-ocr';
import { createResultSealer } from '../core/compat/seal-result';
import type { LlmClient, OcrEngine } from '../core/ports';
import type { ProcessTaskDependencies, ResultSealer } from '../core/use-cases/process-task';
import { CLIENT_TIMEOUTS, requestHandler, sqsClient } from './aws-clients';
import { type Config, environmentConfig } from './config';
import { storageFromConfig } from './storage-dependencies';
import { taskEventsFrom } from './task-events';
import { tracedClient } from './tracing';

/** Brings a received message back after `seconds` instead of its queue's visibility timeout. */
export interface MessageRetries {
  postpone(message: ReceivedMessage, seconds: number): Promise<void>;
}

export type WorkerDependencies = ProcessTaskDependencies & {
  /** @default none: a failed record comes back after the visibility timeout */
  retries?: MessageRetries;
};

/** Shares of the worker timeout one OCR call and one LLM call may spend, retries included. */
const OCR_BUDGET_SHARE = 0.2;
const LLM_BUDGET_SHARE = 0.3;

let current: WorkerDependencies | undefined;
let building: Promise<WorkerDependencies> | undefined;

/** Replaces the dependencies (tests, local runtime); `undefined` goes back to building from the environment. */
export function useWorkerDependencies(dependencies: WorkerDependencies | undefined): void {
  current = dependencies;
  building = undefined;
}

export async function dependencies(): Promise<WorkerDependencies> {
  if (current) return current;
  building ??= fromConfig(environmentConfig()).then(
    (built) => {
      current ??= built;
      return current;
    },
    (error: unknown) => {
      building = undefined;
      throw error;
    },
  );
  return building;
}

export async function fromConfig(config: Config): Promise<WorkerDependencies> {
  const { tasks, blobs, cache, clock } = storageFromConfig(config);
  const ocr = await ocrEngine(config);
  return {
    tasks,
    blobs,
    cache,
    clock,
    // Pages come out of the reader sized for the engine that reads them.
    documents: new MupdfDocumentReader({ limits: ocr.imageLimits }),
    ocr,
    llm: await llmClient(config),
    pricing: config.pricing,
    workerTimeoutSeconds: config.workerTimeoutSeconds,
    ocrConcurrency: config.ocrConcurrency,
    keepInputs: config.keepInputs,
    retentionDays: config.retentionDays,
    dropUngrounded: config.ungroundedValues === 'drop',
    resultSealer: await resultSealer(config),
    // Every task the worker ends is announced (webhooks, EventBridge).
    events: taskEventsFrom(config),
    // The queues the worker's event sources read (their ChangeMessageVisibility is granted with them).
    retries: new SqsMessageRetries(sqsClient(), [config.queueUrls.normal, config.queueUrls.high]),
  };
}

/** A local-only adapter, by a specifier esbuild leaves alone (a literal would be bundled). */
function localAdapter<Module>(file: string): Promise<Module> {
  const specifier = ['..', 'adapters', file].join('/');
  return import(/* @vite-ignore */ specifier) as Promise<Module>;
}

// Textract and Bedrock clients make one attempt per call: the adapters' retry layer owns backoff, budget and
// the per-attempt timeout (it aborts the call); the task deadline (processTask) caps the budget further.
async function ocrEngine(config: Config): Promise<OcrEngine> {
  switch (config.ocr) {
    case 'textract':
      return new TextractOcr(tracedClient(new TextractClient({ maxAttempts: 1 })), config.bucket, {
        budgetMs: config.workerTimeoutSeconds * 1000 * OCR_BUDGET_SHARE,
        document: config.textractDocument,
      });
    case 'tesseract': {
      const { TesseractOcr } =
        await localAdapter<typeof import('../adapters/tesseract-ocr')>('tesseract-ocr');
      // One engine per image a task reads in parallel: more would idle, fewer would queue.
      return new TesseractOcr({ poolSize: config.ocrConcurrency });
    }
    case 'simulated':
      // The latency of a simulated page is injected by the local runtime (DOCUSNAP_FAULTS ocr.latency).
      return new SimulatedOcr({ latencyMs: 0 });
  }
}

async function llmClient(config: Config): Promise<LlmClient> {
  switch (config.llm) {
    case 'bedrock':
      return new BedrockLlm(
        tracedClient(new BedrockRuntimeClient({ maxAttempts: 1 })),
        config.bedrockModelId,
        {
          budgetMs: config.workerTimeoutSeconds * 1000 * LLM_BUDGET_SHARE,
          maxOutputTokens: config.bedrockMaxOutputTokens,
        },
      );
    case 'openai': {
      const { baseUrl = '', model = '', apiKey } = config.openai;
      return new OpenAiLlm({ baseUrl, model, apiKey });
    }
    case 'rules':
      return new RulesLlm();
  }
}

/** Compat results are stored only encrypted under the client's key, unwrapped by KMS or the local master key. */
async function resultSealer(config: Config): Promise<ResultSealer | undefined> {
  if (config.kmsKeyId) {
    const kms = tracedClient(new KMSClient({ requestHandler: requestHandler(CLIENT_TIMEOUTS.kms) }));
    return createResultSealer(new KmsKeyWrapper(kms, config.kmsKeyId));
  }
  if (config.masterKeyFile) return createResultSealer(await LocalKeyWrapper.fromFile(config.masterKeyFile));
  return undefined;
}
