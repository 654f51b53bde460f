import * as z from '../zod';

const fraction = () => z.number().check(z.minimum(0), z.maximum(1));

/** A rectangle as fractions 0..1 of its page, origin top-left (core/layout.ts `Box`). */
export const EvidenceBox = z.object({
  left: fraction(),
  top: fraction(),
  width: fraction(),
  height: fraction(),
});

/**
 * Where a `kv` value or a form field rests on the pages (DESIGN §3.2). A value the OCR text does not
 * support is `grounded: false` with no page, text or box: possibly invented by the model.
 */
export const ValueEvidence = z.object({
  page: z.optional(z.number().check(z.int(), z.minimum(1))),
  /** The OCR words it rests on, as read. */
  text: z.optional(z.string()),
  box: z.optional(EvidenceBox),
  /** 0..1: the OCR's confidence in those words times how well they match the value. */
  confidence: fraction(),
  grounded: z.boolean(),
});
export type ValueEvidence = z.infer<typeof ValueEvidence>;

/** The library item a form-filling value was taken from, and the key in it that holds the value. */
export const FillEvidence = z.object({
  resourceId: z.string(),
  /** Absent when no key of that item holds the value (the model derived or invented it). */
  sourceKey: z.optional(z.string()),
  confidence: fraction(),
});
export type FillEvidence = z.infer<typeof FillEvidence>;

export const PageSize = z.object({
  page: z.number().check(z.int(), z.minimum(1)),
  /** Pixels of the page as read. */
  width: z.number().check(z.int(), z.minimum(0)),
  height: z.number().check(z.int(), z.minimum(0)),
});
export type PageSize = z.infer<typeof PageSize>;

/** `evidence` of a completed v1 task view, beside `result`. */
export const Evidence = z.object({
  pages: z.array(PageSize),
  kv: z.optional(z.record(z.string(), ValueEvidence)),
  fields: z.optional(z.record(z.string(), ValueEvidence)),
  fill: z.optional(z.record(z.string(), FillEvidence)),
});
export type Evidence = z.infer<typeof Evidence>;
