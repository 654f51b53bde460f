import { describe, expect, it } from 'vitest';
import { splitWorkerConcurrency } from '../../lib/concurrency';
import { localWorkerSplit } from '../../local/worker-pool';

describe('local worker split', () => {
  it('is the deployed split (at least 2 per queue) whenever the pool has 4 workers or more', () => {
    expect(localWorkerSplit(4)).toEqual({ high: 2, normal: 2 });
    for (let total = 4; total <= 64; total++) {
      expect(localWorkerSplit(total), `${total} workers`).toEqual(splitWorkerConcurrency(total));
    }
  });

  it('below 4 workers, locally only, a queue may have a single slot', () => {
    expect(localWorkerSplit(2)).toEqual({ high: 1, normal: 1 });
    expect(localWorkerSplit(3)).toEqual({ high: 1, normal: 2 });
  });
});
