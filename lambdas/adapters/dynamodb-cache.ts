import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Cache, Clock } from '../core/ports';
import { rethrowAwsError } from './aws-errors';
import { TABLE_KEYS } from './table-keys';

const systemClock: Clock = { now: () => new Date() };

/** Cache entries `CACHE#<key>` on the single table, expired by DynamoDB TTL on `expiresAt`. */
export class DynamoDbCache implements Cache {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: cacheKey(key) }));
      // TTL deletes up to days late: an expired entry still in the table is a miss.
      if (!Item || typeof Item.expiresAt !== 'number' || Item.expiresAt <= epochSeconds(this.clock)) {
        return undefined;
      }
      return Item.value as T;
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async put(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...cacheKey(key),
            // A JSON copy drops undefined members, which the document client would refuse.
            value: JSON.parse(JSON.stringify(value ?? null)),
            [TABLE_KEYS.ttlAttribute]: epochSeconds(this.clock) + ttlSeconds,
          },
        }),
      );
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }
}

function cacheKey(key: string) {
  return { [TABLE_KEYS.partitionKey]: `CACHE#${key}`, [TABLE_KEYS.sortKey]: 'CACHE' };
}

function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}
