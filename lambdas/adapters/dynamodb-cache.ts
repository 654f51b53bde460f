import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { DependencyThrottledError } from '../core/errors';
import type { Cache, Clock } from '../core/ports';
import { rethrowAwsError } from './aws-errors';
import { TABLE_KEYS } from './table-keys';

const systemClock: Clock = { now: () => new Date() };

/**
 * Values are stored as JSON text: the document client builds maps by assignment, which loses a
 * `__proto__` key a cached result may hold. Entries written before hold a map in `value`.
 */
const VALUE_JSON = 'valueJson';

/** BatchWriteItem takes at most 25 requests. */
const BATCH_SIZE = 25;

export interface CacheDeleteTuning {
  /** Calls per batch in all while DynamoDB leaves items unprocessed (throttling), the first included. */
  maxAttempts?: number;
  /** Backoff ceiling before the first retry; doubles with every retry (full jitter). */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

type WriteRequests = NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string];

/** Cache entries `CACHE#<key>` on the single table, expired by DynamoDB TTL on `expiresAt`. */
export class DynamoDbCache implements Cache {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
    private readonly deleteTuning: CacheDeleteTuning = {},
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: cacheKey(key) }));
      // TTL deletes up to days late: an expired entry still in the table is a miss.
      if (!Item || typeof Item.expiresAt !== 'number' || Item.expiresAt <= epochSeconds(this.clock)) {
        return undefined;
      }
      return (typeof Item[VALUE_JSON] === 'string' ? JSON.parse(Item[VALUE_JSON]) : Item.value) as T;
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
            [VALUE_JSON]: JSON.stringify(value ?? null),
            [TABLE_KEYS.ttlAttribute]: epochSeconds(this.clock) + ttlSeconds,
          },
        }),
      );
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  /**
   * BatchWriteItem in batches of 25 (a key given twice would make DynamoDB refuse the batch, so keys are
   * deduplicated). Items DynamoDB leaves unprocessed are retried with backoff; any still left after the
   * last attempt → DependencyThrottledError, so the caller fails and can try again.
   */
  async delete(keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)];
    for (let start = 0; start < unique.length; start += BATCH_SIZE) {
      await this.deleteBatch(
        unique.slice(start, start + BATCH_SIZE).map((key) => ({ DeleteRequest: { Key: cacheKey(key) } })),
      );
    }
  }

  private async deleteBatch(requests: WriteRequests): Promise<void> {
    const { maxAttempts = 4, baseDelayMs = 50, sleep = defaultSleep } = this.deleteTuning;
    let pending = requests;
    for (let attempt = 1; ; attempt++) {
      let unprocessed: WriteRequests | undefined;
      try {
        const { UnprocessedItems } = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        unprocessed = UnprocessedItems?.[this.tableName];
      } catch (error) {
        rethrowAwsError('DynamoDB', error);
      }
      if (!unprocessed || unprocessed.length === 0) return;
      if (attempt >= maxAttempts) throw new DependencyThrottledError('DynamoDB');
      pending = unprocessed;
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function cacheKey(key: string) {
  return { [TABLE_KEYS.partitionKey]: `CACHE#${key}`, [TABLE_KEYS.sortKey]: 'CACHE' };
}

function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}
