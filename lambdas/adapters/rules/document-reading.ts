/** The `rules` model's document reading: title, tags, description, `kv` and related library items. */
import type { StrategyContext } from '../../core/ports';
import { IDENTITY_TAGS } from './document-keywords';
import { keyValues, kindSentence, listed, read, relatedItems } from './reading';

export function readDocument(context: StrategyContext) {
  const reading = read(context);
  const identity = reading.tags.some((tag) => IDENTITY_TAGS.has(tag));
  const kv = keyValues(reading.pairs, identity);
  const keys = Object.keys(kv);
  const facts = keys.length > 0 ? ` It lists ${keys.length} labelled values, including ${listed(keys)}.` : '';
  return {
    title: reading.title,
    tags: reading.tags.length > 0 ? reading.tags : ['document'],
    description: `${kindSentence('document', reading.tags, reading.title)}${facts}`,
    kv,
    related: relatedItems(context.library, context.ocrText),
  };
}
