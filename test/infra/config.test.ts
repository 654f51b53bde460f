import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BEDROCK_MODEL_ID } from '../../lambdas/core/shared-facts';
import { parseConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/handler-entries';

describe('configuration from CDK context', () => {
  it('has a working default for every knob', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      stage: 'dev',
      bedrockModelId: DEFAULT_BEDROCK_MODEL_ID,
      workerConcurrency: 10,
      retentionDays: 7,
      compatRoutes: true,
      retainData: false,
    });
    expect(config.alarmEmail).toBeUndefined();
    expect(config.monthlyBudgetUsd).toBeUndefined();
    // Low enough that anonymous callers cannot queue much paid work (docs/android.md explains the number).
    expect(config.compatThrottle).toEqual({ rateLimit: 2, burstLimit: 6 });
    expect(DEFAULT_BEDROCK_MODEL_ID).toBe('us.amazon.nova-lite-v1:0');
  });

  it('reads `-c key=value` strings as numbers and booleans', () => {
    const config = parseConfig({
      stage: 'qa',
      workerConcurrency: '12',
      retentionDays: '30',
      compatRoutes: 'false',
      apiRateLimit: '20',
      apiBurstLimit: '40',
      bedrockModelId: 'eu.amazon.nova-lite-v1:0',
      alarmEmail: 'ops@example.com',
      ungroundedValues: 'drop',
    });
    expect(config).toMatchObject({
      stage: 'qa',
      workerConcurrency: 12,
      retentionDays: 30,
      compatRoutes: false,
      apiThrottle: { rateLimit: 20, burstLimit: 40 },
      bedrockModelId: 'eu.amazon.nova-lite-v1:0',
      alarmEmail: 'ops@example.com',
      ungroundedValues: 'drop',
    });
    expect(() => parseConfig({ ungroundedValues: 'hide' })).toThrow(/ungroundedValues/);
  });

  it('splits the worker pool between the queues without exceeding it', () => {
    for (const workerConcurrency of [4, 5, 10, 11, 100]) {
      const { queueConcurrency } = parseConfig({ workerConcurrency });
      expect(queueConcurrency.high).toBeGreaterThanOrEqual(2);
      expect(queueConcurrency.normal).toBeGreaterThanOrEqual(2);
      expect(queueConcurrency.high + queueConcurrency.normal).toBeLessThanOrEqual(workerConcurrency);
    }
  });

  it('gives the high-priority queue `highPriorityConcurrency` when set, and normal the rest of the pool', () => {
    expect(parseConfig({ workerConcurrency: 10 }).queueConcurrency).toEqual({ high: 3, normal: 7 });
    expect(parseConfig({ workerConcurrency: 10, highPriorityConcurrency: 6 }).queueConcurrency).toEqual({
      high: 6,
      normal: 4,
    });
    expect(parseConfig({ workerConcurrency: '12', highPriorityConcurrency: '2' }).queueConcurrency).toEqual({
      high: 2,
      normal: 10,
    });
    expect(parseConfig({ workerConcurrency: 4, highPriorityConcurrency: 2 }).queueConcurrency).toEqual({
      high: 2,
      normal: 2,
    });
  });

  it('rejects a high-priority share below 2 or one that leaves the normal queue fewer than 2', () => {
    for (const highPriorityConcurrency of [0, 1, 9, 10, 11]) {
      expect(
        () => parseConfig({ workerConcurrency: 10, highPriorityConcurrency }),
        `${highPriorityConcurrency}`,
      ).toThrow(/highPriorityConcurrency must be at least 2 and leave at least 2 of workerConcurrency 10/);
    }
    expect(() => parseConfig({ highPriorityConcurrency: '2.5' })).toThrow(/highPriorityConcurrency/);
  });

  it("takes a known model's output-token limit from the model table", () => {
    expect(parseConfig({}).bedrockMaxOutputTokens).toBe(5_000);
    expect(
      parseConfig({ bedrockModelId: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0' }).bedrockMaxOutputTokens,
    ).toBe(64_000);
    expect(parseConfig({ bedrockMaxOutputTokens: '2000' }).bedrockMaxOutputTokens).toBe(2_000);
  });

  it('refuses a model id missing from the model table unless its limit is given', () => {
    expect(() => parseConfig({ bedrockModelId: 'mistral.mistral-large-2407-v1:0' })).toThrow(
      /bedrockModelId: mistral\.mistral-large-2407-v1:0 is not in the model table.*-c bedrockMaxOutputTokens=<n>/,
    );
    expect(
      parseConfig({ bedrockModelId: 'mistral.mistral-large-2407-v1:0', bedrockMaxOutputTokens: '8192' })
        .bedrockMaxOutputTokens,
    ).toBe(8192);
  });

  it('refuses a limit above what a known model answers', () => {
    expect(() => parseConfig({ bedrockMaxOutputTokens: '8192' })).toThrow(
      /bedrockMaxOutputTokens: us\.amazon\.nova-lite-v1:0 answers at most 5000 output tokens, got 8192/,
    );
  });

  it('rejects a worker concurrency below 4 with a clear message', () => {
    expect(() => parseConfig({ workerConcurrency: 3 })).toThrow(
      /workerConcurrency must be at least 4.*got 3/,
    );
    expect(() => parseConfig({ workerConcurrency: '2.5' })).toThrow(/workerConcurrency/);
  });

  it('reads a monthly budget in USD, and refuses one that is not a positive amount', () => {
    expect(parseConfig({ monthlyBudgetUsd: '150.5' }).monthlyBudgetUsd).toBe(150.5);
    for (const monthlyBudgetUsd of ['0', '-5', 'lots']) {
      expect(() => parseConfig({ monthlyBudgetUsd }), monthlyBudgetUsd).toThrow(/monthlyBudgetUsd/);
    }
  });

  it('rejects a stage name that cannot name a stack, and a malformed e-mail', () => {
    expect(() => parseConfig({ stage: 'Prod_1' })).toThrow(/stage/);
    expect(() => parseConfig({ alarmEmail: 'not-an-address' })).toThrow(/alarmEmail/);
  });

  it('keeps data for production stages unless told otherwise', () => {
    expect(parseConfig({ stage: 'prod' }).retainData).toBe(true);
    expect(parseConfig({ stage: 'production' }).retainData).toBe(true);
    expect(parseConfig({ stage: 'prod', retainData: 'false' }).retainData).toBe(false);
    expect(parseConfig({ stage: 'dev', retainData: true }).retainData).toBe(true);
  });
});

describe('cdk.json', () => {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'));

  it('synthesizes offline: no notices, no telemetry, the tsx app entry', () => {
    expect(cdkJson.notices).toBe(false);
    expect(cdkJson.context['cli-telemetry']).toBe(false);
    expect(cdkJson.app).toBe('npx tsx bin/docusnap.ts');
  });
});
