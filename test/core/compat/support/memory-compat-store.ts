import type { CompatClaim, CompatRecord, CompatStore } from '../../../../lambdas/core/compat/compat-store';
import type { CompatJobKey } from '../../../../lambdas/core/compat/protocol';
import type { MemoryTaskStore } from '../../../support/memory-ports';

const idOf = (key: CompatJobKey) => JSON.stringify([key.clientId, key.type, key.sha256]);

/** In-memory CompatStore with the adapter's contract: conditional create, touch never resurrects. */
export class MemoryCompatStore implements CompatStore {
  readonly records = new Map<string, CompatRecord>();

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
    existing.expiresAt = expiresAt;
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
}
