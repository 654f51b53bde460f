import type { CompatClaim, CompatRecord, CompatStore } from '../../../../lambdas/core/compat/compat-store';
import type { CompatJobKey } from '../../../../lambdas/core/compat/protocol';
import type { MemoryTaskStore } from '../../../support/memory-ports';

const idOf = (key: CompatJobKey) => JSON.stringify([key.clientId, key.type, key.sha256]);

/** In-memory CompatStore with the adapter's contract: conditional create, touch never resurrects. */
export class MemoryCompatStore implements CompatStore {
  readonly records = new Map<string, CompatRecord>();
  /** Decryption slots held per key fingerprint (failed or in flight), and until when they are kept. */
  readonly keyFailures = new Map<string, { failures: number; expiresAt: number }>();

  /** `tasks` is the task store whose items `touch` refreshes, as the DynamoDB adapter does on the table. */
  constructor(private readonly tasks?: MemoryTaskStore) {}

  async get(key: CompatJobKey): Promise<CompatRecord | undefined> {
    const record = this.records.get(idOf(key));
    return record && { ...record };
  }

  async create(record: CompatRecord, nowSeconds: number): Promise<CompatClaim> {
    const existing = this.records.get(idOf(record));
    if (existing && existing.expiresAt > nowSeconds) return { created: false, existing: { ...existing } };
    this.records.set(idOf(record), { ...record });
    return { created: true };
  }

  async touch(record: CompatRecord, expiresAt: number): Promise<void> {
    const existing = this.records.get(idOf(record));
    if (!existing) return;
    // Only ever later, like the adapter's conditional update.
    if (existing.expiresAt < expiresAt) existing.expiresAt = expiresAt;
    const task = this.tasks?.tasks.get(record.taskId);
    if (task && task.expiresAt < expiresAt) task.expiresAt = expiresAt;
  }

  async delete(key: CompatJobKey): Promise<void> {
    this.records.delete(idOf(key));
  }

  async listByClient(clientId: string): Promise<CompatRecord[]> {
    return [...this.records.values()]
      .filter((record) => record.clientId === clientId)
      .map((record) => ({ ...record }));
  }

  async reserveDecryption(
    keyFingerprint: string,
    options: { maxFailures: number; expiresAt: number },
  ): Promise<boolean> {
    const held = this.keyFailures.get(keyFingerprint) ?? { failures: 0, expiresAt: 0 };
    if (held.failures >= options.maxFailures) return false;
    this.keyFailures.set(keyFingerprint, { failures: held.failures + 1, expiresAt: options.expiresAt });
    return true;
  }

  async releaseDecryption(keyFingerprint: string): Promise<void> {
    const held = this.keyFailures.get(keyFingerprint);
    if (held && held.failures > 0) held.failures -= 1;
  }
}
