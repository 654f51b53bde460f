import { MAX_LIBRARY_DEPTH, nestsDeeperThan } from '../nesting';
import * as z from '../zod';

/** Upper bound on the serialized library (DESIGN §3). */
export const MAX_LIBRARY_BYTES = 256 * 1024;

// TextEncoder, not Buffer: these schemas are also the console's types, and the page has no Buffer.
const utf8 = new TextEncoder();
const utf8Bytes = (text: string) => utf8.encode(text).byteLength;

/** The Android app sends some list and map fields as JSON strings; accept both forms, keep the parsed one. */
function jsonStringOr<T extends z.ZodMiniType>(schema: T) {
  return z.pipe(
    z.transform((value: unknown, ctx) => {
      if (typeof value !== 'string') return value;
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return value;
      }
      // The string was one scalar to the library's own depth check; what it holds is bounded here.
      if (nestsDeeperThan(parsed, MAX_LIBRARY_DEPTH)) {
        ctx.issues.push({
          code: 'custom',
          message: `must not nest deeper than ${MAX_LIBRARY_DEPTH} levels`,
          input: value,
        });
      }
      return parsed;
    }),
    schema,
  );
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
    .check(z.meta({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} })),
);

const FormField = z.union([
  z.string(),
  z.looseObject({ name: z.string(), value: z.optional(scalar), isRetrieved: z.optional(z.boolean()) }),
]);

const itemId = z.union([
  z.string().check(z.minLength(1), z.maxLength(256)),
  z.pipe(z.number(), z.transform(String)),
]);

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
  name: z.optional(z.string()),
  description: z.optional(z.string()),
  extractedInfo: z.optional(ExtractedInfo),
  tags: z.optional(jsonStringOr(z.array(z.string()))),
  formFields: z.optional(jsonStringOr(z.array(FormField))),
});
export type LibraryItem = z.infer<typeof LibraryItem>;

/** A library with more failing items than this is refused without looking at the rest. */
const MAX_FAILING_ITEMS = 20;

/**
 * The items of `docs` and `forms` checked one by one, stopping at the 20th that fails: a body of a
 * hundred thousand bad items costs twenty checks, not a hundred thousand issues.
 */
function checkItemsBounded(value: unknown, issues: z.core.$ZodRawIssue[]): void {
  if (typeof value !== 'object' || value === null) return;
  let failing = 0;
  for (const list of ['docs', 'forms'] as const) {
    const items = (value as Record<string, unknown>)[list];
    if (!Array.isArray(items)) continue;
    for (let index = 0; index < items.length; index++) {
      const checked = LibraryItem.safeParse(items[index]);
      if (checked.success) continue;
      for (const issue of checked.error.issues) {
        issues.push({
          code: 'custom',
          message: issue.message,
          path: [list, index, ...issue.path],
          input: value,
        });
      }
      if (++failing === MAX_FAILING_ITEMS) {
        issues.push({
          code: 'custom',
          message: `checking stopped after ${MAX_FAILING_ITEMS} failing items`,
          path: [list],
          input: value,
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
export const Library = z.pipe(
  z.transform((value: unknown, ctx) => {
    if (nestsDeeperThan(value, MAX_LIBRARY_DEPTH)) {
      ctx.issues.push({
        code: 'custom',
        message: `library must not nest deeper than ${MAX_LIBRARY_DEPTH} levels`,
        input: value,
      });
    } else if (value !== undefined && utf8Bytes(JSON.stringify(value)) > MAX_LIBRARY_BYTES) {
      ctx.issues.push({
        code: 'custom',
        message: `library must be at most ${MAX_LIBRARY_BYTES} bytes`,
        input: value,
      });
    } else {
      const canonical = canonicalLibrary(value);
      checkItemsBounded(canonical, ctx.issues);
      return canonical;
    }
    return value;
  }),
  z.looseObject({
    docs: z._default(z.array(LibraryItem), []),
    forms: z._default(z.array(LibraryItem), []),
  }),
);
export type Library = z.infer<typeof Library>;

export const EMPTY_LIBRARY: Library = { docs: [], forms: [] };
