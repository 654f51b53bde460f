import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalKeyWrapper } from '../../lambdas/adapters/local-key-wrapper';

describe('LocalKeyWrapper', () => {
  it('round-trips a client key and never stores it in the clear', async () => {
    const wrapper = new LocalKeyWrapper(randomBytes(32));
    const clientKey = randomBytes(32);
    const wrapped = await wrapper.wrap(clientKey);
    expect(wrapped).not.toContain(clientKey.toString('base64'));
    expect(Buffer.from(wrapped.slice(3), 'base64').includes(clientKey)).toBe(false);
    expect(Buffer.from(await wrapper.unwrap(wrapped)).equals(clientKey)).toBe(true);
  });

  it('wraps the same key differently each time', async () => {
    const wrapper = new LocalKeyWrapper(randomBytes(32));
    const clientKey = randomBytes(32);
    expect(await wrapper.wrap(clientKey)).not.toBe(await wrapper.wrap(clientKey));
  });

  it('refuses a tampered wrapped key and one wrapped under another master key', async () => {
    const wrapper = new LocalKeyWrapper(randomBytes(32));
    const wrapped = await wrapper.wrap(randomBytes(32));
    const bytes = Buffer.from(wrapped.slice(3), 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    await expect(wrapper.unwrap(`v1:${bytes.toString('base64')}`)).rejects.toThrow();
    await expect(new LocalKeyWrapper(randomBytes(32)).unwrap(wrapped)).rejects.toThrow();
    await expect(wrapper.unwrap('v2:abc')).rejects.toThrow();
  });

  it('reads its master key from a file and insists on 32 bytes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'docusnap-master-'));
    try {
      const file = path.join(dir, 'master.key');
      const master = randomBytes(32);
      await writeFile(file, master);
      const fromFile = await LocalKeyWrapper.fromFile(file);
      const wrapped = await new LocalKeyWrapper(master).wrap(Buffer.from('k'.repeat(32)));
      expect(Buffer.from(await fromFile.unwrap(wrapped)).toString()).toBe('k'.repeat(32));
      expect(() => new LocalKeyWrapper(randomBytes(16))).toThrow('32');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LocalKeyWrapper purposes', () => {
  it('never unwraps a key wrapped for another purpose', async () => {
    const master = new Uint8Array(32).fill(7);
    const secrets = new LocalKeyWrapper(master, 'docusnap-webhook-secret');
    const compat = new LocalKeyWrapper(master);
    const wrapped = await secrets.wrap(new Uint8Array(32).fill(1));
    expect(await secrets.unwrap(wrapped)).toEqual(new Uint8Array(32).fill(1));
    await expect(compat.unwrap(wrapped)).rejects.toThrow();
  });
});
