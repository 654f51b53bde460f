/** The cache keys of docs/architecture.md: every key is scoped to its (URI-encoded) owner. */
const owned = (owner: string) => encodeURIComponent(owner);

/** OCR text of one image: `ocr:<owner>:<SHA-256 of the bytes>`. */
export const ocrCacheKey = (owner: string, imageSha256: string) => `ocr:${owned(owner)}:${imageSha256}`;

/** A strategy's result: `llm:<owner>:<hash of strategy, prompt version, model, text, library, fields>`. */
export const llmCacheKey = (owner: string, inputsHash: string) => `llm:${owned(owner)}:${inputsHash}`;

/** True for a key in this owner's caches: a task may only ever name its own owner's entries. */
export const isOwnCacheKey = (owner: string, key: string) =>
  key.startsWith(ocrCacheKey(owner, '')) || key.startsWith(llmCacheKey(owner, ''));
