import { randomUUID } from 'node:crypto';
import { CreateUploadRequest } from '../../core/schemas/uploads';
import { createUpload } from '../../core/use-cases/create-upload';
import { uploadSigner } from '../storage-dependencies';
import { apiHandler, jsonBody, ownerOf } from './api-handler';
import { routeDependencies } from './dependencies';

const dependencies = routeDependencies((config) => ({
  uploadSigner: uploadSigner(config),
  ids: { newId: () => randomUUID() },
}));

/** Route `createUpload` (handlers/route-table.ts): a presigned POST for one image. */
export const handler = apiHandler(async (event) => {
  const owner = ownerOf(event);
  const request = jsonBody(event, CreateUploadRequest);
  return { status: 201, body: await createUpload(dependencies(), owner, request) };
});
