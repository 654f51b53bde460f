import type { DocumentResult, Library, LibraryItem, TaskView } from './contract';

/** The API's limit on a library (DESIGN §3): checked here too, so the user is told before submitting. */
export const MAX_LIBRARY_BYTES = 256 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A completed document or form task as a library item, keyed by its task id as the app keys its files. */
export function libraryItemOf(task: TaskView): LibraryItem | undefined {
  if (task.status !== 'completed' || task.type === 'form_filling' || !isRecord(task.result)) return undefined;
  const result = task.result as DocumentResult;
  const item: LibraryItem = { id: task.taskId };
  if (typeof result.title === 'string') item.name = result.title;
  if (typeof result.description === 'string') item.description = result.description;
  if (Array.isArray(result.tags)) item.tags = result.tags.map(String);
  if (isRecord(result.kv)) item.extractedInfo = { ...result.kv };
  if (task.type === 'form' && Array.isArray(result.fields)) item.formFields = result.fields.map(String);
  return item;
}

/** The library built from the chosen earlier tasks: documents under `docs`, forms under `forms`. */
export function libraryFromTasks(tasks: readonly TaskView[]): Library {
  const library: Library = { docs: [], forms: [] };
  for (const task of tasks) {
    const item = libraryItemOf(task);
    if (item) (task.type === 'form' ? library.forms : library.docs).push(item);
  }
  return library;
}

export class LibraryFileError extends Error {}

/** A library JSON file as the app exports it: an object with `docs` and/or `forms` arrays of items with an id. */
export function parseLibraryFile(text: string): Library {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LibraryFileError('The library file is not valid JSON.');
  }
  if (!isRecord(parsed)) throw new LibraryFileError('The library file must hold a JSON object.');
  const docs = parsed.docs ?? [];
  const forms = parsed.forms ?? [];
  if (!Array.isArray(docs) || !Array.isArray(forms)) {
    throw new LibraryFileError('The library file’s "docs" and "forms" must be lists.');
  }
  const withoutId = [...docs, ...forms].findIndex((item) => !isRecord(item) || item.id === undefined);
  if (withoutId >= 0) throw new LibraryFileError('Every library item needs an "id".');
  return { ...parsed, docs, forms } as Library;
}

/** Both libraries in one: the file's items, then the chosen tasks' items. */
export function mergeLibraries(...libraries: Library[]): Library {
  return {
    docs: libraries.flatMap((library) => library.docs),
    forms: libraries.flatMap((library) => library.forms),
  };
}

export const librarySize = (library: Library) => new TextEncoder().encode(JSON.stringify(library)).length;

/** Form fields typed or pasted: one per line, or separated by commas or tabs (a spreadsheet row). */
export function parseFieldList(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\n,\t]/)) {
    const field = part.trim();
    if (field) seen.add(field);
  }
  return [...seen];
}
