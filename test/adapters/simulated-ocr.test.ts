import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIMULATED_PAGE_TEXT, SimulatedOcr } from '../../lambdas/adapters/simulated-ocr';
import { pageText } from '../../lambdas/core/layout';

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
    const text = pageText(page.layout);
    expect(text).toContain('INVOICE');
    expect(text).toMatch(/Invoice No: \S+/);
    expect(text).toMatch(/Total Due .*\d+\.\d{2}/);
    expect(text.split('\n').length).toBeGreaterThan(10);
  });

  it('lays the page out with a pixel size and a box inside the page for every word', async () => {
    const { layout } = await new SimulatedOcr({ latencyMs: 0 }).recognize(image);
    expect(layout.width).toBeGreaterThan(0);
    expect(layout.height).toBeGreaterThan(0);
    const words = layout.lines.flatMap((line) => line.words);
    expect(words.map((word) => word.text).join(' ')).toBe(SIMULATED_PAGE_TEXT.split(/\s+/).join(' '));
    for (const { box } of words) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.top + box.height).toBeLessThanOrEqual(1);
      expect(box.left + box.width).toBeLessThanOrEqual(1);
    }
    // Rows go down the page in order.
    const tops = layout.lines.map((line) => line.box.top);
    expect(tops).toEqual([...tops].sort((a, b) => a - b));
  });
});
