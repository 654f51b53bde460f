/**
 * Composition root of the compat handlers (DESIGN §4): built once per cold start on first use, with the
 * key material loaded lazily, so /clear never needs the private key or the key-wrapping key.
 * Tests and the local runtime may replace it before the first event with `useCompatDependencies(...)`.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { KMSClient } from '@aws-sdk/client-kms';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDbCompatStore } from '../../adapters/dynamodb-compat-store';
import { FilePrivateKey } from '../../adapters/file-private-key';
import { KmsKeyWrapper } from '../../adapters/kms-key-wrapper';
import { LocalKeyWrapper } from '../../adapters/local-key-wrapper';
import { SecretsManagerPrivateKey } from '../../adapters/secrets-manager-private-key';
import type { CompatClearDependencies } from '../../core/compat/clear-jobs';
import type { PrivateKeySource } from '../../core/compat/compat-store';
import { cachedPrivateKey } from '../../core/compat/private-key';
import type { CompatProcessDependencies } from '../../core/compat/process-job';
import type { KeyWrapper } from '../../core/ports';
import * as z from '../../core/zod';
import { CLIENT_TIMEOUTS, documentClient, requestHandler } from '../aws-clients';
import { type Config, environmentConfig } from '../config';
import { logger } from '../powertools';
import { blobStore, cacheStore, storageFromConfig, taskStore } from '../storage-dependencies';
import { taskEventsFrom } from '../task-events';

export interface CompatDependencies extends CompatProcessDependencies, CompatClearDependencies {
  logger: Logger;
}

/** The two variables only the compat handlers read (handlers/config.ts has the shared ones). */
const CompatKeyEnvironment = z.object({
  DOCUSNAP_COMPAT_KEY_SECRET_ID: z.optional(z.string().check(z.trim(), z.minLength(1))),
  DOCUSNAP_COMPAT_KEY_FILE: z.optional(z.string().check(z.trim(), z.minLength(1))),
});

let current: CompatDependencies | undefined;

/** Replaces the dependencies (tests, local runtime); `undefined` goes back to building from the environment. */
export function useCompatDependencies(dependencies: CompatDependencies | undefined): void {
  current = dependencies;
}

export function compatDependencies(): CompatDependencies {
  current ??= fromEnvironment(environmentConfig());
  return current;
}

/** What /clear takes: the stores only, so its bundle carries no KMS, Secrets Manager or SQS client. */
export type CompatClearRouteDependencies = CompatClearDependencies & { logger: Logger };

let clearing: CompatClearRouteDependencies | undefined;

export function compatClearDependencies(): CompatClearRouteDependencies {
  if (current) return current;
  clearing ??= clearFromEnvironment(environmentConfig());
  return clearing;
}

function clearFromEnvironment(config: Config): CompatClearRouteDependencies {
  const doc = documentClient();
  return {
    tasks: taskStore(config, doc),
    blobs: blobStore(config),
    cache: cacheStore(config, doc),
    compat: new DynamoDbCompatStore(doc, config.table),
    logger,
  };
}

function fromEnvironment(config: Config): CompatDependencies {
  const { tasks, blobs, cache, queue, clock } = storageFromConfig(config);
  return {
    tasks,
    blobs,
    cache,
    queue,
    clock,
    compat: new DynamoDbCompatStore(documentClient(), config.table),
    keys: lazyKeyWrapper(config),
    privateKey: cachedPrivateKey({ loadPem: () => privateKeySource().loadPem() }),
    ids: { newId: () => randomUUID() },
    keepInputs: config.keepInputs,
    // A compat task that times out while polled ends here, and is announced like any other (EventBridge).
    events: taskEventsFrom(config),
    providers: config.providers,
    logger,
  };
}

/** KMS on AWS; the local master key file when no KMS key id is configured. Built on first use. */
function lazyKeyWrapper(config: Config): KeyWrapper {
  let wrapper: Promise<KeyWrapper> | undefined;
  const resolve = () => {
    wrapper ??= (async () => {
      if (config.kmsKeyId) {
        const kms = new KMSClient({ requestHandler: requestHandler(CLIENT_TIMEOUTS.kms) });
        return new KmsKeyWrapper(kms, config.kmsKeyId);
      }
      if (config.masterKeyFile) return LocalKeyWrapper.fromFile(config.masterKeyFile);
      throw new Error('DOCUSNAP_KMS_KEY_ID or DOCUSNAP_MASTER_KEY_FILE must be set');
    })();
    wrapper.catch(() => {
      wrapper = undefined;
    });
    return wrapper;
  };
  return {
    wrap: async (plaintext) => (await resolve()).wrap(plaintext),
    unwrap: async (wrapped) => (await resolve()).unwrap(wrapped),
  };
}

/** Secrets Manager on AWS; the local PEM file when no secret id is configured. */
function privateKeySource(): PrivateKeySource {
  const env = CompatKeyEnvironment.parse(process.env);
  if (env.DOCUSNAP_COMPAT_KEY_SECRET_ID) {
    const secrets = new SecretsManagerClient({
      requestHandler: requestHandler(CLIENT_TIMEOUTS.secretsManager),
    });
    return new SecretsManagerPrivateKey(secrets, env.DOCUSNAP_COMPAT_KEY_SECRET_ID);
  }
  if (env.DOCUSNAP_COMPAT_KEY_FILE) return new FilePrivateKey(env.DOCUSNAP_COMPAT_KEY_FILE);
  throw new Error('DOCUSNAP_COMPAT_KEY_SECRET_ID or DOCUSNAP_COMPAT_KEY_FILE must be set');
}
