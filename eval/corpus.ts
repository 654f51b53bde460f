/** The corpus for a seed: document `i` of a kind depends only on (seed, kind, i), so subsets agree with full runs. */
import { type Case, KINDS, type Kind } from './cases';
import { documentCase } from './documents';
import { fillCase } from './filling';
import { formCase } from './forms';
import { Random } from './random';

export interface CorpusOptions {
  seed: number;
  /** Documents per kind. */
  count: number;
  kinds?: readonly Kind[];
}

export function generateCase(seed: number, kind: Kind, index: number): Case {
  const id = `${kind}-${index + 1}`;
  const random = Random.for(seed, kind, index);
  if (kind === 'form-filling') return fillCase(id, random);
  if (kind === 'form') return formCase(id, random);
  return documentCase(kind, id, random);
}

export function generateCorpus(options: CorpusOptions): Case[] {
  const kinds = options.kinds ?? KINDS;
  return kinds.flatMap((kind) =>
    Array.from({ length: options.count }, (_, index) => generateCase(options.seed, kind, index)),
  );
}
