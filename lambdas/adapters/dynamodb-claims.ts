import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, rethrowAwsError } from './aws-errors';

/**
 * Deletes a claim item (an idempotency record, an upload claim) only while it still names `taskId`: a
 * newer claim by another task stays, and a claim already gone is nothing to do.
 */
export async function releaseClaim(
  doc: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, string>,
  taskId: string,
): Promise<void> {
  try {
    await doc.send(
      new DeleteCommand({
        TableName: tableName,
        Key: key,
        ConditionExpression: '#taskId = :taskId',
        ExpressionAttributeNames: { '#taskId': 'taskId' },
        ExpressionAttributeValues: { ':taskId': taskId },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return;
    rethrowAwsError('DynamoDB', error);
  }
}
