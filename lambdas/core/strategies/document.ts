import type { StrategyContext } from '../ports';
import { DocumentResult } from '../schemas/results';
import type { TaskType } from '../task';
import {
  flattenKeyValues,
  isRecord,
  normaliseDescription,
  normaliseRelated,
  normaliseTags,
  normaliseTitle,
  typeTag,
} from './normalise';
import { documentPrompt } from './prompts';
import type { Strategy } from './strategy';

/**
 * The fields a document and a form result share, normalised. Empty values get fallbacks, but a title,
 * tags or description the answer lacks altogether stays missing: the model skipped the tool's schema
 * and is asked to repair. A missing `kv` or `related` is an empty one. `onEmptyValue` sees kv keys left blank.
 */
export function normaliseDocumentFields(
  answer: Record<string, unknown>,
  context: StrategyContext,
  type: TaskType,
  onEmptyValue?: (key: string) => void,
): Partial<DocumentResult> {
  const tags = answer.tags === undefined ? undefined : normaliseTags(answer.tags, type);
  const title =
    answer.title === undefined ? undefined : normaliseTitle(answer.title, tags ?? [typeTag(type)], type);
  const description =
    answer.description === undefined
      ? undefined
      : normaliseDescription(answer.description, `Scanned ${typeTag(type)}: ${title ?? 'untitled'}.`);
  return {
    title,
    tags,
    description,
    kv: flattenKeyValues(answer.kv, onEmptyValue),
    related: normaliseRelated(answer.related, context.library),
  };
}

export const documentStrategy: Strategy<DocumentResult> = {
  type: 'document',
  promptVersion: 'document-3',
  resultSchema: DocumentResult,
  toolName: 'record_document',
  toolDescription: 'Records the title, tags, description, key facts and related library items of a document.',
  // A dense page yields a few hundred kv entries at most; 4096 leaves room without inviting rambling.
  maxTokens: 4096,
  // Each further page brings its own facts.
  maxTokensPerExtraPage: 1024,
  buildPrompt: (context) => documentPrompt(context, documentStrategy.toolName),
  // Anything but an object is left as it is, to fail validation and be repaired.
  normalise: (raw, context) => (isRecord(raw) ? normaliseDocumentFields(raw, context, 'document') : raw),
};
