import { readFile } from 'node:fs/promises';
import type { PrivateKeySource } from '../core/compat/compat-store';

/** The compat RSA private key from a local PEM file (the local runtime creates it under DOCUSNAP_HOME/keys/). */
export class FilePrivateKey implements PrivateKeySource {
  constructor(private readonly path: string) {}

  loadPem(): Promise<string> {
    return readFile(this.path, 'utf8');
  }
}
