import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { processCompatRequest } from '../../../lambdas/core/compat/process-job';
import { canonicalJson } from '../../../lambdas/core/hashing';
import { SubmitFormFillingRequest } from '../../../lambdas/core/schemas/tasks';
import { processTask } from '../../../lambdas/core/use-cases/process-task';
import { submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { aesCbcEncrypt, sha256Hex } from '../../support/android-client';
import { base64, pngImage } from '../../support/events';
import { memoryWorld } from '../../support/memory-ports';
import { compatHarness, rsaKeyPair } from '../compat/support/compat-harness';

const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A form-filling task whose stored request holds a library nested 5,000 levels (as text: no stringify can). */
async function taskWithStoredDeepLibrary(world: ReturnType<typeof memoryWorld>) {
  const request = SubmitFormFillingRequest.parse({
    form: { fields: ['Name'] },
    library: { docs: [{ id: 'd1' }] },
  });
  const { summary } = await submitTask(world, 'user-a', { type: 'form_filling', request });
  const task = await world.tasks.get(summary.taskId);
  if (!task) throw new Error('no task');
  const deep = `{"form":{"fields":["Name"]},"library":{"docs":[{"id":"d1","extractedInfo":{"x":${deepArrays(5_000)}}}]}}`;
  await world.blobs.put(task.requestKey, deep, 'application/json');
  return summary.taskId;
}

describe('nothing the worker walks can overflow the stack', () => {
  it('ends a task whose stored library nests 5,000 levels INPUT_UNREADABLE on its first delivery, with no model call', async () => {
    const world = memoryWorld();
    const taskId = await taskWithStoredDeepLibrary(world);
    const outcome = await processTask(world, taskId);
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'INPUT_UNREADABLE' });
    expect((await world.tasks.get(taskId))?.status).toBe('error');
    expect(world.llm.calls).toHaveLength(0);
  });

  it('refuses a model answer nested 5,000 levels as invalid output (one repair, then INVALID_LLM_OUTPUT)', async () => {
    const world = memoryWorld();
    const request = SubmitFormFillingRequest.parse({
      form: { fields: ['Name'] },
      library: { docs: [{ id: 'd1' }] },
    });
    const { summary } = await submitTask(world, 'user-a', { type: 'form_filling', request });
    world.llm.answer = () => JSON.parse(`{"Name":{"value":${deepArrays(5_000)}}}`);
    const outcome = await processTask(world, summary.taskId);
    expect(outcome).toMatchObject({ outcome: 'failed', code: 'INVALID_LLM_OUTPUT' });
    expect(world.llm.calls).toHaveLength(2);
    expect(world.llm.calls[1]?.messages[1]?.text).toBe('(an answer nested too deeply to repeat)');
  });

  it('answers a compat job whose file_lib nests 5,000 levels INVALID_JSON, storing nothing', async () => {
    const keys = rsaKeyPair();
    const harness = compatHarness(keys);
    const aesKey = randomBytes(32);
    const inner = `{"to_process":["${base64(pngImage())}"],"file_lib":{"docs":[{"id":"d1","extractedInfo":{"x":${deepArrays(5_000)}}}]}}`;
    const content = aesCbcEncrypt(aesKey, inner);
    const wrapped = publicEncrypt(
      { key: keys.publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      aesKey,
    );
    const answer = await processCompatRequest(harness.deps, {
      client_id: 'client-1',
      type: 'doc',
      SHA256: sha256Hex(content),
      has_content: true,
      content,
      aes_key: wrapped.toString('base64'),
    });
    expect(answer).toEqual({ status: 'error', error_detail: 'INVALID_JSON' });
    expect(harness.tasks.tasks.size).toBe(0);
  });

  it('hashes a value nested 100,000 levels (canonical JSON is iterative) with the text JSON.stringify gives', () => {
    expect(canonicalJson(JSON.parse(deepArrays(100_000)))).toBe(deepArrays(100_000));
    const value = JSON.parse('{"b":[1,{"d":null,"c":"é\\n"}],"a":{"10":1,"9":2,"z":true},"__proto__":0}');
    const sortedStringify = JSON.stringify(value, (_key, item: unknown) =>
      item !== null && typeof item === 'object' && !Array.isArray(item)
        ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : item,
    );
    expect(canonicalJson(value)).toBe(sortedStringify);
    expect(canonicalJson({ at: new Date(0), gone: undefined, list: [undefined] })).toBe(
      '{"at":"1970-01-01T00:00:00.000Z","list":[null]}',
    );
  });
});
