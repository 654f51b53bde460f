import type { Usage } from './task';

/**
 * The providers a task's usage names, as configuration strings: the dead-letter handler and the sweeper
 * name them without building an OCR or LLM client (their bundles carry neither).
 */
export interface ProviderNames {
  /** What the OCR engine reports as `usage.ocrEngine`, e.g. `textract`. */
  ocrEngine: string;
  /** What the LLM client reports as `usage.llmModel`, e.g. the Bedrock model id. */
  llmModel: string;
}

/**
 * Usage of a task ended without a worker's account of it (dead letter, timeout): the contract shows
 * `usage` on every terminal task, and what was spent is unknown here, so nothing is claimed.
 */
export function unknownUsage({ ocrEngine, llmModel }: ProviderNames): Usage {
  return {
    pages: 0,
    ocrEngine,
    llmModel,
    inputTokens: 0,
    outputTokens: 0,
    estimatedCostUsd: 0,
    cacheHit: false,
  };
}
