import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TaskConflictError, ValidationError } from '../core/errors';
import type { TaskPage, TaskPatch, TaskStore, TransitionCondition } from '../core/ports';
import { allowedSources, isTerminal, type Task, type TaskStatus } from '../core/task';
import { isConditionFailure, rethrowAwsError } from './aws-errors';
import { TABLE_KEYS } from './table-keys';

const { partitionKey: PK, sortKey: SK, byOwner, byStatus } = TABLE_KEYS;
const TASK_SORT_KEY = 'TASK';
const KEY_ATTRIBUTES = [
  PK,
  SK,
  byOwner.partitionKey,
  byOwner.sortKey,
  byStatus.partitionKey,
  byStatus.sortKey,
];
const CURSOR_ATTRIBUTES = [PK, SK, byOwner.partitionKey, byOwner.sortKey];
const PATCH_FIELDS = [
  'status',
  'updatedAt',
  'completedAt',
  'leaseUntil',
  'result',
  'resultKey',
  'evidence',
  'evidenceKey',
  'error',
  'usage',
  'expiresAt',
] as const satisfies readonly (keyof TaskPatch)[];
/**
 * The result is stored as JSON text: the document client builds maps by assignment, which loses a
 * `__proto__` key, and a kv key or form field may be called that. Items written before hold a map in `result`.
 */
const RESULT_JSON = 'resultJson';
/** Appends to the task's cache keys (a list; duplicates are dropped when read). */
const APPEND_CACHE_KEYS = '#cacheKeys = list_append(if_not_exists(#cacheKeys, :noKeys), :addCacheKeys)';
/** Bounds the pages read for one listStale call (each page is at most 1 MB). */
const MAX_STALE_PAGES = 10;

type Item = Record<string, unknown>;

const taskKey = (taskId: string) => ({ [PK]: `TASK#${taskId}`, [SK]: TASK_SORT_KEY });
const ownerPartition = (owner: string) => `OWNER#${owner}`;
const statusPartition = (status: TaskStatus) => `STATUS#${status}`;
const statusSortKey = (updatedAt: string, taskId: string) => `${updatedAt}#${taskId}`;

/**
 * TaskStore on the single table (docs/architecture.md): every status change is a conditional update, the
 * owner index lists a user's tasks newest first, and the sparse status index holds only non-terminal tasks
 * for the sweeper.
 */
export class DynamoDbTaskStore implements TaskStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(task: Task): Promise<void> {
    const { result, ...rest } = task;
    const item: Item = {
      ...jsonValue(rest),
      ...(result !== undefined && { [RESULT_JSON]: JSON.stringify(result) }),
      ...taskKey(task.taskId),
      [byOwner.partitionKey]: ownerPartition(task.owner),
      [byOwner.sortKey]: `${task.createdAt}#${task.taskId}`,
    };
    if (!isTerminal(task.status)) {
      item[byStatus.partitionKey] = statusPartition(task.status);
      item[byStatus.sortKey] = statusSortKey(task.updatedAt, task.taskId);
    }
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) rethrowAwsError('DynamoDB', error);
      // The SDK retries a put whose answer was lost (a timeout): finding our own task there is success.
      if (await this.holds(task)) return;
      throw new TaskConflictError(task.taskId, `task ${task.taskId} already exists`);
    }
  }

  /** True when the stored task is this very task as created (same owner and creation instant). */
  private async holds(task: Task): Promise<boolean> {
    const stored = await this.get(task.taskId);
    return stored?.owner === task.owner && stored.createdAt === task.createdAt;
  }

  async get(taskId: string): Promise<Task | undefined> {
    try {
      // Strongly consistent: a worker must see the status the previous writer left.
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: taskKey(taskId), ConsistentRead: true }),
      );
      return Item ? toTask(Item) : undefined;
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async listByOwner(owner: string, options: { limit: number; cursor?: string }): Promise<TaskPage> {
    const startKey = options.cursor === undefined ? undefined : decodeCursor(options.cursor, owner);
    try {
      // One item more than asked tells whether another page exists, so the last page carries no cursor.
      const { Items = [], LastEvaluatedKey } = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: byOwner.indexName,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': byOwner.partitionKey },
          ExpressionAttributeValues: { ':owner': ownerPartition(owner) },
          ScanIndexForward: false,
          Limit: options.limit + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      const page = Items.slice(0, options.limit);
      const cursorAfter = page.map((item) => encodeCursor(cursorKeyOf(item)));
      // The extra item, or a key DynamoDB stopped at (1 MB read), says that more may follow.
      const more = Items.length > options.limit || LastEvaluatedKey !== undefined;
      return {
        items: page.map(toTask),
        nextCursor: more ? cursorAfter.at(-1) : undefined,
        cursorAfter,
      };
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async transition(taskId: string, condition: TransitionCondition, patch: TaskPatch): Promise<Task> {
    // The state machine is enforced here too: a caller can never move a task backwards from a terminal status.
    const allowed = new Set(allowedSources(patch.status));
    const from = condition.from.filter((status) => allowed.has(status));
    if (from.length === 0) {
      throw new TaskConflictError(
        taskId,
        `no status in [${condition.from.join(', ')}] may move to ${patch.status}`,
      );
    }
    const names: Record<string, string> = { '#pk': PK, '#status': 'status' };
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    for (const field of PATCH_FIELDS) {
      if (patch[field] === undefined) continue;
      names[`#${field}`] = field === 'result' ? RESULT_JSON : field;
      values[`:${field}`] = field === 'result' ? JSON.stringify(patch.result) : jsonValue(patch[field]);
      sets.push(`#${field} = :${field}`);
    }
    if (patch.addCacheKeys !== undefined && patch.addCacheKeys.length > 0) {
      names['#cacheKeys'] = 'cacheKeys';
      values[':addCacheKeys'] = [...patch.addCacheKeys];
      values[':noKeys'] = [];
      sets.push(APPEND_CACHE_KEYS);
    }
    names['#gsi2pk'] = byStatus.partitionKey;
    names['#gsi2sk'] = byStatus.sortKey;
    let removes = '';
    if (isTerminal(patch.status)) {
      removes = ' REMOVE #gsi2pk, #gsi2sk';
    } else {
      values[':gsi2pk'] = statusPartition(patch.status);
      values[':gsi2sk'] = statusSortKey(patch.updatedAt, taskId);
      sets.push('#gsi2pk = :gsi2pk', '#gsi2sk = :gsi2sk');
    }
    from.forEach((status, index) => {
      values[`:from${index}`] = status;
    });
    let conditionExpression = `attribute_exists(#pk) AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})`;
    if (condition.attempts !== undefined) {
      names['#attempts'] = 'attempts';
      values[':expectedAttempts'] = condition.attempts;
      conditionExpression += ' AND #attempts = :expectedAttempts';
    }
    return this.update(taskId, {
      UpdateExpression: `SET ${sets.join(', ')}${removes}`,
      ConditionExpression: conditionExpression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }

  claim(taskId: string, options: { now: string; leaseUntil: string; claimId: string }): Promise<Task> {
    return this.update(taskId, {
      UpdateExpression:
        'SET #status = :processing, #updatedAt = :now, #leaseUntil = :leaseUntil, #claimId = :claimId, #gsi2pk = :gsi2pk, #gsi2sk = :gsi2sk ADD #attempts :one',
      // ISO instants of one format compare correctly as strings. AND binds before OR, and a status means the
      // item exists: one level of parentheses, as dynalite's parser backtracks on each level (4x the CPU at three).
      ConditionExpression:
        '#status = :pending OR #status = :processing AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#updatedAt': 'updatedAt',
        '#leaseUntil': 'leaseUntil',
        '#claimId': 'claimId',
        '#attempts': 'attempts',
        '#gsi2pk': byStatus.partitionKey,
        '#gsi2sk': byStatus.sortKey,
      },
      ExpressionAttributeValues: {
        ':processing': 'processing',
        ':pending': 'pending',
        ':now': options.now,
        ':leaseUntil': options.leaseUntil,
        ':claimId': options.claimId,
        ':one': 1,
        ':gsi2pk': statusPartition('processing'),
        ':gsi2sk': statusSortKey(options.now, taskId),
      },
    });
  }

  async recordCacheKeys(
    taskId: string,
    keys: readonly string[],
    condition: { attempts: number },
  ): Promise<void> {
    if (keys.length === 0) return;
    await this.update(taskId, {
      UpdateExpression: `SET ${APPEND_CACHE_KEYS}`,
      ConditionExpression: 'attribute_exists(#pk) AND #status = :processing AND #attempts = :attempts',
      ExpressionAttributeNames: {
        '#pk': PK,
        '#status': 'status',
        '#attempts': 'attempts',
        '#cacheKeys': 'cacheKeys',
      },
      ExpressionAttributeValues: {
        ':processing': 'processing',
        ':attempts': condition.attempts,
        ':addCacheKeys': [...keys],
        ':noKeys': [],
      },
    });
  }

  async delete(taskId: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: taskKey(taskId) }));
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  async listStale(status: 'pending' | 'processing', updatedBefore: string, limit: number): Promise<Task[]> {
    const tasks: Task[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      for (let page = 0; page < MAX_STALE_PAGES && tasks.length < limit; page++) {
        const { Items = [], LastEvaluatedKey } = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: byStatus.indexName,
            // `<updatedAt>#<taskId>` sorts below `updatedBefore` exactly when updatedAt is earlier.
            KeyConditionExpression: '#status = :status AND #updated < :before',
            ExpressionAttributeNames: { '#status': byStatus.partitionKey, '#updated': byStatus.sortKey },
            ExpressionAttributeValues: { ':status': statusPartition(status), ':before': updatedBefore },
            ScanIndexForward: true,
            Limit: limit - tasks.length,
            ExclusiveStartKey: startKey,
          }),
        );
        tasks.push(...Items.map(toTask));
        if (!LastEvaluatedKey) break;
        startKey = LastEvaluatedKey;
      }
      return tasks;
    } catch (error) {
      rethrowAwsError('DynamoDB', error);
    }
  }

  private async update(
    taskId: string,
    expression: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<Task> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: taskKey(taskId),
          ReturnValues: 'ALL_NEW',
          ...expression,
        }),
      );
      if (!Attributes) throw new Error(`update of task ${taskId} returned no attributes`);
      return toTask(Attributes);
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new TaskConflictError(
          taskId,
          `task ${taskId} is missing or not in a status that allows this change`,
        );
      }
      rethrowAwsError('DynamoDB', error);
    }
  }
}

function toTask(item: Item): Task {
  const { [RESULT_JSON]: resultJson, ...task } = item;
  for (const attribute of KEY_ATTRIBUTES) delete task[attribute];
  if (typeof resultJson === 'string') task.result = JSON.parse(resultJson);
  if (Array.isArray(task.cacheKeys)) task.cacheKeys = [...new Set(task.cacheKeys as string[])].sort();
  return task as unknown as Task;
}

/** A JSON copy: drops `undefined` members, which the document client refuses unless told to remove them. */
function jsonValue<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function cursorKeyOf(item: Item): Item {
  return Object.fromEntries(CURSOR_ATTRIBUTES.map((attribute) => [attribute, item[attribute]]));
}

function encodeCursor(key: Item): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, owner: string): Item {
  const invalid = (message: string) =>
    new ValidationError('the cursor is not valid for this list', [{ path: 'cursor', message }]);
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('must be a nextCursor returned by this list');
  }
  if (
    typeof key !== 'object' ||
    key === null ||
    Array.isArray(key) ||
    Object.keys(key).length !== CURSOR_ATTRIBUTES.length ||
    !CURSOR_ATTRIBUTES.every((attribute) => typeof (key as Item)[attribute] === 'string')
  ) {
    throw invalid('must be a nextCursor returned by this list');
  }
  const { [PK]: pk, [SK]: sk } = key as Item;
  if (sk !== TASK_SORT_KEY || !String(pk).startsWith('TASK#')) {
    throw invalid('must be a nextCursor returned by this list');
  }
  if ((key as Item)[byOwner.partitionKey] !== ownerPartition(owner)) {
    throw invalid('belongs to another list');
  }
  return key as Item;
}
