import { SubmitFormFillingRequest } from '../../core/schemas/tasks';
import { submitHandler } from './submit';

/** `POST /v1/tasks/form-filling` */
export const handler = submitHandler('form_filling', SubmitFormFillingRequest);
