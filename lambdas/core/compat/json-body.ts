/** A request body that is not JSON: the compat routes answer it with `INVALID_JSON`. */
export const NOT_JSON = Symbol('not JSON');

/** Parses a request body as the routes receive it (API Gateway may hand it over base64-encoded). */
export function parseJsonBody(body: string | undefined, isBase64Encoded = false): unknown {
  if (body === undefined || body === '') return NOT_JSON;
  try {
    return JSON.parse(isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body);
  } catch {
    return NOT_JSON;
  }
}
