import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PrivateKeySource } from '../core/compat/compat-store';

/** The compat RSA private key from Secrets Manager (written there by the deploy-time generate-key resource). */
export class SecretsManagerPrivateKey implements PrivateKeySource {
  constructor(
    private readonly secrets: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async loadPem(): Promise<string> {
    const { SecretString } = await this.secrets.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!SecretString) throw new Error(`secret ${this.secretId} holds no PEM string`);
    return SecretString;
  }
}
