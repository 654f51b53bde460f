import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock, IdempotencyOutcome, IdempotencyStore } from '../core/ports';
import { isConditionFailure, rethrowAwsError } from './aws-errors';
import { releaseClaim } from './dynamodb-claims';
import { TABLE_KEYS } from './table-keys';

const systemClock: Clock = { now: () => new Date() };
/** A record can vanish (released or expired) between the refused put and the read; try again a few times. */
const MAX_CLAIM_ROUNDS = 3;

/**
 * Idempotency records `IDEM#<owner>#<key>` on the single table. The owner is URI-encoded so an owner
 * containing `#` cannot collide with another owner's key.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async claim(
    owner: string,
    key: string,
    record: { taskId: string; requestHash: string; ttlSeconds: number; claimedAt: string },
  ): Promise<IdempotencyOutcome> {
    const itemKey = idempotencyKey(owner, key);
    try {
      for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
        const now = epochSeconds(this.clock);
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...itemKey,
                taskId: record.taskId,
                requestHash: record.requestHash,
                claimedAt: record.claimedAt,
                [TABLE_KEYS.ttlAttribute]: now + record.ttlSeconds,
              },
              // An expired record that TTL has not deleted yet counts as absent.
              ConditionExpression: 'attribute_not_exists(#pk) OR #expiresAt <= :now',
              ExpressionAttributeNames: {
                '#pk': TABLE_KEYS.partitionKey,
                '#expiresAt': TABLE_KEYS.ttlAttribute,
              },
              ExpressionAttributeValues: { ':now': now },
            }),
          );
          return { status: 'new' };
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
        const { Item } = await this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: itemKey, ConsistentRead: true }),
        );
        if (Item && Number(Item[TABLE_KEYS.ttlAttribute]) > epochSeconds(this.clock)) {
          return {
            status: 'existing',
            taskId: String(Item.taskId),
            requestHash: String(Item.requestHash),
            ...(typeof Item.claimedAt === 'string' && { claimedAt: Item.claimedAt }),
          };
        }
      }
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
    throw new Error(`idempotency key ${key} kept changing while it was claimed`);
  }

  release(owner: string, key: string, taskId: string): Promise<void> {
    return releaseClaim(this.doc, this.tableName, idempotencyKey(owner, key), taskId);
  }
}

function idempotencyKey(owner: string, key: string) {
  return {
    [TABLE_KEYS.partitionKey]: `IDEM#${encodeURIComponent(owner)}#${key}`,
    [TABLE_KEYS.sortKey]: 'IDEM',
  };
}

function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}
