import { AsyncLocalStorage } from 'node:async_hooks';
import { DependencyThrottledError, DependencyUnavailableError } from '../lambdas/core/errors';
import type {
  CallOptions,
  LlmClient,
  LlmRequest,
  LlmResponse,
  OcrEngine,
  OcrImage,
  OcrPage,
} from '../lambdas/core/ports';

/** DESIGN §7's fault and latency knobs; latencies in ms, the rest probabilities in [0, 1]. */
export interface FaultPlan {
  'ocr.latency': number;
  'llm.latency': number;
  'ocr.throttle': number;
  'llm.throttle': number;
  'llm.timeout': number;
  'llm.garbage': number;
  'worker.crash': number;
  'queue.duplicate': number;
}

export const NO_FAULTS: FaultPlan = {
  'ocr.latency': 0,
  'llm.latency': 0,
  'ocr.throttle': 0,
  'llm.throttle': 0,
  'llm.timeout': 0,
  'llm.garbage': 0,
  'worker.crash': 0,
  'queue.duplicate': 0,
};

const LATENCIES = new Set(['ocr.latency', 'llm.latency']);

/** Parses `DOCUSNAP_FAULTS` (`name=value,…`); an unknown name or a bad value is an error, never ignored. */
export function parseFaults(spec: string): FaultPlan {
  const plan: FaultPlan = { ...NO_FAULTS };
  for (const entry of spec.split(',').map((part) => part.trim())) {
    if (!entry) continue;
    const [name, raw] = entry.split('=').map((part) => part.trim());
    if (!name || !(name in NO_FAULTS)) throw new Error(`DOCUSNAP_FAULTS: unknown fault "${name}"`);
    const value = Number(raw);
    const valid = LATENCIES.has(name) ? Number.isFinite(value) && value >= 0 : value >= 0 && value <= 1;
    if (raw === undefined || raw === '' || !valid) {
      throw new Error(`DOCUSNAP_FAULTS: bad value "${raw}" for ${name}`);
    }
    plan[name as keyof FaultPlan] = value;
  }
  return plan;
}

export function hasFaults(plan: FaultPlan): boolean {
  return Object.values(plan).some((value) => value > 0);
}

export type Random = () => number;

/** How often each injected OCR/LLM fault fired, so a fault run can prove its faults really happened. */
export interface FaultCounters {
  ocrThrottles: number;
  llmThrottles: number;
  llmTimeouts: number;
  llmGarbage: number;
}

export const emptyFaultCounters = (): FaultCounters => ({
  ocrThrottles: 0,
  llmThrottles: 0,
  llmTimeouts: 0,
  llmGarbage: 0,
});

const sleep = (ms: number) =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** One worker invocation that is to die at its first OCR or LLM call (the worker is then mid-task). */
interface DoomedInvocation {
  dead: boolean;
  onDeath: () => void;
}

const invocationScope = new AsyncLocalStorage<DoomedInvocation>();

/**
 * Runs a worker invocation that dies at its first OCR or LLM call: from then on every call in it hangs
 * forever, as if the process were gone. `onDeath` tells the poller to abandon the invocation.
 */
export function runDoomedInvocation<T>(onDeath: () => void, invoke: () => Promise<T>): Promise<T> {
  return invocationScope.run({ dead: false, onDeath }, invoke);
}

async function dieIfDoomed(): Promise<void> {
  const invocation = invocationScope.getStore();
  if (!invocation) return;
  if (!invocation.dead) {
    invocation.dead = true;
    invocation.onDeath();
  }
  await new Promise<never>(() => {});
}

/** The OCR port with injected latency, throttling and worker death. */
export function withOcrFaults(
  ocr: OcrEngine,
  plan: FaultPlan,
  random: Random = Math.random,
  counters: FaultCounters = emptyFaultCounters(),
): OcrEngine {
  return {
    name: ocr.name,
    async recognize(image: OcrImage, options?: CallOptions): Promise<OcrPage> {
      await dieIfDoomed();
      await sleep(plan['ocr.latency']);
      if (random() < plan['ocr.throttle']) {
        counters.ocrThrottles++;
        throw new DependencyThrottledError('ocr (injected fault)');
      }
      return ocr.recognize(image, options);
    },
  };
}

/** The LLM port with injected latency, throttling, timeouts, answers that are not JSON, and worker death. */
export function withLlmFaults(
  llm: LlmClient,
  plan: FaultPlan,
  random: Random = Math.random,
  counters: FaultCounters = emptyFaultCounters(),
): LlmClient {
  return {
    model: llm.model,
    async complete(request: LlmRequest, options?: CallOptions): Promise<LlmResponse> {
      await dieIfDoomed();
      await sleep(plan['llm.latency']);
      if (random() < plan['llm.throttle']) {
        counters.llmThrottles++;
        throw new DependencyThrottledError('llm (injected fault)');
      }
      if (random() < plan['llm.timeout']) {
        counters.llmTimeouts++;
        throw new DependencyUnavailableError('llm (injected timeout)');
      }
      if (random() < plan['llm.garbage']) {
        counters.llmGarbage++;
        return { output: '{"title": "Invoice", "tags": [unterminated', inputTokens: 100, outputTokens: 12 };
      }
      return llm.complete(request, options);
    },
  };
}
