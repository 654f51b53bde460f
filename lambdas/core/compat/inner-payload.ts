import { EMPTY_LIBRARY, Library } from '../schemas/library';
import { MAX_IMAGES } from '../schemas/tasks';
import * as z from '../zod';
import type { CompatType } from './protocol';

/** The app lists a form's fields as names or as its own FormField objects; only the name matters here. */
const FieldName = z.union([
  z.string().check(z.minLength(1), z.maxLength(200)),
  z.pipe(
    z.looseObject({ name: z.string().check(z.minLength(1), z.maxLength(200)) }),
    z.transform((field) => field.name),
  ),
]);

const FormToFill = z.looseObject({
  id: z.optional(z.union([z.string().check(z.maxLength(256)), z.pipe(z.number(), z.transform(String))])),
  fields: z.array(FieldName).check(z.minLength(1), z.maxLength(200)),
});

const Images = z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(MAX_IMAGES));

const fileLib = z.pipe(
  z.optional(Library),
  z.transform((library) => library ?? EMPTY_LIBRARY),
);

const ImagesPayload = z.looseObject({ to_process: Images, file_lib: fileLib });
const FillPayload = z.looseObject({ to_process: FormToFill, file_lib: fileLib });

/** The decrypted `content` of a new job, in the task model's terms. */
export type InnerPayload =
  | { kind: 'images'; images: string[]; library: Library }
  | { kind: 'form'; form: { id?: string; fields: string[] }; library: Library };

/** Undefined when the JSON is not the shape the app sends for this type. */
export function parseInnerPayload(type: CompatType, json: unknown): InnerPayload | undefined {
  if (type === 'fill') {
    const parsed = FillPayload.safeParse(json);
    if (!parsed.success) return undefined;
    const { id, fields } = parsed.data.to_process;
    return {
      kind: 'form',
      form: { ...(id === undefined ? {} : { id }), fields },
      library: parsed.data.file_lib,
    };
  }
  const parsed = ImagesPayload.safeParse(json);
  if (!parsed.success) return undefined;
  return { kind: 'images', images: parsed.data.to_process, library: parsed.data.file_lib };
}
