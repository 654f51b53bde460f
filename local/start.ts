/**
 * `npm start`: the whole backend on this machine, offline (DESIGN §7). Prints where to reach it, a token
 * for user `dev`, a curl example, where state lives, then `listening on http://127.0.0.1:<port>`.
 */
import path from 'node:path';
import { routePath } from '../lambdas/handlers/route-table';
import { keysDir } from './keys';

// Before the AWS SDK loads: its Node 20 notice would otherwise open the startup output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startLocalBackend } = await import('./backend');

const startedAt = Date.now();
const backend = await startLocalBackend().catch((error: unknown) => {
  console.error(`could not start the local backend: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
const token = await backend.token('dev');
const { config, env } = backend;
const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);

console.log(`DocuSnap local backend (started in ${seconds} s)
  console:  ${backend.url}/  (open it in a browser: signed in as dev)
  state:    ${config.home}  (DynamoDB in dynamodb/, S3 in s3/, keys in keys/; queued messages are in memory)
  providers: OCR ${env.DOCUSNAP_OCR}, LLM ${env.DOCUSNAP_LLM}; ${config.workerConcurrency} workers${config.faults ? `; faults ${config.faults}` : ''}
  compat public key: ${path.join(keysDir(config.home), 'public.pem')}

Token for user "dev" (valid 30 days; another user: npm run -s token -- <user>):
  export TOKEN=${token}

Try it:
  curl -s ${backend.url}${routePath('health')}
  curl -s -X POST ${backend.url}${routePath('submitDocument')} -H "Authorization: Bearer $TOKEN" \\
    -H 'content-type: application/json' -d "{\\"images\\":[{\\"data\\":\\"$(base64 < test/fixtures/invoice.png | tr -d '\\n')\\"}]}"
  curl -s ${backend.url}${routePath('listTasks')} -H "Authorization: Bearer $TOKEN"
  npm run -s cli -- submit document test/fixtures/invoice.png

listening on ${backend.url}`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping (state stays in ${config.home})`);
  backend.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
