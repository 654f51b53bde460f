/** `npm run openapi`: writes docs/openapi.json from the zod schemas. */
import { writeFileSync } from 'node:fs';
import { renderOpenApiDocument } from './openapi-document';

const target = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(target, renderOpenApiDocument());
console.log(`wrote ${target.pathname}`);
