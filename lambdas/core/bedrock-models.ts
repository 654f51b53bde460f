/**
 * The Bedrock models this backend knows, each with its output-token limit (model card) and on-demand price
 * (docs/cost.md). The CDK app reads it to refuse, at synth, a model whose limit it does not know; the worker
 * clamps every strategy's `maxTokens` to the limit and prices usage from it. It imports nothing, so lib/
 * and lambdas/ both read it.
 */
export interface ModelCard {
  /** The most output tokens one call may ask for: a larger `maxTokens` is a ValidationException. */
  readonly maxOutputTokens: number;
  /** USD per million tokens, on demand, us-east-1, standard tier (docs/cost.md). */
  readonly inputPerMillionUsd: number;
  readonly outputPerMillionUsd: number;
}

/** Foundation-model id → card. Re-check limits and prices against the model cards before relying on them. */
export const BEDROCK_MODELS: Readonly<Record<string, ModelCard>> = {
  'amazon.nova-micro-v1:0': { maxOutputTokens: 5_000, inputPerMillionUsd: 0.035, outputPerMillionUsd: 0.14 },
  'amazon.nova-lite-v1:0': { maxOutputTokens: 5_000, inputPerMillionUsd: 0.06, outputPerMillionUsd: 0.24 },
  'amazon.nova-pro-v1:0': { maxOutputTokens: 5_000, inputPerMillionUsd: 0.8, outputPerMillionUsd: 3.2 },
  'anthropic.claude-haiku-4-5-20251001-v1:0': {
    maxOutputTokens: 64_000,
    inputPerMillionUsd: 1,
    outputPerMillionUsd: 5,
  },
  'anthropic.claude-sonnet-4-20250514-v1:0': {
    maxOutputTokens: 64_000,
    inputPerMillionUsd: 3,
    outputPerMillionUsd: 15,
  },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': {
    maxOutputTokens: 64_000,
    inputPerMillionUsd: 3,
    outputPerMillionUsd: 15,
  },
};

/** A system-defined cross-region inference profile: a geographic prefix, then the foundation-model id. */
export const INFERENCE_PROFILE_ID = /^(us|us-gov|eu|apac|jp|au|ca|global)\.(.+)$/;

/** The foundation model a model id names: itself, or what its cross-region inference profile routes to. */
export function foundationModelId(modelId: string): string {
  return INFERENCE_PROFILE_ID.exec(modelId)?.[2] ?? modelId;
}

/** The card of a model id or of the model its inference profile routes to; undefined for an unknown model. */
export function modelCard(modelId: string): ModelCard | undefined {
  for (const id of [modelId, foundationModelId(modelId)]) {
    if (Object.hasOwn(BEDROCK_MODELS, id)) return BEDROCK_MODELS[id];
  }
  return undefined;
}
