import type { StrategyContext } from '../ports';
import type { LibraryItem } from '../schemas/library';
import { FormFillingResult } from '../schemas/results';
import { fieldType, valueFitsType } from './field-names';
import { otherPeoplesItems } from './library-people';
import { isRecord, labelKey, type RelatedRef, readReference, stringValue } from './normalise';
import { formFillingPrompt } from './prompts';
import type { Strategy } from './strategy';
import { WRAPPED_RESULT_KEY } from './tool-schema';

function looksLikeFilledValue(value: unknown): boolean {
  return isRecord(value) && 'value' in value && 'source' in value;
}

/** The field map from the tool input `{ values: {...} }`; a bare map is accepted too. */
function filledValues(raw: Record<string, unknown>): Record<string, unknown> {
  const wrapped = raw[WRAPPED_RESULT_KEY];
  // A bare map holding a form field called "values" has a filled value there, not a map.
  if (isRecord(wrapped) && !looksLikeFilledValue(wrapped)) return wrapped;
  return raw;
}

/** An answer that is not an object, or wraps something other than a map, is left to fail validation. */
function isFillingShaped(raw: unknown): raw is Record<string, unknown> {
  return isRecord(raw) && (!(WRAPPED_RESULT_KEY in raw) || isRecord(raw[WRAPPED_RESULT_KEY]));
}

/** The library item a reference names (its list by the reference's type). */
function itemOf(context: StrategyContext, source: RelatedRef): LibraryItem | undefined {
  const list = source.type === 'form' ? context.library.forms : context.library.docs;
  return list.find((item) => String(item.id) === source.resource_id);
}

/**
 * Only keys that name one of the form's fields (case- and whitespace-insensitively; written back exactly
 * as given), a non-empty string value (dates written `MMM DD, YYYY`) of the kind the field takes (a date
 * field a date, an email field an email), and a source that is a library item (typed by its list) about
 * the library's own person, not someone else's document in it.
 */
export function normaliseFormFilling(
  raw: Record<string, unknown>,
  context: StrategyContext,
): FormFillingResult {
  const fieldByKey = new Map((context.fields ?? []).map((field) => [labelKey(field), field]));
  const others = otherPeoplesItems(context.library);
  // A Map, then own properties: a field called `constructor` or `__proto__` is a field like any other.
  const result = new Map<string, FormFillingResult[string]>();
  for (const [key, answer] of Object.entries(filledValues(raw))) {
    const field = fieldByKey.get(labelKey(key));
    if (field === undefined || result.has(field) || !isRecord(answer)) continue;
    const value = stringValue(answer.value);
    const source = readReference(context.library, answer.source);
    if (value === undefined || source === undefined) continue;
    const item = itemOf(context, source);
    if (item !== undefined && others.has(item)) continue;
    if (!valueFitsType(fieldType(field), value)) continue;
    result.set(field, { value, source });
  }
  return Object.fromEntries(result);
}

export const formFillingStrategy: Strategy<FormFillingResult> = {
  type: 'form_filling',
  promptVersion: 'form-filling-2',
  resultSchema: FormFillingResult,
  toolName: 'fill_form',
  toolDescription: "Gives values for a form's fields, each with the library item it was taken from.",
  // Up to 200 fields of short values with their sources.
  maxTokens: 8192,
  // Its answer grows with the form's fields, not with pages (it reads none).
  maxTokensPerExtraPage: 0,
  buildPrompt: (context) => formFillingPrompt(context, formFillingStrategy.toolName),
  normalise: (raw, context) => (isFillingShaped(raw) ? normaliseFormFilling(raw, context) : raw),
};
