import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  MissingAwsCredentialsError,
  resolveDeveloperCredentials,
  usesRealAws,
} from '../../local/developer-credentials';

const staticKeys = { accessKeyId: 'AKIASTATICDEVELOPER', secretAccessKey: 'static-secret' };

describe('developer AWS credentials for the local runtime', () => {
  it('is needed only for Textract or Bedrock', () => {
    expect(usesRealAws({ DOCUSNAP_OCR: 'tesseract', DOCUSNAP_LLM: 'rules' })).toBe(false);
    expect(usesRealAws({ DOCUSNAP_OCR: 'simulated', DOCUSNAP_LLM: 'openai' })).toBe(false);
    expect(usesRealAws({ DOCUSNAP_OCR: 'textract', DOCUSNAP_LLM: 'rules' })).toBe(true);
    expect(usesRealAws({ DOCUSNAP_OCR: 'tesseract', DOCUSNAP_LLM: 'bedrock' })).toBe(true);
  });

  it('leaves long-lived keys where the developer put them and keeps the developer’s region', async () => {
    const resolved = await resolveDeveloperCredentials({ AWS_REGION: 'eu-west-1' }, async () => staticKeys);
    expect(resolved).toMatchObject({ credentials: staticKeys, region: 'eu-west-1', unset: [] });
    expect(resolved.env).toEqual({ AWS_REGION: 'eu-west-1' });
    expect(resolved.expiresAt).toBeUndefined();
  });

  it('falls back to us-east-1 when no region is set', async () => {
    const resolved = await resolveDeveloperCredentials({}, async () => staticKeys);
    expect(resolved.region).toBe('us-east-1');
  });

  it('pins expiring credentials for every client and drops the profile that would shadow them', async () => {
    const expiration = new Date('2030-01-01T10:00:00Z');
    const temporary = { accessKeyId: 'ASIATEMP', secretAccessKey: 's', sessionToken: 'token', expiration };
    const resolved = await resolveDeveloperCredentials({ AWS_PROFILE: 'sso-dev' }, async () => temporary);
    expect(resolved.env).toEqual({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'ASIATEMP',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 'token',
    });
    expect(resolved.unset).toEqual(['AWS_PROFILE']);
    expect(resolved.expiresAt).toEqual(expiration);
  });

  it('names the providers that need credentials and what to set when none are found', async () => {
    const failure = await resolveDeveloperCredentials(
      { DOCUSNAP_OCR: 'textract', DOCUSNAP_LLM: 'bedrock' },
      async () => {
        throw new Error('Could not load credentials from any providers');
      },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MissingAwsCredentialsError);
    expect((failure as Error).message).toMatch(
      /^DOCUSNAP_OCR=textract with DOCUSNAP_LLM=bedrock needs your AWS credentials.*Could not load credentials/,
    );
    expect((failure as Error).message).toMatch(/AWS_PROFILE.*AWS_ACCESS_KEY_ID.*AWS_REGION/);
  });
});

describe('developer AWS credentials through the SDK’s own chain', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docusnap-profile-'));
    // A profile whose credential_process prints temporary credentials, as aws-vault or granted do.
    const script = path.join(dir, 'credentials.cjs');
    await writeFile(
      script,
      `console.log(JSON.stringify({ Version: 1, AccessKeyId: 'ASIAFROMPROFILE', SecretAccessKey: 'p',
        SessionToken: 'profile-token', Expiration: new Date(Date.now() + 3600e3).toISOString() }));`,
    );
    const config = path.join(dir, 'config');
    await writeFile(config, `[profile dev]\ncredential_process = "${process.execPath}" "${script}"\n`);
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      vi.stubEnv(name, undefined);
    }
    vi.stubEnv('AWS_PROFILE', 'dev');
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', path.join(dir, 'no-credentials'));
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves a profile’s temporary credentials and pins them', async () => {
    const resolved = await resolveDeveloperCredentials({ AWS_PROFILE: 'dev', AWS_REGION: 'eu-central-1' });
    expect(resolved.credentials).toMatchObject({
      accessKeyId: 'ASIAFROMPROFILE',
      sessionToken: 'profile-token',
    });
    expect(resolved.env).toMatchObject({ AWS_ACCESS_KEY_ID: 'ASIAFROMPROFILE', AWS_REGION: 'eu-central-1' });
    expect(resolved.unset).toEqual(['AWS_PROFILE']);
    expect(resolved.expiresAt).toBeInstanceOf(Date);
  });
});
