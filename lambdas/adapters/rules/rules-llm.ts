/**
 * The offline `rules` model (DESIGN §7): a deterministic extractor that fills the same tool inputs as a
 * real model, from the OCR text and the library alone. It ignores the prompt and reads `request.context`;
 * its answers go through the same normalisation and validation as any model's.
 */
import type { LlmClient, LlmRequest, LlmResponse } from '../../core/ports';
import { WRAPPED_RESULT_KEY } from '../../core/strategies/tool-schema';
import { readDocument } from './document-reading';
import { fillForm } from './form-filling';
import { readForm } from './form-reading';

export class RulesLlm implements LlmClient {
  readonly model = 'rules';

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const { context } = request;
    const output =
      context.type === 'form_filling'
        ? { [WRAPPED_RESULT_KEY]: fillForm(context) }
        : context.type === 'form'
          ? readForm(context)
          : readDocument(context);
    return { output, inputTokens: 0, outputTokens: 0 };
  }
}
