import * as z from 'zod';

/** A rectangle as fractions 0..1 of its page, origin top-left (core/layout.ts `Box`). */
export const EvidenceBox = z.object({
  left: z.number().min(0).max(1),
  top: z.number().min(0).max(1),
  width: z.number().min(0).max(1),
  height: z.number().min(0).max(1),
});

/**
 * Where a `kv` value or a form field rests on the pages (DESIGN §3.2). A value the OCR text does not
 * support is `grounded: false` with no page, text or box: possibly invented by the model.
 */
export const ValueEvidence = z.object({
  page: z.number().int().min(1).optional(),
  /** The OCR words it rests on, as read. */
  text: z.string().optional(),
  box: EvidenceBox.optional(),
  /** 0..1: the OCR's confidence in those words times how well they match the value. */
  confidence: z.number().min(0).max(1),
  grounded: z.boolean(),
});
export type ValueEvidence = z.infer<typeof ValueEvidence>;

/** The library item a form-filling value was taken from, and the key in it that holds the value. */
export const FillEvidence = z.object({
  resourceId: z.string(),
  /** Absent when no key of that item holds the value (the model derived or invented it). */
  sourceKey: z.string().optional(),
  confidence: z.number().min(0).max(1),
});
export type FillEvidence = z.infer<typeof FillEvidence>;

export const PageSize = z.object({
  page: z.number().int().min(1),
  /** Pixels of the page as read. */
  width: z.number().int().min(0),
  height: z.number().int().min(0),
});
export type PageSize = z.infer<typeof PageSize>;

/** `evidence` of a completed v1 task view, beside `result`. */
export const Evidence = z.object({
  pages: z.array(PageSize),
  kv: z.record(z.string(), ValueEvidence).optional(),
  fields: z.record(z.string(), ValueEvidence).optional(),
  fill: z.record(z.string(), FillEvidence).optional(),
});
export type Evidence = z.infer<typeof Evidence>;
