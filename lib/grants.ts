import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { keysUnder } from '../lambdas/core/shared-facts';
import type { HandlerResources } from '../lambdas/handlers/route-table';
import { acknowledgeGrantWildcards } from './nag-acknowledgements';
import type { TaskQueues } from './queues';
import type { Storage } from './storage';

export interface GrantTargets {
  readonly storage: Storage;
  readonly queues: TaskQueues;
}

/**
 * Grants a handler the table, bucket prefixes and queues its row in lambdas/handlers/route-table.ts
 * names, and nothing else. The compat keys belong to lib/compat.ts and lib/worker.ts, which grant them.
 */
export function grantHandlerResources(
  fn: IGrantable & IConstruct,
  uses: HandlerResources,
  { storage, queues }: GrantTargets,
): void {
  const { bucket, table } = storage;
  if (uses.table === 'read') table.grantReadData(fn);
  if (uses.table === 'readWrite') table.grantReadWriteData(fn);
  for (const prefix of uses.blobs?.read ?? []) bucket.grantRead(fn, keysUnder(prefix));
  for (const prefix of uses.blobs?.write ?? []) bucket.grantPut(fn, keysUnder(prefix));
  for (const prefix of uses.blobs?.delete ?? []) bucket.grantDelete(fn, keysUnder(prefix));
  for (const priority of uses.sendsTo ?? []) queues[priority].grantSendMessages(fn);
  acknowledgeGrantWildcards(fn);
}
