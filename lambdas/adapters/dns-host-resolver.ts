import { lookup } from 'node:dns/promises';
import type { HostResolver } from '../core/webhooks/destination';

/** Every address a name has now, as the system resolver answers (A and AAAA). */
export const resolveHost: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
