/**
 * The parts of the public v1 API (DESIGN §3, §3.2, §5) the console reads, as plain types: the page
 * bundles no schema library, and it shows whatever the API sends, so a missing part is just not shown.
 */
export type TaskType = 'document' | 'form' | 'form_filling';
export type TaskStatus = 'pending' | 'processing' | 'completed' | 'error';

export interface Usage {
  pages: number;
  ocrEngine: string;
  llmModel: string;
  inputTokens: number;
  outputTokens: number;
  estimatedCostUsd: number;
  cacheHit: boolean;
}

/** A box as fractions 0..1 of its page. */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Where a `kv` value or form field was read (§3.2). */
export interface TextEvidence {
  /** Absent when not grounded. */
  page?: number;
  text?: string;
  box?: Box;
  confidence?: number;
  grounded: boolean;
}

/** Which library item a filled value came from (§3.2). */
export interface FillEvidence {
  resourceId?: string;
  sourceKey?: string;
  confidence?: number;
}

export interface Evidence {
  kv?: Record<string, TextEvidence>;
  fields?: Record<string, TextEvidence>;
  fill?: Record<string, FillEvidence>;
  pages?: { page: number; width: number; height: number }[];
}

export interface DocumentResult {
  title?: string;
  tags?: string[];
  description?: string;
  kv?: Record<string, string | number | boolean>;
  related?: { type: 'doc' | 'form'; resource_id: string }[];
  /** Form results only: labels of the blank fields. */
  fields?: string[];
}

export type FormFillingResult = Record<
  string,
  { value: string; source?: { type: string; resource_id: string } }
>;

export interface TaskView {
  taskId: string;
  type: TaskType;
  status: TaskStatus;
  priority: 'normal' | 'high';
  createdAt: string;
  updatedAt?: string;
  completedAt?: string;
  result?: unknown;
  evidence?: Evidence;
  error?: { code: string; message: string };
  usage?: Usage;
}

export interface TaskList {
  items: TaskView[];
  nextCursor?: string;
}

export interface LibraryItem {
  id: string;
  name?: string;
  description?: string;
  tags?: string[];
  extractedInfo?: Record<string, unknown>;
  formFields?: string[];
  [key: string]: unknown;
}

export interface Library {
  docs: LibraryItem[];
  forms: LibraryItem[];
  [key: string]: unknown;
}

export const isTerminal = (status: TaskStatus) => status === 'completed' || status === 'error';
