import { CreateUploadRequest } from '../../core/schemas/uploads';
import { createUpload } from '../../core/use-cases/create-upload';
import { dependencies } from './dependencies';
import { apiHandler, jsonBody, ownerOf } from './http';

/** `POST /v1/uploads` */
export const handler = apiHandler(async (event) => {
  const owner = ownerOf(event);
  const request = jsonBody(event, CreateUploadRequest);
  return { status: 201, body: await createUpload(dependencies(), owner, request) };
});
