import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadClaims } from '../core/ports';
import { isConditionFailure, rethrowAwsError } from './aws-errors';
import { releaseClaim } from './dynamodb-claims';
import { TABLE_KEYS } from './table-keys';

/**
 * Upload claims `UPLOAD#<owner>#<uploadId>` on the single table: an upload id serves one task, even when
 * its presigned POST is used again after the first submission. The owner is URI-encoded like the
 * idempotency records', so an owner containing `#` cannot reach another owner's claims.
 */
export class DynamoDbUploadClaims implements UploadClaims {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(
    owner: string,
    uploadId: string,
    claim: { taskId: string; expiresAt: number },
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...claimKey(owner, uploadId),
            taskId: claim.taskId,
            [TABLE_KEYS.ttlAttribute]: claim.expiresAt,
          },
          // The same task claiming again (a retried call) keeps its claim.
          ConditionExpression: 'attribute_not_exists(#pk) OR #taskId = :taskId',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#taskId': 'taskId' },
          ExpressionAttributeValues: { ':taskId': claim.taskId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      rethrowAwsError('DynamoDB', error);
    }
  }

  release(owner: string, uploadId: string, taskId: string): Promise<void> {
    return releaseClaim(this.doc, this.tableName, claimKey(owner, uploadId), taskId);
  }
}

function claimKey(owner: string, uploadId: string) {
  return {
    [TABLE_KEYS.partitionKey]: `UPLOAD#${encodeURIComponent(owner)}#${uploadId}`,
    [TABLE_KEYS.sortKey]: 'UPLOAD',
  };
}
