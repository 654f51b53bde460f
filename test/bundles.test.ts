import { describe, expect, it } from 'vitest';
import { bundleHandler, HANDLERS, inputsFrom, LOCAL_ONLY } from '../bench/bundle';

const apiHandlers = Object.entries(HANDLERS).filter(([name]) => name.startsWith('api/'));

describe('Lambda bundles', () => {
  it.each(apiHandlers)('%s carries neither the Textract nor the Bedrock client', async (_name, entry) => {
    const { metafile } = await bundleHandler(entry, { externalAwsSdk: false });
    expect(inputsFrom(metafile, '@aws-sdk/client-textract')).toEqual([]);
    expect(inputsFrom(metafile, '@aws-sdk/client-bedrock-runtime')).toEqual([]);
  });

  it('the worker carries Textract and Bedrock but none of the local-only providers', async () => {
    const { metafile } = await bundleHandler(HANDLERS.worker, { externalAwsSdk: false });
    expect(inputsFrom(metafile, '@aws-sdk/client-textract').length).toBeGreaterThan(0);
    expect(inputsFrom(metafile, '@aws-sdk/client-bedrock-runtime').length).toBeGreaterThan(0);
    for (const pkg of LOCAL_ONLY) expect(inputsFrom(metafile, pkg)).toEqual([]);
  });
});
