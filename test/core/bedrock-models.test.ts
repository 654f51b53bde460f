import { describe, expect, it } from 'vitest';
import { BEDROCK_MODELS, foundationModelId, modelCard } from '../../lambdas/core/bedrock-models';
import { DEFAULT_PRICING } from '../../lambdas/core/pricing';
import { strategyFor } from '../../lambdas/core/strategies/registry';

describe('the Bedrock model table', () => {
  it("knows Nova Lite's 5,000 output tokens, through its cross-region inference profiles too", () => {
    for (const id of ['amazon.nova-lite-v1:0', 'us.amazon.nova-lite-v1:0', 'eu.amazon.nova-lite-v1:0']) {
      expect(modelCard(id)?.maxOutputTokens, id).toBe(5_000);
    }
    expect(foundationModelId('global.anthropic.claude-haiku-4-5-20251001-v1:0')).toBe(
      'anthropic.claude-haiku-4-5-20251001-v1:0',
    );
  });

  it('knows nothing of a model it has no card for, nor of names inherited from Object', () => {
    for (const id of [
      'mistral.mistral-large-2407-v1:0',
      'us.meta.llama3-3-70b-instruct-v1:0',
      'constructor',
    ]) {
      expect(modelCard(id), id).toBeUndefined();
    }
  });

  it('asks a form-filling answer for more than Nova Lite can give, which is why requests are clamped', () => {
    // The case behind the clamp (lambdas/adapters/bedrock-llm.ts): without it Bedrock refuses the call.
    expect(strategyFor('form_filling').maxTokens).toBeGreaterThan(
      modelCard('us.amazon.nova-lite-v1:0')?.maxOutputTokens ?? 0,
    );
  });

  it('is the one source of the default LLM prices', () => {
    for (const [id, card] of Object.entries(BEDROCK_MODELS)) {
      expect(DEFAULT_PRICING.llm[id], id).toEqual({
        inputPerMillionUsd: card.inputPerMillionUsd,
        outputPerMillionUsd: card.outputPerMillionUsd,
      });
    }
  });
});
