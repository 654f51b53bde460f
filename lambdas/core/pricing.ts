import { BEDROCK_MODELS, foundationModelId } from './bedrock-models';
import * as z from './zod';

/** USD prices the cost estimate uses; sources and dates are in docs/cost.md (re-check them before relying on them). */
export interface PricingTable {
  /** OCR engine name (`usage.ocrEngine`) → price of one billed page. */
  ocr: Record<string, { perPageUsd: number }>;
  /** Model id without a cross-region prefix (`us.`, `eu.`, …) → price per million tokens. */
  llm: Record<string, { inputPerMillionUsd: number; outputPerMillionUsd: number }>;
}

const FREE_LLM = { inputPerMillionUsd: 0, outputPerMillionUsd: 0 };

/** On-demand, us-east-1, standard tier (docs/cost.md); model prices come from the model table. */
export const DEFAULT_PRICING: PricingTable = {
  ocr: {
    // DetectDocumentText, first million pages a month.
    textract: { perPageUsd: 1.5 / 1000 },
    tesseract: { perPageUsd: 0 },
    simulated: { perPageUsd: 0 },
  },
  llm: {
    ...Object.fromEntries(
      Object.entries(BEDROCK_MODELS).map(([id, { inputPerMillionUsd, outputPerMillionUsd }]) => [
        id,
        { inputPerMillionUsd, outputPerMillionUsd },
      ]),
    ),
    rules: FREE_LLM,
  },
};

const PricingOverride = z.strictObject({
  ocr: z.optional(z.record(z.string(), z.strictObject({ perPageUsd: z.number().check(z.minimum(0)) }))),
  llm: z.optional(
    z.record(
      z.string(),
      z.strictObject({
        inputPerMillionUsd: z.number().check(z.minimum(0)),
        outputPerMillionUsd: z.number().check(z.minimum(0)),
      }),
    ),
  ),
});

/** The default table with the entries of a `DOCUSNAP_PRICING` JSON laid over it. Throws on invalid JSON. */
export function pricingWithOverride(json: string | undefined): PricingTable {
  if (json === undefined || json.trim() === '') return DEFAULT_PRICING;
  const override = PricingOverride.parse(JSON.parse(json));
  return {
    ocr: { ...DEFAULT_PRICING.ocr, ...override.ocr },
    llm: { ...DEFAULT_PRICING.llm, ...override.llm },
  };
}

/** What the calls a task actually made cost: cached pages and cached LLM answers are free. */
export interface BilledUsage {
  ocrEngine: string;
  /** Pages the OCR engine was called for (cache hits excluded). */
  billedPages: number;
  llmModel: string;
  /** Tokens of the LLM calls made (0 when the answer came from the cache). */
  inputTokens: number;
  outputTokens: number;
}

/**
 * Estimated USD cost, rounded to a millionth of a dollar. An engine or model missing from the table
 * counts as free: the estimate is a guide, not a bill (docs/cost.md).
 */
export function estimateCost(usage: BilledUsage, pricing: PricingTable = DEFAULT_PRICING): number {
  const ocr = pricing.ocr[usage.ocrEngine]?.perPageUsd ?? 0;
  // Inference profiles (`us.`, `eu.`, `global.`, …) cost the same as the model they route to.
  const llm = pricing.llm[usage.llmModel] ?? pricing.llm[foundationModelId(usage.llmModel)] ?? FREE_LLM;
  const cost =
    usage.billedPages * ocr +
    (usage.inputTokens * llm.inputPerMillionUsd + usage.outputTokens * llm.outputPerMillionUsd) / 1_000_000;
  return Math.round(cost * 1_000_000) / 1_000_000;
}
