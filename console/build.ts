/**
 * Builds the console page in memory with esbuild: `index.html`, `app.js`, `app.css`. The local runtime
 * serves the result and the CDK app deploys it; nothing built is committed, and the config file
 * (`config.json`) is never part of the build, so one build serves every stage.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, buildSync } from 'esbuild';

export interface ConsoleFile {
  contentType: string;
  body: string;
}
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const OPTIONS: BuildOptions = {
  entryPoints: { app: here('./src/main.ts'), 'app-style': here('./styles.css') },
  bundle: true,
  minify: true,
  format: 'esm',
  // Browsers of the last few years (phones included); nothing the page uses needs more.
  target: ['es2022', 'chrome110', 'safari16', 'firefox110'],
  write: false,
  outdir: 'out',
  logLevel: 'silent',
  legalComments: 'none',
};

function collect(outputs: { path: string; text: string }[]): ConsoleFiles {
  const find = (suffix: string) => {
    const output = outputs.find((candidate) => candidate.path.endsWith(suffix));
    if (!output) throw new Error(`console build produced no ${suffix}`);
    return output.text;
  };
  return new Map([
    [
      'index.html',
      { contentType: 'text/html; charset=utf-8', body: readFileSync(here('./index.html'), 'utf8') },
    ],
    ['app.js', { contentType: 'text/javascript; charset=utf-8', body: find('app.js') }],
    ['app.css', { contentType: 'text/css; charset=utf-8', body: find('app-style.css') }],
  ]);
}

export async function buildConsole(): Promise<ConsoleFiles> {
  return collect((await build(OPTIONS)).outputFiles ?? []);
}

/** For `cdk synth`, which is synchronous. */
export function buildConsoleSync(): ConsoleFiles {
  return collect(buildSync(OPTIONS).outputFiles ?? []);
}
