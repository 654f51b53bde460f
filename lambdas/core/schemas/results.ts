import * as z from '../zod';

/** A flat `kv` map: nested values are flattened to `a.b` / `a.1` before they get here. */
export const KeyValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const RelatedItem = z.strictObject({
  type: z.enum(['doc', 'form']),
  resource_id: z.string().check(z.minLength(1)),
});

/** Result of a `document` task (DESIGN §5). */
export const DocumentResult = z.strictObject({
  title: z.string().check(z.minLength(1)),
  tags: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(4)),
  description: z.string().check(z.minLength(1)),
  kv: KeyValues,
  related: z.array(RelatedItem).check(z.maxLength(5)),
});
export type DocumentResult = z.infer<typeof DocumentResult>;

/** Result of a `form` task: a document result plus the blank fields still to fill in. */
export const FormResult = z.extend(DocumentResult, {
  fields: z.array(z.string().check(z.minLength(1))),
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
