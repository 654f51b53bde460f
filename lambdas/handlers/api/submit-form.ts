import { SubmitImagesRequest } from '../../core/schemas/tasks';
import { jsonBody } from './api-handler';
import { submitHandler } from './submit-handler';

/** Route `submitForm` (handlers/route-table.ts): a form to read, with its blank fields. */
export const handler = submitHandler((event) => ({
  type: 'form',
  request: jsonBody(event, SubmitImagesRequest),
}));
