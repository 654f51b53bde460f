import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { createDocusnapApp } from '../../lib/app';
import type { DocusnapStack } from '../../lib/docusnap-stack';
import {
  HANDLER_ENTRIES,
  type HandlerName,
  handlerSourcePath,
  PROJECT_ROOT,
} from '../../lib/handler-entries';

/**
 * Synthesizes the real app (real esbuild bundles) for infra tests. Bundling ~16 functions takes ~25 s,
 * so bundles are keyed by a digest of every source they can contain and kept in one cloud assembly
 * under node_modules/.cache: the first test file bundles, the others reuse. A lock directory keeps
 * test files (separate processes) from bundling into the same directory at once.
 */
export interface Synthesized {
  readonly app: App;
  readonly stack: DocusnapStack;
  readonly template: Template;
  /** Handlers whose source file did not exist; a placeholder outside the repo was bundled instead. */
  readonly missingHandlers: HandlerName[];
}

/** For beforeAll: the first synthesis of a run bundles every function, and others may wait for it. */
export const SYNTH_TIMEOUT_MS = 300_000;

const CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'docusnap-infra-test');
const LOCK_DIR = path.join(CACHE_DIR, 'synth.lock');
const LOCK_WAIT_MS = 250;
const LOCK_MAX_WAITS = 1_200; // 5 minutes
const STALE_LOCK_MS = 5 * 60_000;

export function synthesize(
  context: Record<string, unknown> = {},
  options: {
    /** Adds to the stack before synthesis (which runs the app's validation plugins, cdk-nag among them). */
    readonly extend?: (stack: DocusnapStack) => void;
  } = {},
): Synthesized {
  return withSynthLock(() => {
    const { app, stack, missingHandlers } = buildApp(context);
    options.extend?.(stack);
    const template = Template.fromStack(stack);
    return { app, stack, template, missingHandlers };
  });
}

function buildApp(context: Record<string, unknown>): Omit<Synthesized, 'template'> {
  const missingHandlers = (Object.keys(HANDLER_ENTRIES) as HandlerName[]).filter(
    (name) => !fs.existsSync(handlerSourcePath(name)),
  );
  const outdir = path.join(CACHE_DIR, 'cdk.out');
  dropBundlesOfOtherSources(outdir);
  const { app, stack } = createDocusnapApp({
    outdir,
    context: { ...cdkJsonContext(), ...context },
    stack: {
      entryFor: (name) => (missingHandlers.includes(name) ? placeholderFor(name) : handlerSourcePath(name)),
      bundleCacheKey: sourceDigest(),
    },
  });
  return { app, stack, missingHandlers };
}

/** Bundles of earlier sources are never reused: clear them once per change instead of piling them up. */
function dropBundlesOfOtherSources(outdir: string): void {
  const marker = path.join(CACHE_DIR, 'sources.sha256');
  const previous = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : undefined;
  if (previous === sourceDigest()) return;
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.writeFileSync(marker, sourceDigest());
}

/** The same context `cdk synth` gets from cdk.json, so tests see the flags the CLI sees. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  return cdkJson.context ?? {};
}

let digest: string | undefined;
/** Everything a bundle can contain: the Lambda sources, the lockfile and the compiler settings. */
function sourceDigest(): string {
  if (digest) return digest;
  const hash = createHash('sha256');
  const files = [
    ...listFiles(path.join(PROJECT_ROOT, 'lambdas')),
    path.join(PROJECT_ROOT, 'package-lock.json'),
    path.join(PROJECT_ROOT, 'tsconfig.json'),
  ];
  for (const file of files) {
    hash.update(path.relative(PROJECT_ROOT, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  digest = hash.digest('hex');
  return digest;
}

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** A handler that is not written yet: bundled for real, but it would fail loudly if ever invoked. */
function placeholderFor(name: HandlerName): string {
  const dir = path.join(os.tmpdir(), 'docusnap-infra-placeholders');
  fs.mkdirSync(dir, { recursive: true });
  // Bundled from its own directory (it lies outside the repository), which needs a lockfile of its own.
  const lockfile = path.join(dir, 'package-lock.json');
  if (!fs.existsSync(lockfile)) fs.writeFileSync(lockfile, '{"lockfileVersion":3,"packages":{}}\n');
  // NodejsFunction runs the project's esbuild from that directory.
  const modules = path.join(dir, 'node_modules');
  if (!fs.existsSync(modules)) fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), modules, 'dir');
  const file = path.join(dir, `${name}.ts`);
  const source = `export const handler = async () => {\n  throw new Error('placeholder: ${HANDLER_ENTRIES[name]} is not written yet');\n};\n`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== source) fs.writeFileSync(file, source);
  return file;
}

function withSynthLock<T>(work: () => T): T {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      fs.mkdirSync(LOCK_DIR);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(LOCK_DIR)) fs.rmSync(LOCK_DIR, { recursive: true, force: true });
      else if (attempt >= LOCK_MAX_WAITS) throw new Error(`timed out waiting for ${LOCK_DIR}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOCK_WAIT_MS);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - fs.statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false;
  }
}
