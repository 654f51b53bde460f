import { SubmitImagesRequest } from '../../core/schemas/tasks';
import { submitHandler } from './submit';

/** `POST /v1/tasks/document` */
export const handler = submitHandler('document', SubmitImagesRequest);
