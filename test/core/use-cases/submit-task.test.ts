import { describe, expect, it } from 'vitest';
import { SubmitFormFillingRequest, SubmitImagesRequest } from '../../../lambdas/core/schemas/tasks';
import { MAX_IMAGE_BYTES } from '../../../lambdas/core/schemas/uploads';
import type { Task } from '../../../lambdas/core/task';
import { IDEMPOTENCY_SETTLE_SECONDS, submitTask } from '../../../lambdas/core/use-cases/submit-task';
import { base64, pngHeader, pngImage } from '../../support/events';
import { failing, type MemoryWorld, memoryWorld } from '../../support/memory-ports';

const library = { docs: [{ id: 'd1', name: 'Passport', extractedInfo: { Name: 'Jane Doe' } }], forms: [] };

const images = (body: unknown) => ({ type: 'document' as const, request: SubmitImagesRequest.parse(body) });

async function upload(world: MemoryWorld, owner: string, uploadId: string, bytes: Uint8Array) {
  await world.blobs.put(`uploads/${encodeURIComponent(owner)}/${uploadId}`, bytes, 'image/png');
}

describe('submitTask', () => {
  it('stores an inline image and the request, records a pending task and queues it', async () => {
    const world = memoryWorld();
    const png = pngImage(20, 10);
    const { summary, created, queued } = await submitTask(
      world,
      'user-a',
      images({ images: [{ data: base64(png) }], library, priority: 'high' }),
    );
    expect({ created, queued }).toEqual({ created: true, queued: true });
    expect(summary).toEqual({
      taskId: 'task-000001',
      type: 'document',
      status: 'pending',
      priority: 'high',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(await world.blobs.get('inputs/user-a/task-000001/0')).toEqual(png);
    const details = JSON.parse(
      new TextDecoder().decode(await world.blobs.get('inputs/user-a/task-000001/request.json')),
    );
    expect(details.library.docs[0].id).toBe('d1');
    const task = await world.tasks.get('task-000001');
    expect(task).toMatchObject({
      owner: 'user-a',
      status: 'pending',
      source: 'v1',
      attempts: 0,
      images: [{ key: 'inputs/user-a/task-000001/0', mediaType: 'image/png', bytes: png.byteLength }],
      expiresAt: Date.UTC(2026, 0, 8) / 1000,
    });
    expect(world.queue.sent).toEqual([{ message: { taskId: 'task-000001' }, priority: 'high' }]);
  });

  it('takes an image by upload id from the caller’s own prefix, into the task’s own inputs', async () => {
    const world = memoryWorld();
    await upload(world, 'user-a', 'up-1', pngImage());
    const { summary } = await submitTask(world, 'user-a', images({ images: [{ uploadId: 'up-1' }] }));
    expect((await world.tasks.get(summary.taskId))?.images).toEqual([
      { key: 'inputs/user-a/task-000001/0', mediaType: 'image/png', bytes: pngImage().byteLength, pages: 1 },
    ]);
    expect(await world.blobs.get('inputs/user-a/task-000001/0')).toEqual(pngImage());
    expect(await world.blobs.get('uploads/user-a/up-1')).toBeUndefined();
  });

  it('processes what it checked: a file posted to the upload after the submission changes nothing', async () => {
    const world = memoryWorld();
    await upload(world, 'user-a', 'up-1', pngImage(4, 4, 1));
    const { summary } = await submitTask(world, 'user-a', images({ images: [{ uploadId: 'up-1' }] }));
    // The presigned POST stays valid for 15 minutes: the client posts something else under the same id.
    await upload(world, 'user-a', 'up-1', new TextEncoder().encode('not the file that was checked'));
    const [input] = (await world.tasks.get(summary.taskId))?.images ?? [];
    expect(await world.blobs.get(input?.key ?? '')).toEqual(pngImage(4, 4, 1));
  });

  it('lets an upload id serve one task: a second submission naming it is 404 UPLOAD_NOT_FOUND', async () => {
    const world = memoryWorld();
    await upload(world, 'user-a', 'up-1', pngImage());
    await submitTask(world, 'user-a', images({ images: [{ uploadId: 'up-1' }] }));
    // Posted again with the still-valid presigned POST: the id stays used up.
    await upload(world, 'user-a', 'up-1', pngImage());
    await expect(
      submitTask(world, 'user-a', images({ images: [{ uploadId: 'up-1' }] })),
    ).rejects.toMatchObject({ name: 'UploadNotFound', code: 'UPLOAD_NOT_FOUND' });
    expect(world.tasks.tasks.size).toBe(1);
  });

  it('takes back its copies and claims when an upload of the request is refused', async () => {
    const world = memoryWorld();
    await upload(world, 'user-a', 'good', pngImage());
    await upload(world, 'user-a', 'gif', new TextEncoder().encode('GIF89a......'));
    await expect(
      submitTask(world, 'user-a', images({ images: [{ uploadId: 'good' }, { uploadId: 'gif' }] })),
    ).rejects.toMatchObject({ name: 'ImageRejected' });
    expect([...world.blobs.blobs.keys()].sort()).toEqual(['uploads/user-a/gif', 'uploads/user-a/good']);
    expect(world.uploads.claims.size).toBe(0);
    expect((await submitTask(world, 'user-a', images({ images: [{ uploadId: 'good' }] }))).created).toBe(
      true,
    );
  });

  it('answers 404 UPLOAD_NOT_FOUND for an unknown, a foreign or a malformed upload id', async () => {
    const world = memoryWorld();
    await upload(world, 'user-b', 'up-b', pngImage());
    for (const uploadId of ['nope', 'up-b', '../user-b/up-b']) {
      await expect(submitTask(world, 'user-a', images({ images: [{ uploadId }] }))).rejects.toMatchObject({
        name: 'UploadNotFound',
        code: 'UPLOAD_NOT_FOUND',
      });
    }
  });

  it('checks an uploaded object itself: size, type and dimensions', async () => {
    const world = memoryWorld();
    const oversize = new Uint8Array(MAX_IMAGE_BYTES + 1);
    oversize.set(pngImage());
    await upload(world, 'user-a', 'big', oversize);
    await upload(world, 'user-a', 'gif', new TextEncoder().encode('GIF89a......'));
    await upload(world, 'user-a', 'wide', pngHeader(24_000, 100));
    const cases = { big: 'PAYLOAD_TOO_LARGE', gif: 'UNSUPPORTED_MEDIA_TYPE', wide: 'INVALID_IMAGE' };
    for (const [uploadId, code] of Object.entries(cases)) {
      await expect(submitTask(world, 'user-a', images({ images: [{ uploadId }] }))).rejects.toMatchObject({
        name: 'ImageRejected',
        code,
      });
    }
  });

  it('writes nothing when one image of several is refused', async () => {
    const world = memoryWorld();
    const request = images({
      images: [{ data: base64(pngImage()) }, { data: base64(new TextEncoder().encode('GIF89a')) }],
    });
    await expect(submitTask(world, 'user-a', request, 'key-1')).rejects.toMatchObject({
      name: 'ImageRejected',
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(world.blobs.blobs.size).toBe(0);
    expect(world.tasks.tasks.size).toBe(0);
    expect(world.queue.sent).toEqual([]);
    expect(world.idempotency.records.size).toBe(0);
  });

  it('stores a form-filling request’s form and library, with no images', async () => {
    const world = memoryWorld();
    const request = SubmitFormFillingRequest.parse({
      form: { id: 'f1', fields: ['Name', 'Date of birth'] },
      library,
    });
    const { summary } = await submitTask(world, 'user-a', { type: 'form_filling', request });
    expect(summary).toMatchObject({ type: 'form_filling', priority: 'normal' });
    expect((await world.tasks.get(summary.taskId))?.images).toEqual([]);
    const details = JSON.parse(
      new TextDecoder().decode(await world.blobs.get(`inputs/user-a/${summary.taskId}/request.json`)),
    );
    expect(details.form).toEqual({ id: 'f1', fields: ['Name', 'Date of birth'] });
  });

  describe('Idempotency-Key', () => {
    const body = { images: [{ data: base64(pngImage()) }] };

    it('returns the first task for the same key and body, and queues it once', async () => {
      const world = memoryWorld();
      const first = await submitTask(world, 'user-a', images(body), 'key-1');
      // Key order and an explicit default do not make a different body.
      const again = await submitTask(world, 'user-a', images({ priority: 'normal', ...body }), 'key-1');
      expect(again).toEqual({ summary: first.summary, created: false, queued: true });
      expect(world.tasks.tasks.size).toBe(1);
      expect(world.queue.sent).toHaveLength(1);
    });

    it('answers 409 for the same key with a different body', async () => {
      const world = memoryWorld();
      await submitTask(world, 'user-a', images(body), 'key-1');
      await expect(
        submitTask(world, 'user-a', images({ ...body, priority: 'high' }), 'key-1'),
      ).rejects.toMatchObject({ name: 'IdempotencyConflict', code: 'IDEMPOTENCY_CONFLICT' });
    });

    it('keeps keys per user', async () => {
      const world = memoryWorld();
      const a = await submitTask(world, 'user-a', images(body), 'key-1');
      const b = await submitTask(world, 'user-b', images(body), 'key-1');
      expect(b.created).toBe(true);
      expect(b.summary.taskId).not.toBe(a.summary.taskId);
    });

    it('returns the first task even after it consumed its upload (the upload is gone)', async () => {
      const world = memoryWorld();
      await upload(world, 'user-a', 'up-1', pngImage());
      const request = images({ images: [{ uploadId: 'up-1' }] });
      const first = await submitTask(world, 'user-a', request, 'key-1');
      // The worker deletes a terminal task's inputs, uploads included.
      await world.blobs.delete(['uploads/user-a/up-1']);
      const again = await submitTask(world, 'user-a', request, 'key-1');
      expect(again).toEqual({ summary: first.summary, created: false, queued: true });
    });

    it('frees the key when the request is refused', async () => {
      const world = memoryWorld();
      const request = images({ images: [{ uploadId: 'up-1' }] });
      await expect(submitTask(world, 'user-a', request, 'key-1')).rejects.toMatchObject({
        name: 'UploadNotFound',
      });
      expect(world.idempotency.records.size).toBe(0);
      await upload(world, 'user-a', 'up-1', pngImage());
      expect((await submitTask(world, 'user-a', request, 'key-1')).created).toBe(true);
    });

    it('replaces a record that points to a deleted task, once its request is surely over', async () => {
      const world = memoryWorld();
      const first = await submitTask(world, 'user-a', images(body), 'key-1');
      await world.tasks.delete(first.summary.taskId);
      world.clock.advance(IDEMPOTENCY_SETTLE_SECONDS);
      const second = await submitTask(world, 'user-a', images(body), 'key-1');
      expect(second.created).toBe(true);
      expect(second.summary.taskId).not.toBe(first.summary.taskId);
      expect((await submitTask(world, 'user-a', images(body), 'key-1')).summary.taskId).toBe(
        second.summary.taskId,
      );
    });
  });

  it('makes one task of one key when a second request finds the first one’s record before its task', async () => {
    const world = memoryWorld();
    // The first request's task write is slow: it claimed the key but has not recorded its task yet.
    let resume: () => void = () => {};
    const slowWrite = new Promise<void>((resolve) => {
      resume = resolve;
    });
    const tasks = Object.assign(Object.create(world.tasks), {
      create: async (task: Task) => {
        await slowWrite;
        return world.tasks.create(task);
      },
    });
    const body = { images: [{ data: base64(pngImage()) }] };
    const first = submitTask({ ...world, tasks }, 'user-a', images(body), 'key-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.idempotency.records.size).toBe(1);
    await expect(submitTask(world, 'user-a', images(body), 'key-1')).rejects.toMatchObject({
      name: 'IdempotencyConflict',
      code: 'IDEMPOTENCY_CONFLICT',
      message: expect.stringContaining('still being processed'),
    });
    resume();
    const created = await first;
    expect(created.created).toBe(true);
    // The first request's record survived the second: a later retry gets the one task.
    const retry = await submitTask(world, 'user-a', images(body), 'key-1');
    expect(retry).toEqual({ summary: created.summary, created: false, queued: true });
    expect(world.tasks.tasks.size).toBe(1);
  });

  it('keeps the task when the queue is down: the sweeper re-sends it later', async () => {
    const world = memoryWorld();
    const { summary, queued } = await submitTask(
      { ...world, queue: failing(world.queue) },
      'user-a',
      images({ images: [{ data: base64(pngImage()) }] }),
    );
    expect(queued).toBe(false);
    expect((await world.tasks.get(summary.taskId))?.status).toBe('pending');
  });

  it('removes the task and frees the key when its inputs cannot be stored', async () => {
    const world = memoryWorld();
    const request = images({ images: [{ data: base64(pngImage()) }] });
    await expect(
      submitTask({ ...world, blobs: failing(world.blobs) }, 'user-a', request, 'key-1'),
    ).rejects.toThrow(/throttling/);
    expect(world.tasks.tasks.size).toBe(0);
    expect((await submitTask(world, 'user-a', request, 'key-1')).created).toBe(true);
  });

  it('leaves no input in the bucket and frees the key when the task cannot be recorded', async () => {
    const world = memoryWorld();
    const request = images({ images: [{ data: base64(pngImage()) }, { data: base64(pngImage()) }] });
    await expect(
      submitTask({ ...world, tasks: failing(world.tasks) }, 'user-a', request, 'key-1'),
    ).rejects.toThrow(/throttling/);
    expect(world.blobs.blobs.size).toBe(0);
    expect(world.queue.sent).toHaveLength(0);
    const retried = await submitTask(world, 'user-a', request, 'key-1');
    expect(retried.created).toBe(true);
    expect(world.blobs.blobs.size).toBe(3);
  });
});
