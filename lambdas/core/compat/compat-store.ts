import type { CompatJobKey } from './protocol';

/** The lookup record that ties the app's (client_id, type, SHA256) to one ordinary task. */
export interface CompatRecord extends CompatJobKey {
  taskId: string;
  createdAt: string;
  /** Epoch seconds; 24 h after the last `/process` hit. */
  expiresAt: number;
}

export type CompatClaim = { created: true } | { created: false; existing: CompatRecord };

/** Port of the compat lookup records (DynamoDB on AWS and locally; in memory in tests). */
export interface CompatStore {
  get(key: CompatJobKey): Promise<CompatRecord | undefined>;
  /**
   * Conditional create: of two racing first POSTs exactly one gets `created`, the other the winner's record.
   * A record that expired by `nowSeconds` (TTL deletes lazily) is replaced, never revived.
   */
  create(record: CompatRecord, nowSeconds: number): Promise<CompatClaim>;
  /**
   * Extends the life of a job: its lookup record and its task item (only ever later, whatever the task's
   * status; a task store transition cannot do that for a terminal task). Missing items stay missing.
   */
  touch(record: CompatRecord, expiresAt: number): Promise<void>;
  delete(key: CompatJobKey): Promise<void>;
  /** Every record of one client (bounded by the store; a screen makes a handful of jobs). */
  listByClient(clientId: string): Promise<CompatRecord[]>;
  /**
   * Takes one of a client key's decryption slots before its content is decrypted, atomically across
   * instances: `false` when `maxFailures` slots are already held (failed, or being tried right now).
   * The counter lives at least until `expiresAt` (epoch seconds; each reservation moves it on).
   */
  reserveDecryption(
    keyFingerprint: string,
    options: { maxFailures: number; expiresAt: number },
  ): Promise<boolean>;
  /** Gives a slot back: the content decrypted, so that attempt was no failure. */
  releaseDecryption(keyFingerprint: string): Promise<void>;
}

/** Where the RSA private key PEM comes from (Secrets Manager on AWS, a file locally). */
export interface PrivateKeySource {
  loadPem(): Promise<string>;
}
