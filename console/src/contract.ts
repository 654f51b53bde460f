/**
 * The parts of the public v1 API (DESIGN §3, §3.2, §5) the console reads: the server's own types, imported
 * as types only, so the page bundles no schema library and cannot drift from what the API sends.
 */
import type { FormResult } from '../../lambdas/core/schemas/results';

export type { Box } from '../../lambdas/core/layout';
export type { Evidence, FillEvidence, ValueEvidence } from '../../lambdas/core/schemas/evidence';
export type { FormFillingResult } from '../../lambdas/core/schemas/results';
export type { ListTasksResponse as TaskList, TaskView } from '../../lambdas/core/schemas/tasks';
export { isTerminal, type TaskStatus, type TaskType } from '../../lambdas/core/task';

/** A document or form result as the page reads it: any part may be missing, and what is missing is not shown. */
export type DocumentResult = Partial<FormResult>;

/**
 * A library item as the console sends it (the app's shape, DESIGN §4). The server accepts either shape and
 * unknown fields, so this is the console's own, narrower type.
 */
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
