/**
 * Where a V8 CPU profile (`node --cpu-prof`) spent its time, by what the code is: the SDK, each emulator,
 * HTTP, crypto, JSON, our handlers and core, and so on. Self time is charged to the category of the frame;
 * a native frame (no script) is charged to its nearest JavaScript caller, except the natives that are a
 * category of their own (JSON, regular expressions, garbage collection).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export const CATEGORIES = [
  'AWS SDK clients (middleware, SigV4, (de)serialisation)',
  'DynamoDB emulator (dynalite, LevelDB)',
  'S3 emulator (s3rver)',
  'SQS emulator (fauxqs)',
  'Node HTTP, sockets, streams',
  'Node crypto (hashes, AES, RSA)',
  'JSON parse / stringify',
  'base64 and buffers',
  'regular expressions',
  'zod',
  'Powertools',
  'handlers and core (lambdas/)',
  'local runtime (local/)',
  'module loading',
  'garbage collection',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

function categoryOfScript(url: string): Category | undefined {
  if (!url) return undefined;
  if (/node_modules\/(@smithy|@aws-sdk|@aws-crypto|fast-xml-parser|@aws\/)/.test(url))
    return 'AWS SDK clients (middleware, SigV4, (de)serialisation)';
  if (
    /node_modules\/(dynalite|classic-level|abstract-level|level-|memory-level|lazy|big\.js|once|async|lock)/.test(
      url,
    )
  )
    return 'DynamoDB emulator (dynalite, LevelDB)';
  if (
    /node_modules\/(s3rver|koa|@koa|xmlbuilder|busboy|lodash|fs-extra|graceful-fs|winston|logform)/.test(url)
  )
    return 'S3 emulator (s3rver)';
  if (/node_modules\/(fauxqs|fastify|@fastify|avvio|pino|find-my-way|light-my-request|fast-json)/.test(url))
    return 'SQS emulator (fauxqs)';
  if (/node_modules\/zod\//.test(url)) return 'zod';
  if (/node_modules\/@aws-lambda-powertools\//.test(url)) return 'Powertools';
  if (/node_modules\/tsx\/|node:internal\/modules|cjs-module-lexer|node:internal\/bootstrap/.test(url))
    return 'module loading';
  if (/node:internal\/crypto|^node:crypto/.test(url)) return 'Node crypto (hashes, AES, RSA)';
  if (/node:_http|node:net|node:internal\/streams|stream_base|node:internal\/http/.test(url))
    return 'Node HTTP, sockets, streams';
  if (/node:buffer|node:internal\/buffer/.test(url)) return 'base64 and buffers';
  if (/\/lambdas\//.test(url)) return 'handlers and core (lambdas/)';
  if (/\/local\//.test(url)) return 'local runtime (local/)';
  return 'other';
}

function categoryOfNative(name: string): Category | undefined {
  if (name === '(garbage collector)') return 'garbage collection';
  if (name === 'parse' || name === 'stringify') return 'JSON parse / stringify';
  if (name.startsWith('RegExp:')) return 'regular expressions';
  return undefined;
}

export interface ProfileSummary {
  /** Milliseconds the thread was busy (not idle). */
  busyMs: number;
  byCategory: Map<Category, number>;
  /** Which thread of the local runtime this was, from the modules it ran. */
  thread: 'API' | 'worker pool' | 'emulators' | 'other';
}

export function summariseProfile(profile: Profile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const byCategory = new Map<Category, number>();
  let busyMs = 0;
  for (const [id, ms] of selfMs) {
    const name = byId.get(id)?.callFrame.functionName ?? '';
    if (name === '(idle)' || name === '(program)' || name === '(root)') continue;
    busyMs += ms;
    let category = categoryOfNative(name);
    for (let at: number | undefined = id; category === undefined && at !== undefined; at = parent.get(at)) {
      category = categoryOfScript(byId.get(at)?.callFrame.url ?? '');
    }
    category ??= 'other';
    byCategory.set(category, (byCategory.get(category) ?? 0) + ms);
  }
  const urls = profile.nodes.map((node) => node.callFrame.url);
  const ran = (file: string) => urls.some((url) => url.endsWith(file));
  const thread = ran('local/queue-poller.ts')
    ? 'worker pool'
    : ran('local/http-api.ts') || ran('local/api-thread.ts')
      ? 'API'
      : urls.some((url) => /node_modules\/(dynalite|s3rver|fauxqs)\//.test(url))
        ? 'emulators'
        : 'other';
  return { busyMs, byCategory, thread };
}

/** Every profile in `dir` (one per thread), each summarised; the API and emulator threads are several. */
export async function summariseProfiles(dir: string): Promise<ProfileSummary[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile')).sort();
  return Promise.all(
    files.map(async (file) => summariseProfile(JSON.parse(await readFile(path.join(dir, file), 'utf8')))),
  );
}
