import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { PrivateKeySource } from './compat-store';

/** The server's own key could not be loaded or parsed: an outage, never the client's fault. */
export class PrivateKeyUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the compat private key is unavailable', options);
    this.name = 'PrivateKeyUnavailableError';
  }
}

/** Loads and parses the RSA private key once per cold start; a failed load is retried on the next call. */
export function cachedPrivateKey(source: PrivateKeySource): () => Promise<KeyObject> {
  let pending: Promise<KeyObject> | undefined;
  return () => {
    pending ??= source
      .loadPem()
      .then((pem) => createPrivateKey(pem))
      .catch((error: unknown) => {
        pending = undefined;
        throw new PrivateKeyUnavailableError({ cause: error });
      });
    return pending;
  };
}
