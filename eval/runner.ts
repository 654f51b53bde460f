/**
 * Runs the corpus against a backend: the local runtime started in this process (the real handlers,
 * tesseract and `rules` unless DOCUSNAP_OCR / DOCUSNAP_LLM say otherwise), or any deployment by URL and token.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { ApiCallError, DocuSnapClient } from '../local/api-client';
import { type Case, type DocumentCase, type FillCase, type Kind, LEVELS, type Level } from './cases';
import { generateCorpus } from './corpus';
import { type Box, render } from './render';
import { type RunInfo, type Summary, summarise } from './report';
import { type AnswerView, type DocumentScore, type FillScore, scoreDocument, scoreFill } from './score';

export interface EvalOptions {
  seed: number;
  /** Documents per kind. */
  count: number;
  kinds?: readonly Kind[];
  levels?: readonly Level[];
  /** A deployment's base URL; absent: a local runtime in this process. */
  url?: string;
  token?: string;
  /** Tasks in flight at once. */
  concurrency?: number;
  /** Longest wait for one task. @default 600 s, when the backend itself gives up (PROCESSING_TIMEOUT) */
  taskTimeoutMs?: number;
  /** Where to write each rendered image, for looking at them. */
  imagesDir?: string;
  /** Extra environment for the local runtime. */
  localEnv?: Record<string, string>;
  log?: (message: string) => void;
}

export interface EvalReport {
  info: RunInfo;
  summary: Summary;
  /** Each document's score with what was asked and answered, for reading a miss. */
  documents: (DocumentScore & {
    seconds: number;
    answer?: unknown;
    answerEvidence?: unknown;
    truthBoxes: Record<string, Box[]>;
  })[];
  fills: (FillScore & { seconds: number })[];
}

interface Target {
  client: DocuSnapClient;
  name: string;
  stop(): Promise<void>;
}

async function openTarget(options: EvalOptions): Promise<Target> {
  if (options.url) {
    if (!options.token)
      throw new Error('--url needs --token (or DOCUSNAP_TOKEN): a JWT the deployment accepts');
    return {
      client: new DocuSnapClient(options.url, options.token),
      name: options.url,
      stop: async () => {},
    };
  }
  // Imported here so a run against a deployment never loads the handlers.
  const { startLocalBackend } = await import('../local/backend');
  const home = await mkdtemp(path.join(tmpdir(), 'docusnap-eval-'));
  const backend = await startLocalBackend({
    home,
    port: 0,
    env: { DOCUSNAP_FAULTS: '', ...options.localEnv },
    log: options.log ?? (() => {}),
  });
  return {
    client: new DocuSnapClient(backend.url, await backend.token('eval')),
    name: 'the local runtime',
    async stop() {
      await backend.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}

type TaskOutcome = AnswerView & { usage?: { ocrEngine?: string; llmModel?: string } };

/** What went wrong talking to the API, as an error view: `<step>_<code>`, and the message for the details. */
function clientError(step: 'SUBMIT' | 'POLL', error: unknown): TaskOutcome {
  if (error instanceof ApiCallError) {
    const code =
      (error.body as { error?: { code?: string } } | undefined)?.error?.code ?? `HTTP_${error.status}`;
    return { status: 'error', error: { code: `${step}_${code}`, message: error.message } };
  }
  const message =
    error instanceof Error
      ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}`
      : String(error);
  return {
    status: 'error',
    error: { code: /not finished after/.test(message) ? 'TIMEOUT' : `${step}_FAILED`, message },
  };
}

/** Submits and waits; a refused submission or a task that never ends is reported as an error view. */
async function runTask(
  client: DocuSnapClient,
  route: string,
  body: unknown,
  timeoutMs: number,
): Promise<TaskOutcome> {
  let taskId: string;
  try {
    taskId = (await client.call<{ taskId: string }>('POST', route, body)).taskId;
  } catch (error) {
    return clientError('SUBMIT', error);
  }
  let last = 'unknown';
  try {
    return (await client.waitForTask(taskId, {
      timeoutMs,
      onProgress: (task) => {
        last = task.status;
      },
    })) as TaskOutcome;
  } catch (error) {
    const outcome = clientError('POLL', error);
    if (outcome.error) outcome.error.message = `${outcome.error.message} (last seen ${last})`;
    return outcome;
  }
}

export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const started = Date.now();
  const levels = options.levels ?? LEVELS;
  const corpus = generateCorpus({ seed: options.seed, count: options.count, kinds: options.kinds });
  const timeoutMs = options.taskTimeoutMs ?? 600_000;
  const target = await openTarget(options);
  const limit = pLimit(options.concurrency ?? 4);
  const documents: EvalReport['documents'] = [];
  const fills: EvalReport['fills'] = [];
  let ocrEngine: string | undefined;
  let llmModel: string | undefined;
  const noteUsage = (view: { usage?: { ocrEngine?: string; llmModel?: string } }) => {
    ocrEngine ??= view.usage?.ocrEngine;
    llmModel ??= view.usage?.llmModel;
  };
  if (options.imagesDir) await mkdir(options.imagesDir, { recursive: true });
  let done = 0;
  const jobs: (() => Promise<void>)[] = [];
  const total = corpus.reduce((n, c) => n + (c.task === 'form_filling' ? 1 : levels.length), 0);
  const progress = (what: string) => options.log?.(`[${++done}/${total}] ${what}`);

  for (const c of corpus as Case[]) {
    if (c.task === 'form_filling') {
      jobs.push(async () => {
        const t0 = Date.now();
        const fillCase = c as FillCase;
        const view = await runTask(
          target.client,
          '/v1/tasks/form-filling',
          { form: fillCase.form, library: fillCase.library },
          timeoutMs,
        );
        noteUsage(view);
        const score = scoreFill(fillCase, view);
        fills.push({ ...score, seconds: (Date.now() - t0) / 1000 });
        progress(`${c.id} ${score.score.toFixed(2)}`);
      });
      continue;
    }
    for (const level of levels) {
      jobs.push(async () => {
        const t0 = Date.now();
        const doc = c as DocumentCase;
        const image = await render(doc.page, level, options.seed, doc.id);
        if (options.imagesDir)
          await writeFile(
            path.join(
              options.imagesDir,
              `${doc.id}-${level}.${image.mediaType === 'image/png' ? 'png' : 'jpg'}`,
            ),
            image.bytes,
          );
        const route = doc.task === 'form' ? '/v1/tasks/form' : '/v1/tasks/document';
        const view = await runTask(
          target.client,
          route,
          { images: [{ data: image.bytes.toString('base64') }] },
          timeoutMs,
        );
        noteUsage(view);
        const placed = doc.fields.map((field) => ({
          ...field,
          boxes: field.rects.map((rect) => image.box(rect)),
        }));
        const blanks = doc.blanks.map((blank) => ({
          ...blank,
          boxes: blank.rects.map((rect) => image.box(rect)),
        }));
        const score = scoreDocument(doc, level, placed, blanks, view);
        documents.push({
          ...score,
          seconds: (Date.now() - t0) / 1000,
          answer: view.result,
          answerEvidence: view.evidence,
          truthBoxes: Object.fromEntries([
            ...placed.map((field) => [field.key, field.boxes]),
            ...blanks.map((blank) => [`blank: ${blank.label}`, blank.boxes]),
          ]),
        });
        progress(`${doc.id} ${level} ${score.score.toFixed(2)}`);
      });
    }
  }
  try {
    await Promise.all(jobs.map((job) => limit(job)));
  } finally {
    await target.stop();
  }
  const order = (id: string) => corpus.findIndex((c) => c.id === id);
  documents.sort((a, b) => order(a.id) - order(b.id) || levels.indexOf(a.level) - levels.indexOf(b.level));
  fills.sort((a, b) => order(a.id) - order(b.id));
  return {
    info: {
      seed: options.seed,
      count: options.count,
      kinds: options.kinds ?? [],
      levels,
      target: target.name,
      ocrEngine,
      llmModel,
      date: new Date().toISOString().slice(0, 10),
      seconds: (Date.now() - started) / 1000,
    },
    summary: summarise(documents, fills),
    documents,
    fills,
  };
}
