/**
 * The real adapters over the embedded emulators (dynalite, s3rver, fauxqs), built by the composition roots
 * from the environment: upload by presigned POST, submit by upload id, the worker on the real SQS message,
 * read, list, delete. Only OCR and LLM are the offline providers (simulated, rules).
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../lambdas/adapters/s3-blob-store';
import { evidenceKey, resultKey } from '../../lambdas/core/blob-keys';
import { handler as createUpload } from '../../lambdas/handlers/api/create-upload';
import { handler as deleteTask } from '../../lambdas/handlers/api/delete-task';
import { handler as getTask } from '../../lambdas/handlers/api/get-task';
import { handler as listTasks } from '../../lambdas/handlers/api/list-tasks';
import { handler as submitDocument } from '../../lambdas/handlers/api/submit-document';
import { handler as worker } from '../../lambdas/handlers/worker';
import { toSqsEvent } from '../../local/sqs-event';
import { applyEnv, useEmulators } from '../support/emulators';
import { apiEvent, base64, pngImage } from '../support/events';

const emulators = useEmulators();
let restore: () => void = () => {};
beforeAll(() => {
  restore = applyEnv({ DOCUSNAP_OCR: 'simulated', DOCUSNAP_LLM: 'rules' });
});
afterAll(() => restore());

const json = (result: { body?: string }) => JSON.parse(result.body ?? '{}');

describe('API and worker over the emulators', () => {
  it('uploads, submits by upload id, processes the queued message, reads, lists and deletes', async () => {
    const image = pngImage(40, 30);
    const upload = await createUpload(
      apiEvent('POST /v1/uploads', { body: { contentType: 'image/png', contentLength: image.byteLength } }),
    );
    expect(upload.statusCode).toBe(201);
    const { uploadId, url, fields } = json(upload);
    const form = new FormData();
    for (const [name, value] of Object.entries(fields as Record<string, string>)) form.append(name, value);
    form.append('file', new Blob([image], { type: 'image/png' }));
    const posted = await fetch(url, { method: 'POST', body: form });
    expect(posted.status).toBeLessThan(300);

    const foreign = await submitDocument(
      apiEvent('POST /v1/tasks/document', { sub: 'user-b', body: { images: [{ uploadId }] } }),
    );
    expect(json(foreign).error.code).toBe('UPLOAD_NOT_FOUND');

    const submitted = await submitDocument(
      apiEvent('POST /v1/tasks/document', {
        body: { images: [{ uploadId }] },
        headers: { 'Idempotency-Key': 'e2e' },
      }),
    );
    expect(submitted.statusCode).toBe(202);
    const { taskId } = json(submitted);

    const sqs = emulators.sqs();
    const queueUrl = emulators.env.DOCUSNAP_QUEUE_URL;
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(received.Messages?.map((message) => JSON.parse(message.Body ?? '{}'))).toEqual([{ taskId }]);
    const batch = await worker(
      toSqsEvent(received.Messages ?? [], 'arn:aws:sqs:us-east-1:000000000000:q', 'us-east-1'),
    );
    expect(batch.batchItemFailures).toEqual([]);
    for (const message of received.Messages ?? []) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }

    const read = json(await getTask(apiEvent('GET /v1/tasks/{taskId}', { pathParameters: { taskId } })));
    expect(read).toMatchObject({
      taskId,
      status: 'completed',
      result: { title: expect.any(String), tags: expect.any(Array) },
      usage: { pages: 1, ocrEngine: 'simulated', llmModel: 'rules', estimatedCostUsd: 0, cacheHit: false },
    });
    // Every value the offline model read rests on the simulated page's words, boxes stored and read back.
    expect(read.evidence.pages).toEqual([{ page: 1, width: 1240, height: 1754 }]);
    expect(read.result.kv['Invoice No']).toBe('INV-2024-0147');
    expect(read.evidence.kv['Invoice No']).toMatchObject({ page: 1, text: 'INV-2024-0147', grounded: true });
    expect(read.evidence.kv['Invoice No'].box.top).toBeGreaterThan(0);
    for (const key of Object.keys(read.result.kv)) expect(read.evidence.kv[key]?.grounded).toBe(true);
    const listed = json(await listTasks(apiEvent('GET /v1/tasks', { query: { limit: '5' } })));
    expect(listed.items.map((item: { taskId: string }) => item.taskId)).toEqual([taskId]);
    expect(listed.items[0].evidence).toEqual(read.evidence);

    expect(
      (await deleteTask(apiEvent('DELETE /v1/tasks/{taskId}', { pathParameters: { taskId } }))).statusCode,
    ).toBe(204);
    expect(
      (await getTask(apiEvent('GET /v1/tasks/{taskId}', { pathParameters: { taskId } }))).statusCode,
    ).toBe(404);
  });

  it('reads a result too large for the task record back from the bucket, by getTask and listTasks', async () => {
    const submitted = await submitDocument(
      apiEvent('POST /v1/tasks/document', {
        sub: 'user-big',
        body: { images: [{ data: base64(pngImage(24, 16)) }] },
      }),
    );
    const { taskId } = json(submitted);
    const sqs = emulators.sqs();
    const queueUrl = emulators.env.DOCUSNAP_QUEUE_URL;
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    await worker(toSqsEvent(received.Messages ?? [], 'arn:aws:sqs:us-east-1:000000000000:q', 'us-east-1'));
    for (const message of received.Messages ?? []) {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    expect(
      json(await getTask(apiEvent('GET /v1/tasks/{taskId}', { sub: 'user-big', pathParameters: { taskId } })))
        .status,
    ).toBe('completed');

    // As the worker stores a result over 300 KB: in the bucket, the record pointing at it.
    const kv = Object.fromEntries(Array.from({ length: 4000 }, (_, n) => [`Line ${n} (€)`, 'x'.repeat(80)]));
    const big = {
      title: 'A very long ledger',
      tags: ['ledger'],
      description: 'Many lines.',
      kv,
      related: [],
    };
    const evidence = { pages: [{ page: 1, width: 10, height: 10 }] };
    const blobs = new S3BlobStore(emulators.s3(), emulators.env.DOCUSNAP_BUCKET);
    await blobs.put(resultKey('user-big', taskId), JSON.stringify(big), 'application/json');
    await blobs.put(evidenceKey('user-big', taskId), JSON.stringify(evidence), 'application/json');
    await emulators.documentClient().send(
      new UpdateCommand({
        TableName: emulators.env.DOCUSNAP_TABLE,
        Key: { pk: `TASK#${taskId}`, sk: 'TASK' },
        UpdateExpression: 'REMOVE resultJson, evidence SET resultKey = :result, evidenceKey = :evidence',
        ExpressionAttributeValues: {
          ':result': resultKey('user-big', taskId),
          ':evidence': evidenceKey('user-big', taskId),
        },
      }),
    );

    const read = json(
      await getTask(apiEvent('GET /v1/tasks/{taskId}', { sub: 'user-big', pathParameters: { taskId } })),
    );
    expect(JSON.stringify(read.result).length).toBeGreaterThan(300_000);
    expect(read.result).toEqual(big);
    expect(read.evidence).toEqual(evidence);
    const listed = json(await listTasks(apiEvent('GET /v1/tasks', { sub: 'user-big' })));
    expect(listed.items[0].result).toEqual(big);
  });

  it('binds a task to the upload it checked: a second POST to the upload neither changes it nor makes a task', async () => {
    const image = pngImage(20, 10);
    const upload = json(
      await createUpload(
        apiEvent('POST /v1/uploads', { body: { contentType: 'image/png', contentLength: image.byteLength } }),
      ),
    );
    const post = async (bytes: Uint8Array) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.fields as Record<string, string>))
        form.append(name, value);
      form.append('file', new Blob([bytes], { type: 'image/png' }));
      return (await fetch(upload.url, { method: 'POST', body: form })).status;
    };
    expect(await post(image)).toBeLessThan(300);
    const submitted = await submitDocument(
      apiEvent('POST /v1/tasks/document', { body: { images: [{ uploadId: upload.uploadId }] } }),
    );
    expect(submitted.statusCode).toBe(202);
    const { taskId } = json(submitted);

    // The presigned POST is still valid: the same form, another file.
    expect(await post(pngImage(30, 30))).toBeLessThan(300);
    const again = await submitDocument(
      apiEvent('POST /v1/tasks/document', { body: { images: [{ uploadId: upload.uploadId }] } }),
    );
    expect(again.statusCode).toBe(404);
    expect(json(again).error.code).toBe('UPLOAD_NOT_FOUND');

    const input = await emulators.s3().send(
      new GetObjectCommand({
        Bucket: emulators.env.DOCUSNAP_BUCKET,
        Key: `inputs/user-a/${taskId}/0`,
      }),
    );
    expect(new Uint8Array((await input.Body?.transformToByteArray()) ?? [])).toEqual(image);
  });
});
