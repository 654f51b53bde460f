import type { TextLayout } from './ports';

/** The cache keys of docs/architecture.md: every key is scoped to its (URI-encoded) owner. */
const owned = (owner: string) => encodeURIComponent(owner);

/**
 * Version of what the OCR cache holds: bumped when an entry's shape changes, so entries of the old shape
 * are never read (2: the page layout with words, boxes and confidences instead of plain text; 3: tesseract
 * reads photos straightened and small text enlarged, and forms as sparse text).
 */
export const OCR_CACHE_VERSION = 3;

/**
 * OCR layout of one image: `ocr:<owner>:v<version>:<SHA-256 of the bytes>`, or `…:sparse:<SHA-256>` for an
 * image read as sparse text (a form): the same photo read both ways gives two layouts.
 */
export const ocrCacheKey = (owner: string, imageSha256: string, textLayout: TextLayout = 'page') =>
  `ocr:${owned(owner)}:v${OCR_CACHE_VERSION}:${textLayout === 'sparse' ? 'sparse:' : ''}${imageSha256}`;

/** A strategy's result: `llm:<owner>:<hash of strategy, prompt version, model, text, library, fields>`. */
export const llmCacheKey = (owner: string, inputsHash: string) => `llm:${owned(owner)}:${inputsHash}`;

/** True for a key in this owner's caches (of any version): a task may only ever name its own owner's entries. */
export const isOwnCacheKey = (owner: string, key: string) =>
  key.startsWith(`ocr:${owned(owner)}:`) || key.startsWith(llmCacheKey(owner, ''));
