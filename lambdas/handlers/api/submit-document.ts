import { SubmitImagesRequest } from '../../core/schemas/tasks';
import { jsonBody } from './api-handler';
import { submitHandler } from './submit-handler';

/** `POST /v1/tasks/document` */
export const handler = submitHandler((event) => ({
  type: 'document',
  request: jsonBody(event, SubmitImagesRequest),
}));
