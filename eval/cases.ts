/** What the generator produces and the scorer reads: labelled cases with their truth. */
import type { ValueType } from './normalise';
import type { PageSpec, Rect } from './page';

export const DOCUMENT_KINDS = [
  'receipt',
  'invoice',
  'id-card',
  'passport',
  'boarding-pass',
  'ticket',
  'letter',
  'bill',
  'form',
] as const;
export const KINDS = [...DOCUMENT_KINDS, 'form-filling'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];
export type Kind = (typeof KINDS)[number];

export const LEVELS = ['clean', 'mild', 'hard'] as const;
export type Level = (typeof LEVELS)[number];

/** A fact the document states, with where it is printed. */
export interface ExpectedField {
  /** The canonical key (also a concept of `KEY_SYNONYMS` unless `concept` says otherwise). */
  key: string;
  concept?: string;
  /** The labels printed for it on the page, if any. */
  printed: string[];
  type: ValueType;
  /** The value in its comparable form (dates `YYYY-MM-DD`, amounts `1234.50`). */
  value: string;
  /** Where the value is printed on the clean page (any of them counts). */
  rects: Rect[];
}

/** A blank of a form: its label, and where the label is printed. */
export interface ExpectedBlank {
  label: string;
  style: 'underscores' | 'dots' | 'checkbox' | 'box' | 'cells' | 'line-below' | 'empty';
  rects: Rect[];
}

export interface DocumentCase {
  id: string;
  kind: DocumentKind;
  task: 'document' | 'form';
  page: PageSpec;
  fields: ExpectedField[];
  blanks: ExpectedBlank[];
}

export interface ExpectedFill {
  field: string;
  type: ValueType;
  /** Undefined: the field must stay empty (nothing in the library answers it). */
  value?: string;
  /** Library items the value may come from. */
  sources: string[];
  derived?: boolean;
}

export interface FillCase {
  id: string;
  kind: 'form-filling';
  task: 'form_filling';
  form: { id: string; fields: string[] };
  library: { docs: Record<string, unknown>[]; forms: Record<string, unknown>[] };
  expected: ExpectedFill[];
}

export type Case = DocumentCase | FillCase;
