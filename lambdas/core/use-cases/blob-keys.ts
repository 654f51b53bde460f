import { BLOB_PREFIXES, type BlobPrefix } from '../shared-facts';

/** The S3 layout of docs/architecture.md: every key sits under a prefix, then its owner's (URI-encoded) one. */
const owned = (prefix: BlobPrefix, owner: string) => `${BLOB_PREFIXES[prefix]}/${encodeURIComponent(owner)}`;

export const uploadKey = (owner: string, uploadId: string) => `${owned('uploads', owner)}/${uploadId}`;
export const inputImageKey = (owner: string, taskId: string, n: number) =>
  `${owned('inputs', owner)}/${taskId}/${n}`;
export const requestDetailsKey = (owner: string, taskId: string) =>
  `${owned('inputs', owner)}/${taskId}/request.json`;
export const resultKey = (owner: string, taskId: string) => `${owned('results', owner)}/${taskId}.json`;

/** Ids we hand out are URL-safe; anything else cannot name one of them (and must not reach a key). */
const ID_FORMAT = /^[A-Za-z0-9._:-]{1,128}$/;
export const isWellFormedId = (id: string) => ID_FORMAT.test(id) && id !== '.' && id !== '..';
