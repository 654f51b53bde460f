import { SubmitImagesRequest } from '../../core/schemas/tasks';
import { jsonBody } from './api-handler';
import { submitHandler } from './submit-handler';

/** `POST /v1/tasks/form` */
export const handler = submitHandler((event) => ({
  type: 'form',
  request: jsonBody(event, SubmitImagesRequest),
}));
