/** How the console sends the files of one task, within the API's limits (DESIGN §3). */

/** The types the API accepts; it decides from the bytes, this only stops an obvious mistake early. */
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/tiff', 'application/pdf'] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

export const MAX_IMAGES = 20;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/**
 * Inline images of one request stop here: the body limit is 6 MiB and base64 adds a third, so files past
 * this budget go through a presigned upload instead (as the CLI does).
 */
export const INLINE_BUDGET_BYTES = 4 * 1024 * 1024;

export interface PickedFile {
  name: string;
  type: string;
  size: number;
}

export type SendPlan = { how: 'inline' | 'upload'; type: AcceptedType }[];

/** The file's type as the API names it: browsers leave `type` empty for some TIFFs, so fall back on the name. */
export function acceptedType(file: PickedFile): AcceptedType | undefined {
  if ((ACCEPTED_TYPES as readonly string[]).includes(file.type)) return file.type as AcceptedType;
  const extension = /\.([a-z]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  const byExtension: Record<string, AcceptedType> = {
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    tif: 'image/tiff',
    tiff: 'image/tiff',
    pdf: 'application/pdf',
  };
  return file.type === '' && extension ? byExtension[extension] : undefined;
}

/** What is wrong with the picked files for one task, in words for the user; empty when they can be sent. */
export function problemsWith(files: readonly PickedFile[]): string[] {
  const problems: string[] = [];
  if (files.length === 0) problems.push('Pick at least one photo or PDF.');
  if (files.length > MAX_IMAGES)
    problems.push(`At most ${MAX_IMAGES} files per task (${files.length} picked).`);
  for (const file of files) {
    if (!acceptedType(file)) problems.push(`${file.name}: only JPEG, PNG, TIFF and PDF files can be read.`);
    else if (file.size > MAX_FILE_BYTES) problems.push(`${file.name}: larger than 10 MiB.`);
    else if (file.size === 0) problems.push(`${file.name}: the file is empty.`);
  }
  return problems;
}

/** Inline while the files so far fit the budget, each file past it by upload. */
export function sendPlan(files: readonly PickedFile[]): SendPlan {
  let inline = 0;
  return files.map((file) => {
    const type = acceptedType(file) ?? 'application/pdf';
    if (inline + file.size <= INLINE_BUDGET_BYTES) {
      inline += file.size;
      return { how: 'inline', type };
    }
    return { how: 'upload', type };
  });
}

/**
 * Waits between polls of a task still running: quick at first (small tasks finish in a second or two),
 * then backing off to 5 s; a `Retry-After` from the API wins within that range.
 */
export function pollDelayMs(attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0) {
    return Math.min(Math.max(retryAfterSeconds * 1000, 250), 5000);
  }
  return Math.min(400 * 1.5 ** attempt, 5000);
}

/**
 * Which picked file shows which page of the task (page → file index). Every page of every input is one
 * page of the task, in order (DESIGN §3.1): a JPEG or PNG is one page the browser can show; a PDF or
 * TIFF has pages the page does not count, so no later file can be matched to a page number.
 */
export function pagePictures(types: readonly (AcceptedType | undefined)[]): Map<number, number> {
  const pictures = new Map<number, number>();
  for (const [index, type] of types.entries()) {
    if (type !== 'image/jpeg' && type !== 'image/png') break;
    pictures.set(index + 1, index);
  }
  return pictures;
}

/** How long the console asks the API to hold a poll open (`?waitSeconds=`, DESIGN §3.3). */
export const LONG_POLL_SECONDS = 5;

/**
 * The wait before the next poll of a task still running. An API that held the request open (long poll)
 * has already waited, so the next request goes at once; one that answered at once (an API without long
 * polling ignores the parameter) gets the backoff.
 */
export function nextPollDelayMs(attempt: number, heldMs: number, retryAfterSeconds?: number): number {
  if (heldMs >= LONG_POLL_SECONDS * 1000 * 0.8) return 0;
  return pollDelayMs(attempt, retryAfterSeconds);
}
