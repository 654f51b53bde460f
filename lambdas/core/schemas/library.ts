import * as z from 'zod';

/** Upper bound on the serialized library (DESIGN §3). */
export const MAX_LIBRARY_BYTES = 256 * 1024;

/** The Android app sends some list and map fields as JSON strings; accept both forms, keep the parsed one. */
function jsonStringOr<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }, schema);
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `extractedInfo` as the app keeps it: a flat map, though nested values are tolerated. */
export const ExtractedInfo = jsonStringOr(z.record(z.string(), z.unknown()));

const FormField = z.union([
  z.string(),
  z.looseObject({ name: z.string(), value: scalar.optional(), isRetrieved: z.boolean().optional() }),
]);

const itemId = z.union([z.string().min(1).max(256), z.number().transform(String)]);

/** One earlier item of the user's library. Unknown fields are kept. */
export const LibraryItem = z.looseObject({
  id: itemId,
  name: z.string().optional(),
  description: z.string().optional(),
  extractedInfo: ExtractedInfo.optional(),
  tags: jsonStringOr(z.array(z.string())).optional(),
  formFields: jsonStringOr(z.array(FormField)).optional(),
});
export type LibraryItem = z.infer<typeof LibraryItem>;

export const Library = z
  .looseObject({
    docs: z.array(LibraryItem).default([]),
    forms: z.array(LibraryItem).default([]),
  })
  .superRefine((library, ctx) => {
    if (Buffer.byteLength(JSON.stringify(library)) > MAX_LIBRARY_BYTES) {
      ctx.addIssue({ code: 'custom', message: `library must be at most ${MAX_LIBRARY_BYTES} bytes` });
    }
  });
export type Library = z.infer<typeof Library>;

export const EMPTY_LIBRARY: Library = { docs: [], forms: [] };
