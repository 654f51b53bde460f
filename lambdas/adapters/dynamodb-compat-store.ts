import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CompatClaim, CompatRecord, CompatStore } from '../core/compat/compat-store';
import { type CompatJobKey, isCompatType } from '../core/compat/protocol';
import { isConditionFailure, rethrowAwsError } from './aws-errors';
import { TABLE_KEYS } from './table-keys';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL, byOwner } = TABLE_KEYS;
const RECORD_SORT_KEY = 'COMPAT';
/** Bounds the pages one /clear reads (a page is up to 1 MB; a screen makes a handful of jobs). */
const MAX_CLIENT_PAGES = 10;

// Encoded so a '#' inside client_id or SHA256 cannot make two different jobs share a key.
const part = (value: string) => encodeURIComponent(value);
const recordKey = (key: CompatJobKey) => ({
  [PK]: `COMPAT#${part(key.clientId)}#${key.type}#${part(key.sha256)}`,
  [SK]: RECORD_SORT_KEY,
});
/** A client's records share a partition of the owner index under their own prefix (never `OWNER#`). */
const clientPartition = (clientId: string) => `COMPATCLIENT#${part(clientId)}`;
// The task item's key as docs/architecture.md fixes it; touch refreshes its expiry beside the record's.
const taskKey = (taskId: string) => ({ [PK]: `TASK#${taskId}`, [SK]: 'TASK' });
/** A client key's decryption failures, named by its fingerprint (never the key itself). */
const KEY_SORT_KEY = 'AESKEY';
const keyFailuresKey = (fingerprint: string) => ({ [PK]: `AESKEY#${fingerprint}`, [SK]: KEY_SORT_KEY });
const FAILURES = 'decryptionFailures';

/** CompatStore on the single table: `COMPAT#<client_id>#<type>#<SHA256>` / `COMPAT`, created conditionally. */
export class DynamoDbCompatStore implements CompatStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(key: CompatJobKey): Promise<CompatRecord | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: recordKey(key), ConsistentRead: true }),
      );
      return Item ? toRecord(Item) : undefined;
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async create(record: CompatRecord, nowSeconds: number): Promise<CompatClaim> {
    // Two rounds: the second runs only if the winner's record vanished (a /clear) between put and read.
    for (let round = 0; round < 2; round++) {
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...recordKey(record),
              [byOwner.partitionKey]: clientPartition(record.clientId),
              [byOwner.sortKey]: `${record.createdAt}#${record.type}#${part(record.sha256)}`,
              clientId: record.clientId,
              type: record.type,
              sha256: record.sha256,
              taskId: record.taskId,
              createdAt: record.createdAt,
              [TTL]: record.expiresAt,
            },
            ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now',
            ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        );
        return { created: true };
      } catch (error) {
        if (!isConditionFailure(error)) rethrowAwsError('DynamoDB', error);
      }
      const existing = await this.get(record);
      if (existing) return { created: false, existing };
    }
    throw new Error('the compat record keeps changing under a concurrent request');
  }

  async touch(record: CompatRecord, expiresAt: number): Promise<void> {
    await Promise.all([
      this.extend(recordKey(record), expiresAt),
      this.extend(taskKey(record.taskId), expiresAt),
    ]);
  }

  /** Moves an item's expiry later only; a deleted item is not recreated. */
  private async extend(key: Record<string, string>, expiresAt: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #ttl = :ttl',
          ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#ttl) OR #ttl < :ttl)',
          ExpressionAttributeNames: { '#pk': PK, '#ttl': TTL },
          ExpressionAttributeValues: { ':ttl': expiresAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) rethrowAwsError('DynamoDB', error);
    }
  }

  async delete(key: CompatJobKey): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: recordKey(key) }));
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async listByClient(clientId: string): Promise<CompatRecord[]> {
    const records: CompatRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      for (let page = 0; page < MAX_CLIENT_PAGES; page++) {
        const { Items = [], LastEvaluatedKey } = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: byOwner.indexName,
            KeyConditionExpression: '#client = :client',
            ExpressionAttributeNames: { '#client': byOwner.partitionKey },
            ExpressionAttributeValues: { ':client': clientPartition(clientId) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of Items) {
          const record = toRecord(item);
          if (record) records.push(record);
        }
        if (!LastEvaluatedKey) break;
        startKey = LastEvaluatedKey;
      }
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
    return records;
  }

  async reserveDecryption(
    keyFingerprint: string,
    options: { maxFailures: number; expiresAt: number },
  ): Promise<boolean> {
    try {
      // One conditional ADD: concurrent requests on any instance can never hold more than maxFailures slots.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyFailuresKey(keyFingerprint),
          UpdateExpression: 'ADD #failures :one SET #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#failures) OR #failures < :max',
          ExpressionAttributeNames: { '#failures': FAILURES, '#ttl': TTL },
          ExpressionAttributeValues: { ':one': 1, ':max': options.maxFailures, ':ttl': options.expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      rethrowAwsError('DynamoDB', error);
    }
  }

  async releaseDecryption(keyFingerprint: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyFailuresKey(keyFingerprint),
          UpdateExpression: 'ADD #failures :minusOne',
          ConditionExpression: '#failures > :zero',
          ExpressionAttributeNames: { '#failures': FAILURES },
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) rethrowAwsError('DynamoDB', error);
    }
  }
}

function toRecord(item: Record<string, unknown>): CompatRecord | undefined {
  const { clientId, type, sha256, taskId, createdAt } = item;
  const expiresAt = item[TTL];
  if (
    typeof clientId !== 'string' ||
    !isCompatType(type) ||
    typeof sha256 !== 'string' ||
    typeof taskId !== 'string' ||
    typeof createdAt !== 'string' ||
    typeof expiresAt !== 'number'
  ) {
    return undefined;
  }
  return { clientId, type, sha256, taskId, createdAt, expiresAt };
}
