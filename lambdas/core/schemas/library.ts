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

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Moves `from` to `to` when only `from` is there and `accepts` its value; otherwise leaves both as sent. */
function rename(item: Json, from: string, to: string, accepts: (value: unknown) => boolean): Json {
  if (item[to] !== undefined || item[from] === undefined || !accepts(item[from])) return item;
  const { [from]: value, ...rest } = item;
  return { ...rest, [to]: value };
}

/**
 * The original server's web test page names an item's values `kv`, its name `title` and a form's blanks
 * `fields` (DESIGN §4); read as the app's `extractedInfo`, `name`, `formFields` so every reader sees one shape.
 */
function canonicalItem(value: unknown): unknown {
  if (!isRecord(value)) return value;
  let item = rename(value, 'kv', 'extractedInfo', (kv) => isRecord(kv) || typeof kv === 'string');
  item = rename(item, 'title', 'name', (title) => typeof title === 'string');
  return rename(item, 'fields', 'formFields', Array.isArray);
}

/** The web test page's `doc`/`form` lists are the app's `docs`/`forms`; both are read if both are sent. */
function canonicalLibrary(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const library: Json = { ...value };
  for (const [from, to] of [
    ['doc', 'docs'],
    ['form', 'forms'],
  ] as const) {
    const extra = library[from];
    const own = library[to] ?? [];
    if (!Array.isArray(extra) || !Array.isArray(own)) continue;
    delete library[from];
    library[to] = [...own, ...extra];
  }
  for (const to of ['docs', 'forms']) {
    const items = library[to];
    if (Array.isArray(items)) library[to] = items.map(canonicalItem);
  }
  return library;
}

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

/** Either shape of DESIGN §4 comes in; the app's canonical one comes out. */
export const Library = z.preprocess(
  canonicalLibrary,
  z
    .looseObject({
      docs: z.array(LibraryItem).default([]),
      forms: z.array(LibraryItem).default([]),
    })
    .superRefine((library, ctx) => {
      if (Buffer.byteLength(JSON.stringify(library)) > MAX_LIBRARY_BYTES) {
        ctx.addIssue({ code: 'custom', message: `library must be at most ${MAX_LIBRARY_BYTES} bytes` });
      }
    }),
);
export type Library = z.infer<typeof Library>;

export const EMPTY_LIBRARY: Library = { docs: [], forms: [] };
