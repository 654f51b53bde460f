import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from './config';

// Endpoints come from the SDK itself (AWS_ENDPOINT_URL_<SERVICE>); nothing here names one.

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function s3Client(config: Pick<Config, 's3ForcePathStyle'>): S3Client {
  return new S3Client({
    // Otherwise presigned URLs carry an empty-body CRC32 the upload cannot match.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    forcePathStyle: config.s3ForcePathStyle,
  });
}

export function sqsClient(): SQSClient {
  return new SQSClient({});
}
