import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../lambdas/adapters/s3-blob-store';
import { S3UploadSigner } from '../../lambdas/adapters/s3-upload-signer';
import { startEmulators } from '../../local/emulators';
import { applyEnv, createS3Client, useEmulators } from '../support/emulators';

const emulators = useEmulators();
let blobs: S3BlobStore;
let signer: S3UploadSigner;

beforeAll(() => {
  blobs = new S3BlobStore(emulators.s3(), emulators.env.DOCUSNAP_BUCKET);
  signer = new S3UploadSigner(emulators.s3(), emulators.env.DOCUSNAP_BUCKET);
});

const PNG_BYTES = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8]);
const newKey = (name = '0') => `inputs/user%40example.com/${randomUUID()}/${name}`;

describe('S3BlobStore', () => {
  it('reads back the bytes and type that were put', async () => {
    const key = newKey();
    await blobs.put(key, PNG_BYTES, 'image/png');
    expect(await blobs.get(key)).toEqual(PNG_BYTES);
    expect(await blobs.head(key)).toEqual({ size: PNG_BYTES.length, contentType: 'image/png' });
  });

  it('stores a string as its UTF-8 bytes', async () => {
    const key = newKey('request.json');
    const json = JSON.stringify({ library: { docs: [{ id: 'd1', name: 'Reçu' }] } });
    await blobs.put(key, json, 'application/json');
    expect(new TextDecoder().decode(await blobs.get(key))).toBe(json);
  });

  it('reads only the requested prefix', async () => {
    const key = newKey();
    await blobs.put(key, PNG_BYTES, 'image/png');
    expect(await blobs.getPrefix(key, 8)).toEqual(PNG_BYTES.subarray(0, 8));
    expect(await blobs.getPrefix(key, 1000)).toEqual(PNG_BYTES);
  });

  it('copies an object, owner prefixes with escaped characters included, and the copy stays as it was', async () => {
    const from = `uploads/user%40example.com/${randomUUID()}`;
    const to = newKey();
    await blobs.put(from, PNG_BYTES, 'image/png');
    expect(await blobs.copy(from, to)).toBe(true);
    await blobs.put(from, 'replaced', 'text/plain');
    expect(await blobs.get(to)).toEqual(PNG_BYTES);
    expect(await blobs.head(to)).toEqual({ size: PNG_BYTES.length, contentType: 'image/png' });
    expect(await blobs.copy(`uploads/nobody/${randomUUID()}`, newKey())).toBe(false);
  });

  it('answers undefined, not an error, for a missing object', async () => {
    const key = newKey();
    expect(await blobs.get(key)).toBeUndefined();
    expect(await blobs.getPrefix(key, 8)).toBeUndefined();
    expect(await blobs.head(key)).toBeUndefined();
  });

  it('deletes the given keys and ignores missing ones', async () => {
    const [kept, gone, alsoGone] = [newKey('kept'), newKey('gone'), newKey('also-gone')];
    for (const key of [kept, gone, alsoGone]) await blobs.put(key, 'x', 'text/plain');
    await blobs.delete([gone, newKey('never-existed'), alsoGone]);
    expect(await blobs.head(gone)).toBeUndefined();
    expect(await blobs.head(alsoGone)).toBeUndefined();
    expect(await blobs.get(kept)).toEqual(new TextEncoder().encode('x'));
  });

  it('deletes keys beyond the first thousand of one call', async () => {
    const keys = Array.from({ length: 1500 }, (_, index) => newKey(String(index)));
    const [first, last] = [keys[0] as string, keys[1499] as string];
    await blobs.put(first, 'first', 'text/plain');
    await blobs.put(last, 'last', 'text/plain');
    await blobs.delete(keys);
    expect(await blobs.head(first)).toBeUndefined();
    expect(await blobs.head(last)).toBeUndefined();
  });

  it('does nothing for an empty list of keys', async () => {
    await expect(blobs.delete([])).resolves.toBeUndefined();
  });

  it('presigns a POST that a multipart form upload can use, bound to the key and type', async () => {
    const key = `uploads/alice/${randomUUID()}`;
    const before = Date.now();
    const post = await signer.presignPost(key, {
      contentType: 'image/png',
      minBytes: 1,
      maxBytes: 10 * 1024 * 1024,
      expiresInSeconds: 300,
    });
    expect(post.fields).toMatchObject({ key, 'Content-Type': 'image/png' });
    const expiresAt = Date.parse(post.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 300_000);
    const policy = JSON.parse(Buffer.from(post.fields.Policy ?? '', 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', 1, 10 * 1024 * 1024],
        ['eq', '$Content-Type', 'image/png'],
        { key },
      ]),
    );

    // What the app does: every field, then the file last.
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append('file', new Blob([PNG_BYTES], { type: 'image/png' }), 'photo.png');
    const response = await fetch(post.url, { method: 'POST', body: form });
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);

    expect(await blobs.get(key)).toEqual(PNG_BYTES);
    expect(await blobs.head(key)).toEqual({ size: PNG_BYTES.length, contentType: 'image/png' });
  });
});

describe('emulators with a data directory', () => {
  it('keep an object across a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'docusnap-restart-'));
    const key = newKey();
    try {
      for (const round of ['write', 'read'] as const) {
        const emulators = await startEmulators({ dataDir });
        const restoreEnv = applyEnv(emulators.env);
        const s3 = createS3Client();
        try {
          const restarted = new S3BlobStore(s3, emulators.env.DOCUSNAP_BUCKET);
          if (round === 'write') await restarted.put(key, PNG_BYTES, 'image/png');
          else expect(await restarted.get(key)).toEqual(PNG_BYTES);
        } finally {
          s3.destroy();
          restoreEnv();
          await emulators.stop();
        }
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
