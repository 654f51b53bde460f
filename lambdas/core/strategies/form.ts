import type { StrategyContext } from '../ports';
import { FormResult } from '../schemas/results';
import { normaliseDocumentFields } from './document';
import { cleanText, dedupe, isRecord, labelKey, type Scalar, textList } from './normalise';
import { formPrompt } from './prompts';
import type { Strategy } from './strategy';

export const FORM_TYPE_KEY = 'Form Type';

/** A field label as printed minus its colon and blank marks (`Name: ____` → `Name`). */
function fieldLabel(text: string): string {
  return cleanText(text.replace(/(_{2,}|\.{3,}|…|\[\s*\]|[☐□])/g, ' ')).replace(/\s*[:：]$/, '');
}

/** `kv` with "Form Type" first: a variant spelling (`form_type`) is renamed, a missing one taken from the title. */
function withFormType(kv: Record<string, Scalar>, title: string): Record<string, Scalar> {
  const isFormTypeKey = (key: string) => labelKey(key.replace(/[_-]/g, ' ')) === 'form type';
  const givenKey = Object.keys(kv).find(isFormTypeKey);
  const formType = givenKey === undefined ? title : kv[givenKey];
  const rest = Object.entries(kv).filter(([key]) => !isFormTypeKey(key));
  return { [FORM_TYPE_KEY]: formType, ...Object.fromEntries(rest) };
}

export function normaliseForm(
  answer: Record<string, unknown>,
  context: StrategyContext,
): Partial<FormResult> {
  const blankKeys: string[] = [];
  const document = normaliseDocumentFields(answer, context, 'form', (key) => blankKeys.push(key));
  const kv = withFormType(document.kv ?? {}, document.title ?? '');
  const filled = new Set(Object.keys(kv).map(labelKey));
  // A label the model left empty in kv is a blank field; kv keys and fields stay disjoint.
  const fields = dedupe([...textList(answer.fields), ...blankKeys].map(fieldLabel)).filter(
    (field) => field.length > 0 && !filled.has(labelKey(field)),
  );
  return { ...document, kv, fields };
}

export const formStrategy: Strategy<FormResult> = {
  type: 'form',
  promptVersion: 'form-3',
  resultSchema: FormResult,
  toolName: 'record_form',
  toolDescription:
    'Records the title, tags, description, pre-filled values, blank fields and related library items of a form.',
  maxTokens: 4096,
  // Each further page brings its own fields and pre-filled values.
  maxTokensPerExtraPage: 1024,
  buildPrompt: (context) => formPrompt(context, formStrategy.toolName),
  normalise: (raw, context) => (isRecord(raw) ? normaliseForm(raw, context) : raw),
};
