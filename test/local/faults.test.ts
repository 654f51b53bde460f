import { describe, expect, it } from 'vitest';
import { DependencyThrottledError, DependencyUnavailableError } from '../../lambdas/core/errors';
import { pageText, typesetLayout } from '../../lambdas/core/layout';
import type { LlmClient, LlmRequest, OcrEngine } from '../../lambdas/core/ports';
import {
  emptyFaultCounters,
  NO_FAULTS,
  parseFaults,
  runDoomedInvocation,
  withLlmFaults,
  withOcrFaults,
} from '../../local/faults';

const image = { key: 'k', mediaType: 'image/png' as const, bytes: new Uint8Array([1]) };
const ocr: OcrEngine = {
  name: 'tesseract',
  recognize: async () => ({ layout: typesetLayout('Total: 5'), pages: 1 }),
};
const llm: LlmClient = {
  model: 'rules',
  complete: async () => ({ output: { title: 'x' }, inputTokens: 1, outputTokens: 1 }),
};
const request = {} as LlmRequest;

describe('DOCUSNAP_FAULTS', () => {
  it('parses every knob of DESIGN §7 and leaves the rest off', () => {
    const plan = parseFaults(
      'ocr.latency=20, llm.latency=5,ocr.throttle=0.1,llm.throttle=0.2,llm.timeout=0.05,llm.garbage=0.3,worker.crash=0.02,queue.duplicate=0.1',
    );
    expect(plan).toEqual({
      'ocr.latency': 20,
      'llm.latency': 5,
      'ocr.throttle': 0.1,
      'llm.throttle': 0.2,
      'llm.timeout': 0.05,
      'llm.garbage': 0.3,
      'worker.crash': 0.02,
      'queue.duplicate': 0.1,
    });
    expect(parseFaults('')).toEqual(NO_FAULTS);
  });

  it.each(['ocr.speed=1', 'llm.garbage=1.5', 'worker.crash=-0.1', 'ocr.latency=abc', 'llm.timeout'])(
    'refuses %s instead of silently running without the fault',
    (spec) => {
      expect(() => parseFaults(spec)).toThrow(/DOCUSNAP_FAULTS/);
    },
  );

  it('passes calls through unchanged when no fault fires', async () => {
    const plan = parseFaults('ocr.throttle=0.5,llm.garbage=0.5');
    const never = () => 0.99;
    expect(await withOcrFaults(ocr, plan, never).recognize(image)).toEqual({
      layout: typesetLayout('Total: 5'),
      pages: 1,
    });
    expect((await withLlmFaults(llm, plan, never).complete(request)).output).toEqual({ title: 'x' });
    expect(withOcrFaults(ocr, plan).name).toBe('tesseract');
    expect(withLlmFaults(llm, plan).model).toBe('rules');
  });

  it('throttles, times out and answers garbage as configured', async () => {
    const always = () => 0;
    await expect(
      withOcrFaults(ocr, parseFaults('ocr.throttle=1'), always).recognize(image),
    ).rejects.toBeInstanceOf(DependencyThrottledError);
    await expect(
      withLlmFaults(llm, parseFaults('llm.throttle=1'), always).complete(request),
    ).rejects.toBeInstanceOf(DependencyThrottledError);
    await expect(
      withLlmFaults(llm, parseFaults('llm.timeout=1'), always).complete(request),
    ).rejects.toBeInstanceOf(DependencyUnavailableError);
    const garbage = await withLlmFaults(llm, parseFaults('llm.garbage=1'), always).complete(request);
    expect(() => JSON.parse(garbage.output as string)).toThrow();
  });

  it('counts each fault that fired, and passes the call options (the task deadline) through', async () => {
    const counters = emptyFaultCounters();
    const always = () => 0;
    const seen: unknown[] = [];
    const spyOcr: OcrEngine = {
      name: 'tesseract',
      recognize: async (_image, options) => {
        seen.push(options);
        return { layout: typesetLayout(''), pages: 1 };
      },
    };
    const spyLlm: LlmClient = {
      model: 'rules',
      complete: async (_request, options) => {
        seen.push(options);
        return { output: {}, inputTokens: 1, outputTokens: 1 };
      },
    };
    const attempt = (call: () => Promise<unknown>) => call().catch(() => undefined);
    await attempt(() => withOcrFaults(ocr, parseFaults('ocr.throttle=1'), always, counters).recognize(image));
    await attempt(() =>
      withLlmFaults(llm, parseFaults('llm.throttle=1'), always, counters).complete(request),
    );
    await attempt(() => withLlmFaults(llm, parseFaults('llm.timeout=1'), always, counters).complete(request));
    await withLlmFaults(llm, parseFaults('llm.garbage=1'), always, counters).complete(request);
    await withLlmFaults(llm, parseFaults('llm.garbage=1'), always, counters).complete(request);
    expect(counters).toEqual({ ocrThrottles: 1, llmThrottles: 1, llmTimeouts: 1, llmGarbage: 2 });

    await withOcrFaults(spyOcr, NO_FAULTS, always, counters).recognize(image, { deadline: 42 });
    await withLlmFaults(spyLlm, NO_FAULTS, always, counters).complete(request, { deadline: 43 });
    expect(seen).toEqual([{ deadline: 42 }, { deadline: 43 }]);
    expect(counters).toEqual({ ocrThrottles: 1, llmThrottles: 1, llmTimeouts: 1, llmGarbage: 2 });
  });

  it('kills a doomed invocation at its first adapter call: it reports death and never finishes', async () => {
    const faulty = withOcrFaults(ocr, NO_FAULTS);
    let deaths = 0;
    let finished = false;
    const invocation = runDoomedInvocation(
      () => deaths++,
      async () => {
        await faulty.recognize(image);
        finished = true;
      },
    );
    let settled = false;
    invocation.then(() => (settled = true));
    // Let every pending continuation run: a dead invocation has none left that could finish it.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(deaths).toBe(1);
    expect(finished).toBe(false);
    // Outside a doomed invocation the same adapter works.
    expect(pageText((await faulty.recognize(image)).layout)).toBe('Total: 5');
  });
});
