/** Key schema of the single DynamoDB table (docs/architecture.md); the CDK stack and the emulators use it too. */
export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  byOwner: { indexName: 'byOwner', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  byStatus: { indexName: 'byStatus', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;
