/**
 * zod for everything that runs on Lambda: `zod/mini` (~30 KB bundled with its messages, against ~95 KB for
 * the full `zod`), with the English messages the full `zod` loads by itself, so every VALIDATION_ERROR
 * reads the same (`zod/mini` alone answers "Invalid input" to everything). Import it as a namespace
 * (`import * as z from '../zod'`), never `zod` itself: biome.json enforces both.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export * from 'zod/mini';
