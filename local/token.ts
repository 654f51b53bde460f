/** `npm run -s token -- <userId> [--days N]`: prints a bearer token the local API accepts for that user. */
import { issueLocalToken } from './auth';
import { parseLocalConfig } from './config';
import { ensureLocalKeys } from './keys';

const args = process.argv.slice(2);
const daysFlag = args.indexOf('--days');
const days = daysFlag === -1 ? 30 : Number(args[daysFlag + 1]);
const positional = args.filter(
  (arg, index) => !arg.startsWith('--') && (daysFlag === -1 || index !== daysFlag + 1),
);
const user = positional[0];

if (!user || !Number.isFinite(days) || days <= 0) {
  console.error('usage: npm run -s token -- <userId> [--days N]');
  process.exit(2);
}
// The same keys directory the server reads, created here if the server has not run yet.
const keys = await ensureLocalKeys(parseLocalConfig(process.env).home);
console.log(await issueLocalToken(keys.tokenSecret, user, Math.round(days * 24 * 3600)));
