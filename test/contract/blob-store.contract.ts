import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobStore, UploadSigner } from '../../lambdas/core/ports';

/**
 * The BlobStore contract (ports.ts), with the UploadSigner that signs uploads into that store, run against
 * the memory twin and the S3 adapters on s3rver.
 */
export function blobStoreContract(name: string, store: () => BlobStore, signer: () => UploadSigner): void {
  describe(`BlobStore contract: ${name}`, () => {
    const key = () => `inputs/contract/${randomUUID()}/0`;

    it('gives back the bytes and text put, their size and content type, and a prefix of them', async () => {
      const bytes = key();
      const text = key();
      const body = Uint8Array.from({ length: 300 }, (_, n) => n % 256);
      await store().put(bytes, body, 'image/png');
      await store().put(text, '{"é":1}', 'application/json');
      expect(await store().get(bytes)).toEqual(body);
      expect(Buffer.from((await store().get(text)) ?? []).toString('utf8')).toBe('{"é":1}');
      expect(await store().head(bytes)).toMatchObject({ size: 300, contentType: 'image/png' });
      expect(await store().head(text)).toMatchObject({ size: Buffer.byteLength('{"é":1}') });
      expect(await store().getPrefix(bytes, 8)).toEqual(body.slice(0, 8));
      expect(await store().getPrefix(text, 100)).toEqual(new Uint8Array(Buffer.from('{"é":1}')));
    });

    it('answers undefined for a missing key, and deletes keys whether they exist or not', async () => {
      const missing = key();
      expect(await store().get(missing)).toBeUndefined();
      expect(await store().getPrefix(missing, 4)).toBeUndefined();
      expect(await store().head(missing)).toBeUndefined();
      const kept = key();
      const gone = key();
      await store().put(kept, 'a', 'text/plain');
      await store().put(gone, 'b', 'text/plain');
      await store().delete([gone, missing]);
      await store().delete([]);
      expect(await store().get(gone)).toBeUndefined();
      expect(await store().head(kept)).toMatchObject({ size: 1 });
    });

    it('presigns a POST for one key and content type, expiring when asked', async () => {
      const upload = `uploads/contract/${randomUUID()}`;
      const before = Date.now();
      const post = await signer().presignPost(upload, {
        contentType: 'image/jpeg',
        minBytes: 1,
        maxBytes: 1024,
        expiresInSeconds: 900,
      });
      expect(post.url).toMatch(/^https?:\/\//);
      expect(post.fields).toMatchObject({ key: upload, 'Content-Type': 'image/jpeg' });
      const expires = Date.parse(post.expiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 899_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 901_000);
    });
  });
}
