import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbUploadClaims } from '../../lambdas/adapters/dynamodb-upload-claims';
import { useEmulators } from '../support/emulators';

const emulators = useEmulators();
let claims: DynamoDbUploadClaims;
beforeAll(() => {
  claims = new DynamoDbUploadClaims(emulators.documentClient(), emulators.env.DOCUSNAP_TABLE);
});
const until = Math.floor(Date.UTC(2030, 0, 1) / 1000);

describe('DynamoDbUploadClaims', () => {
  it('lets an upload id serve one task: a second task cannot claim it, the first may again', async () => {
    const uploadId = randomUUID();
    expect(await claims.claim('alice', uploadId, { taskId: 'task-1', expiresAt: until })).toBe(true);
    expect(await claims.claim('alice', uploadId, { taskId: 'task-2', expiresAt: until })).toBe(false);
    expect(await claims.claim('alice', uploadId, { taskId: 'task-1', expiresAt: until })).toBe(true);
  });

  it('releases a claim only for the task that holds it', async () => {
    const uploadId = randomUUID();
    await claims.claim('alice', uploadId, { taskId: 'task-1', expiresAt: until });
    await claims.release('alice', uploadId, 'task-2');
    expect(await claims.claim('alice', uploadId, { taskId: 'task-2', expiresAt: until })).toBe(false);
    await claims.release('alice', uploadId, 'task-1');
    expect(await claims.claim('alice', uploadId, { taskId: 'task-2', expiresAt: until })).toBe(true);
  });

  it('scopes claims to the owner, also when an owner contains the separator', async () => {
    const uploadId = randomUUID();
    expect(await claims.claim('alice', `x#${uploadId}`, { taskId: 't1', expiresAt: until })).toBe(true);
    expect(await claims.claim('alice#x', uploadId, { taskId: 't2', expiresAt: until })).toBe(true);
  });
});
