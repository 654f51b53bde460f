import { SubmitImagesRequest } from '../../core/schemas/tasks';
import { submitHandler } from './submit';

/** `POST /v1/tasks/form` */
export const handler = submitHandler('form', SubmitImagesRequest);
