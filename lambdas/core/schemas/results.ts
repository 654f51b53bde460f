import * as z from 'zod';

/** A flat `kv` map: nested values are flattened to `a.b` / `a.1` before they get here. */
export const KeyValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const RelatedItem = z.strictObject({
  type: z.enum(['doc', 'form']),
  resource_id: z.string().min(1),
});

/** Result of a `document` task (DESIGN §5). */
export const DocumentResult = z.strictObject({
  title: z.string().min(1),
  tags: z.array(z.string().min(1)).min(1).max(4),
  description: z.string().min(1),
  kv: KeyValues,
  related: z.array(RelatedItem).max(5),
});
export type DocumentResult = z.infer<typeof DocumentResult>;

/** Result of a `form` task: a document result plus the blank fields still to fill in. */
export const FormResult = DocumentResult.extend({
  fields: z.array(z.string().min(1)),
});
export type FormResult = z.infer<typeof FormResult>;

export const FilledValue = z.strictObject({
  value: z.string(),
  source: RelatedItem,
});

/** Result of a `form_filling` task: field name exactly as given → value and the library item it came from. */
export const FormFillingResult = z.record(z.string(), FilledValue);
export type FormFillingResult = z.infer<typeof FormFillingResult>;

export type TaskResult = DocumentResult | FormResult | FormFillingResult;
