import { describe, expect, it } from 'vitest';
import { joinPages, PAGE_MARKER } from '../../../lambdas/core/strategies/ocr-text';

describe('joinPages', () => {
  it('puts each page under a 1-based marker', () => {
    expect(joinPages(['First page\n', '  Second page'])).toBe(
      '--- Page 1 ---\nFirst page\n\n--- Page 2 ---\nSecond page',
    );
  });

  it('keeps a marker for a page without text and is empty for no pages', () => {
    expect(joinPages(['A', '  '])).toBe('--- Page 1 ---\nA\n\n--- Page 2 ---');
    expect(joinPages([])).toBe('');
  });

  it('writes markers that readers recognise', () => {
    const lines = joinPages(['a', 'b']).split('\n');
    expect(lines.filter((line) => PAGE_MARKER.test(line))).toEqual(['--- Page 1 ---', '--- Page 2 ---']);
  });
});
