import type { TaskErrorCode } from './errors';
import type { Evidence } from './schemas/evidence';

export const TASK_TYPES = ['document', 'form', 'form_filling'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TASK_STATUSES = ['pending', 'processing', 'completed', 'error'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const PRIORITIES = ['normal', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type TerminalStatus = Extract<TaskStatus, 'completed' | 'error'>;

/** Where a task came from: the v1 API or the DocuSnap Android compatibility protocol. */
export type TaskSource = 'v1' | 'compat';

/** One image input, stored in the blob store. */
export interface ImageInput {
  /** Blob key of the image bytes: the task's own input (an upload is copied there at submit). */
  key: string;
  mediaType: 'image/jpeg' | 'image/png' | 'application/pdf' | 'image/tiff';
  bytes: number;
  /** Pages counted at submit (a photo: 1); absent on tasks recorded before documents were accepted. */
  pages?: number;
}

export interface Usage {
  pages: number;
  ocrEngine: string;
  llmModel: string;
  inputTokens: number;
  outputTokens: number;
  estimatedCostUsd: number;
  cacheHit: boolean;
  /** Present (true) when the page text sent to the model was cut to its per-task cap (page markers kept). */
  textTruncated?: boolean;
}

export interface TaskErrorInfo {
  code: TaskErrorCode;
  message: string;
}

/** A task as the task store keeps it. */
export interface Task {
  taskId: string;
  owner: string;
  type: TaskType;
  status: TaskStatus;
  priority: Priority;
  source: TaskSource;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  /** Images to read (document, form). Empty for form_filling. */
  images: ImageInput[];
  /** Blob key of the JSON request details (library, form fields) stored beside the images. */
  requestKey: string;
  /** Every processing attempt increments this; it fences a stale worker out of completing the task. */
  attempts: number;
  /** A worker holds the task until this instant (ISO); after it, a redelivery may take it over. */
  leaseUntil?: string;
  /**
   * A token of the attempt holding the lease: a claim whose reply was lost (the SDK retried it, and the
   * retry found the lease taken) recognises its own lease by it instead of calling the task busy.
   */
  claimId?: string;
  result?: unknown;
  /** Blob key of a result too large to keep in the task record. */
  resultKey?: string;
  /** Where each value of the result was read (DESIGN §3.2); v1 tasks only. */
  evidence?: Evidence;
  /** Blob key of evidence stored beside a large result. */
  evidenceKey?: string;
  error?: TaskErrorInfo;
  usage?: Usage;
  /**
   * Cache keys (`ocr:…`, `llm:…`) the processing wrote or read: copies of this task's OCR text and result
   * that deleting the task must delete too. Set when the task becomes terminal.
   */
  cacheKeys?: string[];
  /** Epoch seconds after which the store expires the record (DynamoDB TTL). */
  expiresAt: number;
  /**
   * Compat tasks only: the client's AES key, wrapped (KMS / local master key). The worker stores the
   * result only encrypted under it (DESIGN §4).
   */
  clientKey?: string;
}

/** The request details stored under `Task.requestKey`. */
export interface TaskRequestDetails {
  library?: unknown;
  form?: { id?: string; fields: string[] };
}

const TRANSITIONS: Record<TaskStatus, readonly TaskStatus[]> = {
  // pending → pending: the sweeper re-sends a stale task's message and touches its updatedAt.
  pending: ['pending', 'processing', 'error'],
  // processing → processing: a redelivery takes over a task whose worker died (attempts + 1).
  processing: ['processing', 'completed', 'error'],
  completed: [],
  error: [],
};

export function isTerminal(status: TaskStatus): status is TerminalStatus {
  return status === 'completed' || status === 'error';
}

/** The state machine: pending → processing → completed | error, never backwards from a terminal status. */
export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The statuses a task may be in for a move to `to` to be allowed. */
export function allowedSources(to: TaskStatus): TaskStatus[] {
  return (Object.keys(TRANSITIONS) as TaskStatus[]).filter((from) => canTransition(from, to));
}
