import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  type BlobPrefix,
  CLIENT_KEY_ENCRYPTION_CONTEXT,
  COMPAT_OWNER_PREFIX,
  keysUnder,
} from '../lambdas/core/shared-facts';
import type { HandlerResources } from '../lambdas/handlers/route-table';
import { grantBlobAccess } from './blob-grants';
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
 * Grants a handler the table, bucket keys and queues its row in lambdas/handlers/route-table.ts names, and
 * nothing else. The compat keys belong to lib/compat.ts and lib/task-processing.ts, which grant them.
 */
export function grantHandlerResources(
  fn: HandlerFunction,
  uses: HandlerResources,
  { storage, queues, webhooks }: GrantTargets,
): void {
  const { bucket, table } = storage;
  if (uses.table === 'read') table.grantReadData(fn);
  if (uses.table === 'readWrite') table.grantReadWriteData(fn);
  const { read, write, delete: remove } = blobKeyPatterns(uses);
  grantBlobAccess(fn, bucket, { read, write, delete: remove });
  for (const priority of uses.sendsTo ?? []) queues[priority].grantSendMessages(fn);
  if (uses.webhookSecrets || uses.taskEvents) {
    if (!webhooks) throw new Error(`${fn.node.path} uses webhooks, but no Webhooks construct was given`);
    if (uses.webhookSecrets === 'wrap') webhooks.wrapSecretsFrom(fn);
    if (uses.webhookSecrets === 'unwrap') webhooks.unwrapSecretsFrom(fn);
    if (uses.taskEvents === 'announce') webhooks.announceFrom(fn);
  }
  acknowledgeGrantWildcards(fn);
}

/** The IAM key patterns of a row's `blobs`: `inputs/*`, or `inputs/compat%3A*` for the compat owners only. */
export function blobKeyPatterns(uses: HandlerResources): {
  read: string[];
  write: string[];
  delete: string[];
} {
  const ownerPrefix = uses.blobs?.owners === 'compat' ? COMPAT_OWNER_PREFIX : '';
  const patterns = (prefixes: readonly BlobPrefix[] = []) =>
    prefixes.map((prefix) => keysUnder(prefix, ownerPrefix));
  return {
    read: patterns(uses.blobs?.read),
    write: patterns(uses.blobs?.write),
    delete: patterns(uses.blobs?.delete),
  };
}

/**
 * Wrapping (`kms:Encrypt`) or unwrapping (`kms:Decrypt`) of clients' AES keys only: the statement requires
 * the encryption context the KMS adapter sends, so the same key's other ciphertexts (the RSA private key's
 * secret) stay out of reach.
 */
export function grantClientKeyWrapping(
  fn: IGrantable,
  key: IKey,
  action: 'kms:Encrypt' | 'kms:Decrypt',
): void {
  const context = Object.fromEntries(
    Object.entries(CLIENT_KEY_ENCRYPTION_CONTEXT).map(([name, value]) => [
      `kms:EncryptionContext:${name}`,
      value,
    ]),
  );
  fn.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [action],
      resources: [key.keyArn],
      conditions: { StringEquals: context },
    }),
  );
}
