/** The `rules` model's form reading: `Form Type`, the values filled in, and the blank fields. */
import type { StrategyContext } from '../../core/ports';
import { keyValues, kindSentence, listed, read, relatedItems, words } from './reading';

export function readForm(context: StrategyContext) {
  const reading = read(context);
  const formType = words(reading.heading ?? '').join(' ');
  const kv = { 'Form Type': formType, ...keyValues(reading.pairs, false) };
  const blanks =
    reading.blanks.length > 0
      ? ` It has ${reading.blanks.length} blank fields to fill in, including ${listed(reading.blanks)}.`
      : ' It has no blank fields left.';
  return {
    title: reading.title,
    tags: reading.tags.length > 0 ? reading.tags : ['form'],
    description: `${kindSentence('form', reading.tags, reading.title)}${blanks}`,
    kv,
    fields: reading.blanks,
    related: relatedItems(context.library, context.ocrText),
  };
}
