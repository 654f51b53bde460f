import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, LOCAL_CREDENTIALS, LOCAL_RESOURCES, startEmulators } from '../../local/emulators';

// Shaped like temporary STS credentials (SSO, assumed role): an ASIA key id and a session token.
const developer = {
  accessKeyId: 'ASIAEXAMPLEDEVELOPER1',
  secretAccessKey: 'developer-secret-access-key',
  sessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN//////////',
};
const REGION = 'eu-central-1';

// In this thread (tests) and on a thread of their own (the local runtime): the same servers, the same answers.
describe.each([
  { where: 'in this thread', inThread: false },
  { where: 'on their own thread', inThread: true },
])('emulators $where with a developer’s own credentials', ({ inThread }) => {
  let emulators: Emulators;
  const clients: { destroy(): void }[] = [];
  const s3 = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const client = new S3Client({
      endpoint: emulators.env.AWS_ENDPOINT_URL_S3,
      region: REGION,
      credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    emulators = await startEmulators({ credentials: developer, region: REGION, inThread });
  });
  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await emulators?.stop();
  });

  it('leaves the credentials out of the environment and keeps the region asked for', () => {
    expect(emulators.env).not.toHaveProperty('AWS_ACCESS_KEY_ID');
    expect(emulators.env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(emulators.env.AWS_REGION).toBe(REGION);
  });

  it('stores and returns an object signed with the session credentials, token header and all', async () => {
    const client = s3(developer);
    const sentTokens: (string | undefined)[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        sentTokens.push(request.headers['x-amz-security-token']);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );

    await client.send(
      new PutObjectCommand({ Bucket: LOCAL_RESOURCES.bucket, Key: 'signed/page.txt', Body: 'page one' }),
    );
    const got = await client.send(
      new GetObjectCommand({ Bucket: LOCAL_RESOURCES.bucket, Key: 'signed/page.txt' }),
    );

    expect(await got.Body?.transformToString()).toBe('page one');
    expect(sentTokens).toEqual([developer.sessionToken, developer.sessionToken]);
  });

  it('accepts a presigned POST made with the session credentials', async () => {
    const { url, fields } = await createPresignedPost(s3(developer), {
      Bucket: LOCAL_RESOURCES.bucket,
      Key: 'uploads/dev/upload-1',
      Conditions: [['content-length-range', 1, 1024]],
      Fields: { 'Content-Type': 'text/plain' },
      Expires: 60,
    });
    expect(fields['X-Amz-Security-Token']).toBe(developer.sessionToken);
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append('file', new Blob(['uploaded page'], { type: 'text/plain' }));

    const posted = await fetch(url, { method: 'POST', body: form });
    expect(posted.status).toBe(204);
    const got = await s3(developer).send(
      new GetObjectCommand({ Bucket: LOCAL_RESOURCES.bucket, Key: 'uploads/dev/upload-1' }),
    );
    expect(await got.Body?.transformToString()).toBe('uploaded page');
  });

  it('still accepts S3RVER (the tests’ credentials) and refuses a key nobody registered', async () => {
    await s3(LOCAL_CREDENTIALS).send(
      new PutObjectCommand({ Bucket: LOCAL_RESOURCES.bucket, Key: 'signed/s3rver.txt', Body: 'x' }),
    );
    const refused = await s3({ accessKeyId: 'AKIAUNKNOWNKEY', secretAccessKey: 'nope' })
      .send(new PutObjectCommand({ Bucket: LOCAL_RESOURCES.bucket, Key: 'signed/stranger.txt', Body: 'x' }))
      .catch((error: unknown) => error);
    expect((refused as Error).name).toBe('InvalidAccessKeyId');
  });

  it('serves DynamoDB and SQS to the same credentials in the same region', async () => {
    const dynamo = new DynamoDBClient({
      endpoint: emulators.env.AWS_ENDPOINT_URL_DYNAMODB,
      region: REGION,
      credentials: developer,
    });
    const sqs = new SQSClient({
      endpoint: emulators.env.AWS_ENDPOINT_URL_SQS,
      region: REGION,
      credentials: developer,
    });
    clients.push(dynamo, sqs);
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: LOCAL_RESOURCES.table }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: emulators.env.DOCUSNAP_QUEUE_URL,
        AttributeNames: ['RedrivePolicy'],
      }),
    );
    expect(Attributes?.RedrivePolicy).toContain(LOCAL_RESOURCES.deadLetterQueue);
  });
});

describe('emulators after a developer’s credentials were used', () => {
  it('forget the developer key once stopped, so it only works while registered', async () => {
    const first = await startEmulators({ credentials: developer });
    await first.stop();
    const second = await startEmulators();
    const client = new S3Client({
      endpoint: second.env.AWS_ENDPOINT_URL_S3,
      region: 'us-east-1',
      credentials: developer,
      forcePathStyle: true,
    });
    try {
      const refused = await client
        .send(new PutObjectCommand({ Bucket: LOCAL_RESOURCES.bucket, Key: 'late.txt', Body: 'x' }))
        .catch((error: unknown) => error);
      expect((refused as Error).name).toBe('InvalidAccessKeyId');
      expect(second.env.AWS_ACCESS_KEY_ID).toBe(LOCAL_CREDENTIALS.accessKeyId);
    } finally {
      client.destroy();
      await second.stop();
    }
  });
});
