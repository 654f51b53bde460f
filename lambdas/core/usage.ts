import type { LlmClient, OcrEngine } from './ports';
import type { Usage } from './task';

/** The providers a worker-side use case names in `usage`, even when it spent nothing. */
export interface UsageProviders {
  ocr: Pick<OcrEngine, 'name'>;
  llm: Pick<LlmClient, 'model'>;
}

/**
 * Usage of a task ended without a worker's account of it (dead letter, timeout): the contract shows
 * `usage` on every terminal task, and what was spent is unknown here, so nothing is claimed.
 */
export function unknownUsage({ ocr, llm }: UsageProviders): Usage {
  return {
    pages: 0,
    ocrEngine: ocr.name,
    llmModel: llm.model,
    inputTokens: 0,
    outputTokens: 0,
    estimatedCostUsd: 0,
    cacheHit: false,
  };
}
