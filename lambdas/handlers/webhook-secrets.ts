import { KMSClient } from '@aws-sdk/client-kms';
import { KmsKeyWrapper } from '../adapters/kms-key-wrapper';
import { LocalKeyWrapper } from '../adapters/local-key-wrapper';
import { type KeyWrapper, WEBHOOK_SECRET_PURPOSE } from '../core/ports';
import { CLIENT_TIMEOUTS, requestHandler } from './aws-clients';
import type { Config } from './config';

/**
 * Webhook secrets are stored only wrapped: by KMS on AWS (encryption context `purpose`), by the local master
 * key offline. The master key file is read on first use, so building the wrapper costs nothing.
 */
export function webhookSecretsFrom(settings: Config): KeyWrapper {
  const { kmsKeyId } = settings.webhooks;
  if (kmsKeyId) {
    const kms = new KMSClient({ requestHandler: requestHandler(CLIENT_TIMEOUTS.kms) });
    return new KmsKeyWrapper(kms, kmsKeyId, WEBHOOK_SECRET_PURPOSE);
  }
  const { masterKeyFile } = settings;
  let local: Promise<LocalKeyWrapper> | undefined;
  const wrapper = () => {
    if (!masterKeyFile)
      throw new Error('no key for webhook secrets: set DOCUSNAP_WEBHOOK_KEY_ID or DOCUSNAP_MASTER_KEY_FILE');
    local ??= LocalKeyWrapper.fromFile(masterKeyFile, WEBHOOK_SECRET_PURPOSE);
    return local;
  };
  return {
    wrap: async (plaintext) => (await wrapper()).wrap(plaintext),
    unwrap: async (wrapped) => (await wrapper()).unwrap(wrapped),
  };
}
