import { CreateUploadRequest } from '../../core/schemas/uploads';
import { createUpload } from '../../core/use-cases/create-upload';
import { apiHandler, jsonBody, ownerOf } from './api-handler';
import { dependencies } from './dependencies';

/** Route `createUpload` (handlers/route-table.ts): a presigned POST for one image. */
export const handler = apiHandler(async (event) => {
  const owner = ownerOf(event);
  const request = jsonBody(event, CreateUploadRequest);
  return { status: 201, body: await createUpload(dependencies(), owner, request) };
});
