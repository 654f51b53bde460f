import * as z from 'zod';
import { MAX_LIBRARY_DEPTH, nestsDeeperThan } from '../nesting';

/** Upper bound on the serialized library (DESIGN §3). */
export const MAX_LIBRARY_BYTES = 256 * 1024;

// TextEncoder, not Buffer: these schemas are also the console's types, and the page has no Buffer.
const utf8 = new TextEncoder();
const utf8Bytes = (text: string) => utf8.encode(text).byteLength;

/** The Android app sends some list and map fields as JSON strings; accept both forms, keep the parsed one. */
function jsonStringOr<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, ctx) => {
    if (typeof value !== 'string') return value;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      return value;
    }
    // The string was one scalar to the library's own depth check; what it holds is bounded here.
    if (nestsDeeperThan(parsed, MAX_LIBRARY_DEPTH)) {
      ctx.addIssue({ code: 'custom', message: `must not nest deeper than ${MAX_LIBRARY_DEPTH} levels` });
    }
    return parsed;
  }, schema);
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const isPlainRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `extractedInfo` as the app keeps it: a flat map, though nested values are tolerated. Kept as given
 * (z.record would copy it and leave out a `__proto__` key); described as the record it is.
 */
export const ExtractedInfo = jsonStringOr(
  z
    .custom<Record<string, unknown>>(isPlainRecord, { message: 'must be an object' })
    .meta({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} }),
);

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

/** A library with more failing items than this is refused without looking at the rest. */
const MAX_FAILING_ITEMS = 20;

/**
 * The items of `docs` and `forms` checked one by one, stopping at the 20th that fails: a body of a
 * hundred thousand bad items costs twenty checks, not a hundred thousand issues.
 */
function checkItemsBounded(value: unknown, ctx: z.RefinementCtx): void {
  if (typeof value !== 'object' || value === null) return;
  let failing = 0;
  for (const list of ['docs', 'forms'] as const) {
    const items = (value as Record<string, unknown>)[list];
    if (!Array.isArray(items)) continue;
    for (let index = 0; index < items.length; index++) {
      const checked = LibraryItem.safeParse(items[index]);
      if (checked.success) continue;
      for (const issue of checked.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: [list, index, ...issue.path] });
      }
      if (++failing === MAX_FAILING_ITEMS) {
        ctx.addIssue({
          code: 'custom',
          message: `checking stopped after ${MAX_FAILING_ITEMS} failing items`,
          path: [list],
        });
        return;
      }
    }
  }
}

/**
 * The library, bounded before it is walked: nesting first (iteratively, so nothing recursive meets a
 * 5,000-deep value), then its serialized size, then its items up to the 20th failing one. Either shape
 * of DESIGN §4 comes in; the app's canonical one comes out.
 */
export const Library = z.preprocess(
  (value, ctx) => {
    if (nestsDeeperThan(value, MAX_LIBRARY_DEPTH)) {
      ctx.addIssue({
        code: 'custom',
        message: `library must not nest deeper than ${MAX_LIBRARY_DEPTH} levels`,
      });
    } else if (value !== undefined && utf8Bytes(JSON.stringify(value)) > MAX_LIBRARY_BYTES) {
      ctx.addIssue({ code: 'custom', message: `library must be at most ${MAX_LIBRARY_BYTES} bytes` });
    } else {
      const canonical = canonicalLibrary(value);
      checkItemsBounded(canonical, ctx);
      return canonical;
    }
    return value;
  },
  z.looseObject({
    docs: z.array(LibraryItem).default([]),
    forms: z.array(LibraryItem).default([]),
  }),
);
export type Library = z.infer<typeof Library>;

export const EMPTY_LIBRARY: Library = { docs: [], forms: [] };
