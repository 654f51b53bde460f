import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { WebhookStore } from '../core/ports';
import type { DeliveryRecord, Webhook, WebhookEventType } from '../core/webhooks/webhook';
import { isConditionFailure, rethrowAwsError } from './aws-errors';
import { TABLE_KEYS } from './table-keys';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_KEYS;

// One partition per owner holds its webhooks, their count and their delivery records (docs/architecture.md).
// The owner is URI-encoded so an owner containing `#` cannot reach another owner's partition.
const partition = (owner: string) => `WEBHOOKS#${encodeURIComponent(owner)}`;
const WEBHOOK_PREFIX = 'WEBHOOK#';
const COUNT_KEY = 'COUNT';
const deliveryPrefix = (webhookId: string) => `DELIVERY#${webhookId}#`;

/** WebhookStore on the single table; the per-owner limit is a conditional counter beside the webhooks. */
export class DynamoDbWebhookStore implements WebhookStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Delivery records expire after this many days (the tasks' retention). */
    private readonly retentionDays: number,
  ) {}

  async create(webhook: Webhook, limit: number): Promise<'created' | 'limit'> {
    const countKey = { [PK]: partition(webhook.owner), [SK]: COUNT_KEY };
    try {
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: countKey,
            UpdateExpression: 'ADD #n :one',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
            ExpressionAttributeNames: { '#n': 'webhooks' },
            ExpressionAttributeValues: { ':one': 1, ':limit': limit },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) return 'limit';
        throw error;
      }
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              [PK]: partition(webhook.owner),
              [SK]: `${WEBHOOK_PREFIX}${webhook.webhookId}`,
              ...webhook,
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        );
      } catch (error) {
        await this.decrement(webhook.owner).catch(() => {});
        throw error;
      }
      return 'created';
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async listByOwner(owner: string): Promise<Webhook[]> {
    try {
      const { Items = [] } = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': partition(owner), ':prefix': WEBHOOK_PREFIX },
          ConsistentRead: true,
        }),
      );
      return Items.map(toWebhook).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async get(owner: string, webhookId: string): Promise<Webhook | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [PK]: partition(owner), [SK]: `${WEBHOOK_PREFIX}${webhookId}` },
          ConsistentRead: true,
        }),
      );
      return Item ? toWebhook(Item) : undefined;
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async delete(owner: string, webhookId: string): Promise<boolean> {
    try {
      try {
        await this.doc.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { [PK]: partition(owner), [SK]: `${WEBHOOK_PREFIX}${webhookId}` },
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
      await this.decrement(owner);
      return true;
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async recordDelivery(record: DeliveryRecord): Promise<void> {
    const expiresAt = Math.floor(Date.parse(record.recordedAt) / 1000) + this.retentionDays * 86_400;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: partition(record.owner),
            [SK]: `${deliveryPrefix(record.webhookId)}${record.recordedAt}#${record.deliveryId}`,
            ...record,
            [TTL]: expiresAt,
          },
        }),
      );
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async listDeliveries(owner: string, webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    try {
      const { Items = [] } = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': partition(owner), ':prefix': deliveryPrefix(webhookId) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return Items.map(toDeliveryRecord);
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  private async decrement(owner: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [PK]: partition(owner), [SK]: COUNT_KEY },
        UpdateExpression: 'ADD #n :minusOne',
        ConditionExpression: '#n > :zero',
        ExpressionAttributeNames: { '#n': 'webhooks' },
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      }),
    );
  }
}

function toWebhook(item: Record<string, unknown>): Webhook {
  return {
    webhookId: String(item.webhookId),
    owner: String(item.owner),
    url: String(item.url),
    events: (item.events as WebhookEventType[]) ?? [],
    wrappedSecret: String(item.wrappedSecret),
    createdAt: String(item.createdAt),
  };
}

function toDeliveryRecord(item: Record<string, unknown>): DeliveryRecord {
  return {
    deliveryId: String(item.deliveryId),
    owner: String(item.owner),
    webhookId: String(item.webhookId),
    taskId: String(item.taskId),
    type: item.type as DeliveryRecord['type'],
    outcome: item.outcome as DeliveryRecord['outcome'],
    attempts: Number(item.attempts),
    lastResult: String(item.lastResult),
    recordedAt: String(item.recordedAt),
  };
}
