import { SubmitImagesRequest } from '../../core/schemas/tasks';
import { jsonBody } from './api-handler';
import { submitHandler } from './submit-handler';

/** Route `submitDocument` (handlers/route-table.ts): a document to read. */
export const handler = submitHandler((event) => ({
  type: 'document',
  request: jsonBody(event, SubmitImagesRequest),
}));
