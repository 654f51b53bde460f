import { SubmitFormFillingRequest } from '../../core/schemas/tasks';
import { jsonBody } from './api-handler';
import { submitHandler } from './submit-handler';

/** `POST /v1/tasks/form-filling` */
export const handler = submitHandler((event) => ({
  type: 'form_filling',
  request: jsonBody(event, SubmitFormFillingRequest),
}));
