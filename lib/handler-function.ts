import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type HandlerEntryResolver, type HandlerName, PROJECT_ROOT } from './handler-entries';

/** What every handler function of one stack shares. */
export interface HandlerFunctionDefaults {
  /** Where each handler's source file is. */
  readonly entryFor: HandlerEntryResolver;
  /** Environment every function gets (table, bucket, queue URLs, retention, Powertools). */
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /**
   * When set, each bundle's asset hash is derived from this key (a digest of all sources) instead of
   * the bundle output, so an unchanged bundle already in the cloud assembly is reused, not rebuilt.
   * @default - hash of the bundle output (always rebuilt)
   */
  readonly bundleCacheKey?: string;
}

export interface HandlerFunctionProps {
  readonly handler: HandlerName;
  readonly defaults: HandlerFunctionDefaults;
  readonly description: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** Added to the shared environment. */
  readonly environment?: Record<string, string>;
  /** @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * The local-only providers are loaded with dynamic import() by the composition roots and must never
 * reach a Lambda bundle (tesseract ships WASM and language data, ~30 MB).
 */
export const NEVER_BUNDLED_MODULES = ['tesseract.js', '@tesseract.js-data/eng'];

/** The SDK's default credential chain, which every client's runtime configuration imports. */
export const DEFAULT_CREDENTIAL_CHAIN = '@aws-sdk/credential-provider-node';
/** What the bundles import in its place, from the project root. */
export const LAMBDA_CREDENTIALS = './lambdas/handlers/lambda-credentials.ts';

/** CommonJS dependencies call require(); an ESM bundle has none unless it is recreated here. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The Lambda runtime of every handler; the bundles target its Node.js version. */
export const HANDLER_RUNTIME = Runtime.NODEJS_24_X;

/** Every function runs with this NODE_OPTIONS: stack traces mapped back to the TypeScript sources. */
export const HANDLER_NODE_OPTIONS = '--enable-source-maps';

/**
 * How every handler is bundled. `npm run bench` (bench/bundle.ts) builds from these very options, so its
 * sizes and import times are those of the deployed bundles.
 */
export const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  // What NodejsFunction would derive from the runtime, spelled out for bench/bundle.ts: 'node24'.
  target: HANDLER_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1'),
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  // The SDK is bundled: pinned versions, and faster module initialisation than the runtime's copy
  // (measured by `npm run bench`, docs/performance.md). `externalModules` replaces NodejsFunction's
  // default externals, so it is what actually keeps `@aws-sdk/*` in the bundle: see leaveAwsSdkToRuntime.
  bundleAwsSDK: true,
  externalModules: NEVER_BUNDLED_MODULES,
  // Lambda gives every function its credentials in the environment: the SDK's default chain is replaced
  // by its first link (lambdas/handlers/lambda-credentials.ts), ~110 KB less to parse per cold start.
  esbuildArgs: { '--alias': `${DEFAULT_CREDENTIAL_CHAIN}=${LAMBDA_CREDENTIALS}` },
  // Warnings and errors only: the per-file size listing drowns synth and test output.
  logLevel: LogLevel.WARNING,
};

/**
 * Files a handler reads beside its bundle at run time, copied there after bundling: MuPDF's WASM, which
 * `mupdf-wasm.js` loads from next to itself (`new URL('mupdf-wasm.wasm', import.meta.url)`).
 */
export const RUNTIME_FILES: Partial<Record<HandlerName, readonly string[]>> = {
  worker: ['node_modules/mupdf/dist/mupdf-wasm.wasm'],
};

/** BUNDLING, plus the copying of the handler's RUNTIME_FILES into its bundle. */
export function bundlingOf(handler: HandlerName, bundling: BundlingOptions = BUNDLING): BundlingOptions {
  const files = RUNTIME_FILES[handler];
  if (!files) return bundling;
  return {
    ...bundling,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) =>
        files.map((file) => `cp "${path.join(inputDir, file)}" "${outputDir}"`),
    },
  };
}

/** The same bundling with `@aws-sdk/*` left to the Lambda runtime's copy (the alternative the bench measures). */
export function leaveAwsSdkToRuntime(bundling: BundlingOptions): BundlingOptions {
  return {
    ...bundling,
    bundleAwsSDK: false,
    externalModules: [...(bundling.externalModules ?? []), '@aws-sdk/*'],
  };
}

/** A DocuSnap Lambda handler: Node 24 on ARM64, ESM bundle built locally by esbuild, its own log group. */
export class HandlerFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    const { defaults } = props;
    const entry = defaults.entryFor(props.handler);
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: defaults.logRetention,
      removalPolicy: defaults.removalPolicy,
    });
    super(scope, id, {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: HANDLER_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      logGroup,
      // X-Ray: Lambda records every invocation and passes its trace header on (through SQS to the worker); the
      // background handlers' Powertools Tracer adds subsegments for the handler, each task and every SDK call.
      tracing: Tracing.ACTIVE,
      projectRoot: bundleRoot(entry),
      depsLockFilePath: path.join(bundleRoot(entry), 'package-lock.json'),
      environment: {
        ...defaults.environment,
        ...props.environment,
        NODE_OPTIONS: HANDLER_NODE_OPTIONS,
      },
      bundling: {
        ...bundlingOf(props.handler),
        assetHash: defaults.bundleCacheKey ? bundleHash(defaults.bundleCacheKey, entry) : undefined,
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'AWSLambdaBasicExecutionRole only allows writing this function’s CloudWatch logs; it is the AWS-maintained minimum.',
    });
    Validations.of(this).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: X_RAY_STAR_RESOURCE });
  }
}

/** Active tracing's xray:PutTraceSegments and xray:PutTelemetryRecords: X-Ray defines them with no resource type. */
export const X_RAY_STAR_RESOURCE =
  'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; "*" is the only resource they accept.';

/** The repository, or, for an entry outside it (a test's stand-in), the entry's own directory and lockfile. */
function bundleRoot(entry: string): string {
  return path.relative(PROJECT_ROOT, entry).startsWith('..') ? path.dirname(entry) : PROJECT_ROOT;
}

function bundleHash(cacheKey: string, entry: string): string {
  return createHash('sha256')
    .update(cacheKey)
    .update('\0')
    .update(path.relative(PROJECT_ROOT, entry))
    .update('\0')
    .update(JSON.stringify(BUNDLING))
    .digest('hex');
}
