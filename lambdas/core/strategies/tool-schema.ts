import * as z from '../zod';
import { isRecord } from './normalise';

/** The property a non-object result is wrapped in, since Bedrock tools take an object schema only. */
export const WRAPPED_RESULT_KEY = 'values';

export interface ToolInputShape {
  /** JSON Schema (draft 2020-12 keywords) of the tool input, always `type: object` with `properties`. */
  inputSchema: Record<string, unknown>;
  /** Set when the result is wrapped: the model answers `{ [wrapKey]: result }`. */
  wrapKey?: string;
}

/** Drops `propertyNames: {type: "string"}`: it says nothing (JSON keys are strings) and some tool APIs reject it. */
function withoutStringPropertyNames(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutStringPropertyNames);
  if (!isRecord(node)) return node;
  const entries = Object.entries(node).filter(
    ([key, value]) =>
      !(
        key === 'propertyNames' &&
        isRecord(value) &&
        Object.keys(value).join() === 'type' &&
        value.type === 'string'
      ),
  );
  return Object.fromEntries(entries.map(([key, value]) => [key, withoutStringPropertyNames(value)]));
}

/** The tool input schema for a result schema: the result itself when it is an object, otherwise wrapped. */
export function toolInputShape(resultSchema: z.ZodMiniType): ToolInputShape {
  // `$schema` is dropped: some tool APIs reject unknown top-level keywords.
  const { $schema: _dialect, ...schema } = withoutStringPropertyNames(
    z.toJSONSchema(resultSchema, { unrepresentable: 'any' }),
  ) as Record<string, unknown>;
  if (schema.type === 'object' && isRecord(schema.properties)) return { inputSchema: schema };
  return {
    inputSchema: {
      type: 'object',
      properties: { [WRAPPED_RESULT_KEY]: schema },
      required: [WRAPPED_RESULT_KEY],
      additionalProperties: false,
    },
    wrapKey: WRAPPED_RESULT_KEY,
  };
}
