/**
 * `npm run -s cli -- <command>`: the API for people. Talks to the local server unless given --url/--token.
 *   submit document|form <file…> [--priority high] [--library lib.json] [--no-wait]
 *   fill --fields "A,B" --library lib.json [--form-id ID] [--no-wait]
 *   status <taskId>      list [--limit N]
 *   webhook add <url> [--events task.completed,task.failed] | webhook list | webhook delete <webhookId>
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { routePath } from '../lambdas/handlers/route-table';
import { ApiCallError, DocuSnapClient, type TaskView } from './api-client';
import { issueLocalToken } from './auth';
import { parseLocalConfig } from './config';
import { ensureLocalKeys } from './keys';

const USAGE = `usage: npm run -s cli -- <command> [options]
  submit document <file…>            OCR + extraction of one document (JPEG/PNG files)
  submit form <file…>                a form: extraction plus its blank fields
  fill --fields "A,B" --library lib.json [--form-id ID]
                                     values for a form's fields from your library
  status <taskId>                    one task
  list [--limit N]                   your tasks, newest first
  webhook add <url> [--events E,E]   be told when your tasks end (prints the signing secret once)
  webhook list | webhook delete <id> your webhooks
options: --url URL (default http://127.0.0.1:$PORT), --token JWT (default $DOCUSNAP_TOKEN or a local
  token for --user, default "dev"), --priority normal|high, --library FILE, --no-wait, --timeout SECONDS`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    user: { type: 'string', default: 'dev' },
    priority: { type: 'string', default: 'normal' },
    library: { type: 'string' },
    fields: { type: 'string' },
    'form-id': { type: 'string' },
    limit: { type: 'string' },
    events: { type: 'string' },
    'no-wait': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '300' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

async function client(): Promise<DocuSnapClient> {
  const config = parseLocalConfig(process.env);
  const url = values.url ?? `http://127.0.0.1:${config.port}`;
  let token = values.token ?? process.env.DOCUSNAP_TOKEN;
  // Without a token, act as a local user: sign one with the local server's key.
  token ??= await issueLocalToken((await ensureLocalKeys(config.home)).tokenSecret, values.user);
  return new DocuSnapClient(url, token);
}

async function readLibrary(): Promise<unknown> {
  if (!values.library) return undefined;
  return JSON.parse(await readFile(values.library, 'utf8'));
}

/** Waits for the task, showing its status on stderr, then prints it as readable JSON on stdout. */
async function finish(api: DocuSnapClient, summary: TaskView): Promise<void> {
  if (values['no-wait']) {
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  const tty = process.stderr.isTTY;
  let last = '';
  const task = await api.waitForTask(summary.taskId, {
    timeoutMs: Number(values.timeout) * 1000,
    onProgress: (view, elapsedMs) => {
      const line = `task ${view.taskId}: ${view.status} (${(elapsedMs / 1000).toFixed(1)} s)`;
      if (tty) process.stderr.write(`\r${line}`);
      else if (view.status !== last) process.stderr.write(`${line}\n`);
      last = view.status;
    },
  });
  if (tty) process.stderr.write('\n');
  console.log(JSON.stringify(task, null, 2));
  if (task.status === 'error') process.exitCode = 1;
}

async function main(): Promise<void> {
  const [command, ...rest] = positionals;
  if (values.help || !command) fail(USAGE, values.help ? 0 : 2);
  const api = await client();
  const priority = values.priority;

  if (command === 'submit') {
    const [kind, ...files] = rest;
    if ((kind !== 'document' && kind !== 'form') || files.length === 0) fail(USAGE);
    const images = await api.imagesFromFiles(files);
    const library = await readLibrary();
    const summary = await api.call<TaskView>(
      'POST',
      routePath(kind === 'form' ? 'submitForm' : 'submitDocument'),
      { images, library, priority },
    );
    await finish(api, summary);
  } else if (command === 'fill') {
    const fields = (values.fields ?? '')
      .split(',')
      .map((field) => field.trim())
      .filter(Boolean);
    const library = await readLibrary();
    if (fields.length === 0 || !library) fail('fill needs --fields "A,B" and --library lib.json');
    const form = values['form-id'] ? { id: values['form-id'], fields } : { fields };
    const summary = await api.call<TaskView>('POST', routePath('submitFormFilling'), {
      form,
      library,
      priority,
    });
    await finish(api, summary);
  } else if (command === 'status') {
    if (!rest[0]) fail(USAGE);
    console.log(JSON.stringify(await api.getTask(rest[0]), null, 2));
  } else if (command === 'list') {
    const query = values.limit ? `?limit=${encodeURIComponent(values.limit)}` : '';
    console.log(JSON.stringify(await api.call('GET', `${routePath('listTasks')}${query}`), null, 2));
  } else if (command === 'webhook') {
    const [action, argument] = rest;
    if (action === 'add' && argument) {
      const events = values.events?.split(',').map((event) => event.trim());
      console.log(
        JSON.stringify(
          await api.call('POST', routePath('createWebhook'), { url: argument, events }),
          null,
          2,
        ),
      );
    } else if (action === 'list') {
      console.log(JSON.stringify(await api.call('GET', routePath('listWebhooks')), null, 2));
    } else if (action === 'delete' && argument) {
      await api.call('DELETE', routePath('deleteWebhook', { webhookId: argument }));
    } else {
      fail(USAGE);
    }
  } else {
    fail(USAGE);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ApiCallError) fail(JSON.stringify(error.body, null, 2), 1);
  if (error instanceof TypeError && String(error.cause ?? '').includes('ECONNREFUSED')) {
    fail(`cannot reach the API (is \`npm start\` running?): ${error.cause}`, 1);
  }
  fail(error instanceof Error ? error.message : String(error), 1);
});
