import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING, estimateCost, pricingWithOverride } from '../../lambdas/core/pricing';

describe('pricing', () => {
  it('prices Textract pages and Nova Lite tokens of the default model, cross-region profile included', () => {
    const cost = estimateCost({
      ocrEngine: 'textract',
      billedPages: 2,
      llmModel: 'us.amazon.nova-lite-v1:0',
      inputTokens: 1_000_000,
      outputTokens: 100_000,
    });
    // 2 × 0.0015 + 1 × 0.06 + 0.1 × 0.24
    expect(cost).toBeCloseTo(0.087, 6);
  });

  it('knows Nova Micro, Nova Pro, Claude Haiku 4.5 and Claude Sonnet 4.x', () => {
    const models = Object.keys(DEFAULT_PRICING.llm);
    for (const fragment of ['nova-micro', 'nova-pro', 'claude-haiku-4-5', 'claude-sonnet-4']) {
      expect(models.some((model) => model.includes(fragment))).toBe(true);
    }
    expect(
      estimateCost({
        ocrEngine: 'textract',
        billedPages: 0,
        llmModel: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0',
        inputTokens: 2000,
        outputTokens: 400,
      }),
    ).toBeCloseTo(0.004, 6);
  });

  it('counts the offline providers as free', () => {
    expect(
      estimateCost({
        ocrEngine: 'tesseract',
        billedPages: 5,
        llmModel: 'rules',
        inputTokens: 900,
        outputTokens: 90,
      }),
    ).toBe(0);
  });

  it('lets DOCUSNAP_PRICING override one entry and keeps the rest', () => {
    const pricing = pricingWithOverride(
      JSON.stringify({
        ocr: { textract: { perPageUsd: 0.0006 } },
        llm: { 'my-model': { inputPerMillionUsd: 1, outputPerMillionUsd: 2 } },
      }),
    );
    expect(pricing.ocr.textract?.perPageUsd).toBe(0.0006);
    expect(pricing.llm['amazon.nova-lite-v1:0']).toEqual(DEFAULT_PRICING.llm['amazon.nova-lite-v1:0']);
    expect(
      estimateCost(
        { ocrEngine: 'textract', billedPages: 10, llmModel: 'my-model', inputTokens: 1e6, outputTokens: 1e6 },
        pricing,
      ),
    ).toBeCloseTo(3.006, 6);
  });

  it('refuses an override that is not a pricing table', () => {
    expect(() => pricingWithOverride('{"ocr":{"textract":{"perPageUsd":-1}}}')).toThrow();
    expect(() => pricingWithOverride('not json')).toThrow();
    expect(pricingWithOverride(undefined)).toBe(DEFAULT_PRICING);
  });
});

describe('docs/cost.md worked examples', () => {
  const lite = (
    billedPages: number,
    inputTokens: number,
    outputTokens: number,
    llmModel = 'us.amazon.nova-lite-v1:0',
  ) => estimateCost({ ocrEngine: 'textract', billedPages, llmModel, inputTokens, outputTokens });

  it('match the pricing table', () => {
    expect(lite(2, 2500, 400)).toBe(0.003246);
    expect(lite(1, 2000, 500)).toBe(0.00174);
    expect(lite(0, 6000, 300)).toBe(0.000432);
    expect(lite(2, 2500, 400, 'us.anthropic.claude-haiku-4-5-20251001-v1:0')).toBe(0.0075);
    expect(lite(2, 2500, 400, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(0.0165);
  });
});
