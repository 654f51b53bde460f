import { SubmitFormFillingRequest } from '../../core/schemas/tasks';
import { jsonBody } from './api-handler';
import { submitHandler } from './submit-handler';

/** Route `submitFormFilling` (handlers/route-table.ts): a form's fields filled from the library. */
export const handler = submitHandler((event) => ({
  type: 'form_filling',
  request: jsonBody(event, SubmitFormFillingRequest),
}));
