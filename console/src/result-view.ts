import type { Box, DocumentResult, Evidence, FormFillingResult, TaskView } from './contract';

/** One line of the result list: a value, a blank form field or a filled value, and where it came from. */
export interface ResultRow {
  /** 1-based number shown beside the row and on its box, so the two are matched without colour. */
  number: number;
  kind: 'value' | 'field' | 'filled';
  label: string;
  value: string;
  /** Page (1-based) and box of the OCR words the row rests on, when the API grounded it. */
  page?: number;
  box?: Box;
  /** The OCR words, or for a filled value the library item and key it came from. */
  source?: string;
  /** false: the OCR text does not support it (a possible invention of the model). */
  grounded?: boolean;
  confidence?: number;
}

export interface ResultSummary {
  title?: string;
  description?: string;
  tags: string[];
  related: string[];
  rows: ResultRow[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A box is drawable only with four finite fractions that stay on the page. */
export function drawableBox(box: unknown): Box | undefined {
  if (!isRecord(box)) return undefined;
  const { left, top, width, height } = box;
  const parts = [left, top, width, height];
  if (!parts.every((part) => typeof part === 'number' && Number.isFinite(part))) return undefined;
  const [l, t, w, h] = parts as number[];
  if (w <= 0 || h <= 0 || l < 0 || t < 0 || l + w > 1.0001 || t + h > 1.0001) return undefined;
  return { left: l, top: t, width: w, height: h };
}

function textEvidence(evidence: Evidence | undefined, group: 'kv' | 'fields', key: string) {
  const entry = evidence?.[group]?.[key];
  if (!isRecord(entry)) return {};
  const grounded = entry.grounded === true;
  const box = grounded ? drawableBox(entry.box) : undefined;
  const page = typeof entry.page === 'number' && entry.page >= 1 ? entry.page : undefined;
  return {
    grounded: typeof entry.grounded === 'boolean' ? entry.grounded : undefined,
    page: box ? page : undefined,
    box: page ? box : undefined,
    source: typeof entry.text === 'string' && entry.text ? entry.text : undefined,
    confidence: typeof entry.confidence === 'number' ? entry.confidence : undefined,
  };
}

/** Everything the console lists for a task's result, in the order the API gave it. */
export function resultSummary(task: TaskView): ResultSummary {
  const summary: ResultSummary = { tags: [], related: [], rows: [] };
  if (!isRecord(task.result)) return summary;
  const push = (row: Omit<ResultRow, 'number'>) =>
    summary.rows.push({ number: summary.rows.length + 1, ...row });

  if (task.type === 'form_filling') {
    for (const [label, entry] of Object.entries(task.result as FormFillingResult)) {
      if (!isRecord(entry)) continue;
      const fill = task.evidence?.fill?.[label];
      const from = entry.source ? `${entry.source.type} ${entry.source.resource_id}` : fill?.resourceId;
      const key = fill?.sourceKey ? ` · ${fill.sourceKey}` : '';
      push({
        kind: 'filled',
        label,
        value: String(entry.value ?? ''),
        source: from ? `${from}${key}` : undefined,
        confidence: typeof fill?.confidence === 'number' ? fill.confidence : undefined,
      });
    }
    return summary;
  }

  const result = task.result as DocumentResult;
  summary.title = typeof result.title === 'string' ? result.title : undefined;
  summary.description = typeof result.description === 'string' ? result.description : undefined;
  summary.tags = Array.isArray(result.tags) ? result.tags.map(String) : [];
  summary.related = Array.isArray(result.related)
    ? result.related.filter(isRecord).map((item) => `${item.type} ${item.resource_id}`)
    : [];
  for (const [label, value] of Object.entries(isRecord(result.kv) ? result.kv : {})) {
    push({ kind: 'value', label, value: String(value), ...textEvidence(task.evidence, 'kv', label) });
  }
  for (const label of Array.isArray(result.fields) ? result.fields : []) {
    push({ kind: 'field', label: String(label), value: '', ...textEvidence(task.evidence, 'fields', label) });
  }
  return summary;
}

/** The rows with a box on `page`, for drawing over that page's picture. */
export const boxesOnPage = (rows: readonly ResultRow[], page: number) =>
  rows.filter((row): row is ResultRow & { box: Box } => row.page === page && row.box !== undefined);

/** `$0.00042`: costs are fractions of a cent, so show enough digits to see them. */
export function formatCost(usd: number): string {
  if (!Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0';
  return `$${usd.toFixed(usd < 0.01 ? 6 : 4)}`;
}
