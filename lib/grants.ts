import { keysUnder } from '../lambdas/core/shared-facts';
import type { HandlerResources } from '../lambdas/handlers/route-table';
import type { HandlerFunction } from './handler-function';
import { acknowledgeGrantWildcards } from './nag-acknowledgements';
import type { TaskQueues } from './queues';
import type { Storage } from './storage';
import type { Webhooks } from './webhooks';

export interface GrantTargets {
  readonly storage: Storage;
  readonly queues: TaskQueues;
  /** Needed by rows with `webhookSecrets` or `taskEvents`. */
  readonly webhooks?: Webhooks;
}

/**
 * Grants a handler the table, bucket prefixes and queues its row in lambdas/handlers/route-table.ts
 * names, and nothing else. The compat keys belong to lib/compat.ts and lib/worker.ts, which grant them.
 */
export function grantHandlerResources(
  fn: HandlerFunction,
  uses: HandlerResources,
  { storage, queues, webhooks }: GrantTargets,
): void {
  const { bucket, table } = storage;
  if (uses.table === 'read') table.grantReadData(fn);
  if (uses.table === 'readWrite') table.grantReadWriteData(fn);
  for (const prefix of uses.blobs?.read ?? []) bucket.grantRead(fn, keysUnder(prefix));
  for (const prefix of uses.blobs?.write ?? []) bucket.grantPut(fn, keysUnder(prefix));
  for (const prefix of uses.blobs?.delete ?? []) bucket.grantDelete(fn, keysUnder(prefix));
  for (const priority of uses.sendsTo ?? []) queues[priority].grantSendMessages(fn);
  if (uses.webhookSecrets || uses.taskEvents) {
    if (!webhooks) throw new Error(`${fn.node.path} uses webhooks, but no Webhooks construct was given`);
    if (uses.webhookSecrets === 'wrap') webhooks.wrapSecretsFrom(fn);
    if (uses.webhookSecrets === 'unwrap') webhooks.unwrapSecretsFrom(fn);
    if (uses.taskEvents === 'announce') webhooks.announceFrom(fn);
  }
  acknowledgeGrantWildcards(fn);
}
