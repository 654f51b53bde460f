import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedOcr } from '../../lambdas/adapters/simulated-ocr';

const image = { key: 'inputs/u/t/0', mediaType: 'image/png' as const, bytes: new Uint8Array([1, 2, 3]) };

afterEach(() => {
  vi.useRealTimers();
});

describe('SimulatedOcr', () => {
  it('is reported as the simulated engine', () => {
    expect(new SimulatedOcr({ latencyMs: 0 }).name).toBe('simulated');
  });

  it('answers only once the injected latency has passed', async () => {
    vi.useFakeTimers();
    let page: unknown;
    const pending = new SimulatedOcr({ latencyMs: 800 }).recognize(image).then((result) => {
      page = result;
    });
    await vi.advanceTimersByTimeAsync(799);
    expect(page).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(page).toMatchObject({ pages: 1 });
  });

  it('returns one page of invoice text with the labelled values an extractor looks for', async () => {
    const page = await new SimulatedOcr({ latencyMs: 0 }).recognize(image);
    expect(page.pages).toBe(1);
    expect(page.text).toContain('INVOICE');
    expect(page.text).toMatch(/Invoice No: \S+/);
    expect(page.text).toMatch(/Total Due .*\d+\.\d{2}/);
    expect(page.text.split('\n').length).toBeGreaterThan(10);
  });
});
