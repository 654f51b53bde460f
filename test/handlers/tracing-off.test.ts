import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { documentClient, s3Client, sqsClient } from '../../lambdas/handlers/aws-clients';
import { tracer } from '../../lambdas/handlers/tracing';
import { LOCAL_ENV_DEFAULTS } from '../../local/config';

describe('tracing off the Lambda platform (tests, npm start)', () => {
  it('is switched off by the local runtime, which has no X-Ray daemon', () => {
    expect(LOCAL_ENV_DEFAULTS.POWERTOOLS_TRACE_ENABLED).toBe('false');
    expect(tracer).toBeUndefined();
  });

  it('never loads the X-Ray SDK, whose automatic mode would hook every async call of the process', () => {
    expect(
      Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('aws-xray-sdk-core')),
    ).toEqual([]);
    expect((process as { namespaces?: Record<string, unknown> }).namespaces?.AWSXRay).toBeUndefined();
  });

  it('leaves the SDK clients without any X-Ray instrumentation', () => {
    for (const client of [documentClient(), s3Client({ s3ForcePathStyle: true }), sqsClient()]) {
      expect(client.middlewareStack.identify().filter((name) => name.startsWith('XRay'))).toEqual([]);
    }
  });
});
