/**
 * The DocuSnap console (DESIGN §3.4): submit photos or PDFs, watch the task, read each value beside the
 * picture with its evidence box drawn on it, list and delete tasks. A client of the public v1 API only.
 */
import { ApiClient, ApiError, type ImageRef } from './api';
import {
  CognitoSignIn,
  type CognitoStep,
  localSession,
  type Session,
  storedSession,
  storeSession,
} from './auth';
import { CONFIG_FILE, type ConsoleConfig, parseConsoleConfig } from './config';
import { isTerminal, type Library, type TaskType, type TaskView } from './contract';
import { byId, el, wait } from './dom';
import {
  LibraryFileError,
  libraryFromTasks,
  librarySize,
  MAX_LIBRARY_BYTES,
  mergeLibraries,
  parseFieldList,
  parseLibraryFile,
} from './library';
import { boxesOnPage, formatCost, type ResultRow, resultSummary } from './result-view';
import {
  acceptedType,
  LONG_POLL_SECONDS,
  nextPollDelayMs,
  pagePictures,
  pollDelayMs,
  problemsWith,
  sendPlan,
} from './submission';

const TYPE_NAMES: Record<TaskType, string> = {
  document: 'Document',
  form: 'Form',
  form_filling: 'Form filling',
};

let api: ApiClient;
let session: Session | undefined;
/** Files to send with the next document or form task. */
let picked: File[] = [];
/** Files of the tasks submitted from this tab: the API keeps no pictures, so boxes are drawn on these. */
const filesOfTask = new Map<string, File[]>();
/** Tasks loaded into the list, newest first. */
let tasks: TaskView[] = [];
let nextCursor: string | undefined;
let libraryFromFile: Library | undefined;
/** Bumped for every task shown, so an older watch stops drawing. */
let watching = 0;
const objectUrls: string[] = [];

function show(id: string, visible: boolean) {
  byId(id).hidden = !visible;
}

function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message}${error.code ? ` (${error.code})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

const taskTitle = (task: TaskView) => {
  const result = task.result as { title?: unknown } | undefined;
  return typeof result?.title === 'string' ? result.title : TYPE_NAMES[task.type];
};

const when = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

// ---- sign-in --------------------------------------------------------------------------------------

async function signIn(config: ConsoleConfig): Promise<void> {
  if (config.auth.kind === 'local') {
    session = await localSession();
    return;
  }
  session = storedSession();
  if (session) return;
  const cognito = new CognitoSignIn(config.auth);
  show('sign-in', true);
  const form = byId<HTMLFormElement>('sign-in-form');
  const problem = byId('sign-in-error');
  const challengeInput = byId<HTMLInputElement>('challenge-input');
  let pending: Extract<CognitoStep, { challenge: string }> | undefined;
  byId<HTMLInputElement>('username').focus();
  await new Promise<void>((resolve) => {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      problem.textContent = '';
      try {
        const step = pending
          ? await cognito.answer(pending, challengeInput.value)
          : await cognito.signIn(
              byId<HTMLInputElement>('username').value,
              byId<HTMLInputElement>('password').value,
            );
        if ('done' in step) {
          session = step.done;
          storeSession(session);
          show('sign-in', false);
          resolve();
          return;
        }
        pending = step;
        show('challenge', true);
        const newPassword = step.challenge === 'NEW_PASSWORD_REQUIRED';
        byId('challenge-label').textContent = newPassword
          ? 'Choose a new password'
          : 'Code from your authenticator app';
        challengeInput.type = newPassword ? 'password' : 'text';
        challengeInput.autocomplete = newPassword ? 'new-password' : 'one-time-code';
        challengeInput.inputMode = newPassword ? 'text' : 'numeric';
        challengeInput.value = '';
        challengeInput.focus();
      } catch (error) {
        problem.textContent = describeError(error);
      }
    });
  });
}

async function token(config: ConsoleConfig, renew: boolean): Promise<string> {
  if (!session || renew || session.expiresAt - 60_000 < Date.now()) {
    if (config.auth.kind === 'local') session = await localSession();
    else {
      // An expired Cognito session means signing in again.
      storeSession(undefined);
      location.reload();
      await new Promise(() => {});
    }
  }
  return (session as Session).token;
}

// ---- the new-task form -----------------------------------------------------------------------------

const chosenType = () =>
  (document.querySelector<HTMLInputElement>('input[name="type"]:checked')?.value ?? 'document') as TaskType;

function renderPicked() {
  const list = byId('file-list');
  list.replaceChildren(
    ...picked.map((file, index) =>
      el(
        'li',
        {},
        el('span', { class: 'file-name' }, file.name),
        el('span', { class: 'hint' }, ` ${(file.size / 1024).toFixed(0)} KiB`),
        removeButton(file, index),
      ),
    ),
  );
}

function removeButton(file: File, index: number) {
  const button = el(
    'button',
    { type: 'button', class: 'small', 'aria-label': `Remove ${file.name}` },
    'Remove',
  );
  button.addEventListener('click', () => {
    picked.splice(index, 1);
    renderPicked();
    byId('file-input').focus();
  });
  return button;
}

function addFiles(files: FileList | null | undefined) {
  if (!files) return;
  picked = [...picked, ...Array.from(files)];
  byId('form-problems').textContent = '';
  renderPicked();
}

function setUpFilePicking() {
  for (const id of ['file-input', 'camera-input']) {
    const input = byId<HTMLInputElement>(id);
    input.addEventListener('change', () => {
      addFiles(input.files);
      input.value = '';
    });
  }
  const zone = byId('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    addFiles(event.dataTransfer?.files);
  });
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="type"]')) {
    radio.addEventListener('change', () => {
      const filling = chosenType() === 'form_filling';
      show('files-part', !filling);
      show('fill-part', filling);
      byId('form-problems').textContent = '';
    });
  }
  byId<HTMLSelectElement>('fields-from').addEventListener('change', (event) => {
    const task = tasks.find((candidate) => candidate.taskId === (event.target as HTMLSelectElement).value);
    const fields = (task?.result as { fields?: unknown } | undefined)?.fields;
    if (Array.isArray(fields))
      byId<HTMLTextAreaElement>('fields-input').value = fields.map(String).join('\n');
  });
  byId<HTMLInputElement>('library-file').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    const summary = byId('library-summary');
    libraryFromFile = undefined;
    if (!file) {
      summary.textContent = '';
      return;
    }
    try {
      libraryFromFile = parseLibraryFile(await file.text());
      summary.textContent = `${file.name}: ${libraryFromFile.docs.length} documents, ${libraryFromFile.forms.length} forms.`;
    } catch (error) {
      summary.textContent = error instanceof LibraryFileError ? error.message : 'The file could not be read.';
    }
  });
}

/** Completed documents and forms, for the library and the "fields of an earlier form" choice. */
function renderLibraryChoices() {
  const usable = tasks.filter((task) => task.status === 'completed' && task.type !== 'form_filling');
  const list = byId('library-tasks');
  const checked = new Set(
    Array.from(list.querySelectorAll<HTMLInputElement>('input:not(:checked)')).map((input) => input.value),
  );
  list.replaceChildren(
    ...usable.map((task) =>
      el(
        'li',
        {},
        el(
          'label',
          {},
          el('input', { type: 'checkbox', value: task.taskId, checked: !checked.has(task.taskId) }),
          ` ${taskTitle(task)} `,
          el('span', { class: 'hint' }, `(${TYPE_NAMES[task.type].toLowerCase()}, ${when(task.createdAt)})`),
        ),
      ),
    ),
  );
  if (usable.length === 0) list.append(el('li', { class: 'hint' }, 'No completed documents or forms yet.'));
  const select = byId<HTMLSelectElement>('fields-from');
  const forms = usable.filter((task) => task.type === 'form');
  select.replaceChildren(
    el('option', { value: '' }, forms.length ? 'Choose a form…' : 'No completed forms yet'),
    ...forms.map((task) =>
      el('option', { value: task.taskId }, `${taskTitle(task)} (${when(task.createdAt)})`),
    ),
  );
}

function chosenLibrary(): Library {
  const ids = new Set(
    Array.from(byId('library-tasks').querySelectorAll<HTMLInputElement>('input:checked')).map(
      (input) => input.value,
    ),
  );
  const fromTasks = libraryFromTasks(tasks.filter((task) => ids.has(task.taskId)));
  return libraryFromFile ? mergeLibraries(libraryFromFile, fromTasks) : fromTasks;
}

const base64Of = (file: Blob) =>
  new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });

async function submitTask(): Promise<void> {
  const problems = byId('form-problems');
  const button = byId<HTMLButtonElement>('submit');
  problems.textContent = '';
  const type = chosenType();
  const idempotencyKey = crypto.randomUUID();
  let files: File[] = [];
  let submit: () => Promise<TaskView>;
  if (type === 'form_filling') {
    const fields = parseFieldList(byId<HTMLTextAreaElement>('fields-input').value);
    const library = chosenLibrary();
    const issues = [];
    if (fields.length === 0) issues.push('Type or paste at least one form field.');
    if (fields.length > 200) issues.push('At most 200 fields.');
    if (fields.some((field) => field.length > 200))
      issues.push('A field name is longer than 200 characters.');
    if (library.docs.length + library.forms.length === 0)
      issues.push('Choose earlier tasks or a library file.');
    if (librarySize(library) > MAX_LIBRARY_BYTES) issues.push('The library is larger than 256 KiB.');
    if (issues.length) {
      problems.textContent = issues.join(' ');
      return;
    }
    submit = () => api.submitFormFilling(fields, library, idempotencyKey);
  } else {
    const issues = problemsWith(picked);
    if (issues.length) {
      problems.textContent = issues.join(' ');
      return;
    }
    files = picked;
    submit = async () => {
      const plan = sendPlan(files);
      const images: ImageRef[] = [];
      for (const [index, file] of files.entries()) {
        const step = plan[index] as (typeof plan)[number];
        setProgress(`Sending ${file.name}…`, true);
        images.push(
          step.how === 'inline' ? { data: await base64Of(file) } : await api.upload(file, step.type),
        );
      }
      return api.submitImages(type, images, idempotencyKey);
    };
  }
  button.disabled = true;
  try {
    const summary = await submit();
    if (files.length) filesOfTask.set(summary.taskId, files);
    picked = [];
    renderPicked();
    upsertTask(summary);
    void watch(summary.taskId, summary);
  } catch (error) {
    setProgress('', false);
    problems.textContent = `The task was not accepted: ${describeError(error)}`;
  } finally {
    button.disabled = false;
  }
}

// ---- progress and result ---------------------------------------------------------------------------

function setProgress(text: string, busy: boolean) {
  byId('progress-text').textContent = text;
  show('progress-bar', busy);
}

const STATUS_WORDS: Record<string, string> = {
  pending: 'Waiting for a worker',
  processing: 'Reading the text and extracting values',
};

async function watch(taskId: string, first?: TaskView): Promise<void> {
  const mine = ++watching;
  const started = Date.now();
  let task = first;
  byId('result').replaceChildren();
  // The elapsed time ticks between answers (a long poll may hold one for seconds).
  const showRunning = () => {
    if (mine !== watching || !task || isTerminal(task.status)) return;
    const seconds = Math.round((Date.now() - started) / 1000);
    setProgress(
      `${TYPE_NAMES[task.type]}: ${STATUS_WORDS[task.status] ?? task.status}… (${seconds} s)`,
      true,
    );
  };
  const ticker = setInterval(showRunning, 1000);
  try {
    for (let attempt = 0; ; attempt++) {
      let retryAfterSeconds: number | undefined;
      let heldMs = 0;
      if (!task || attempt > 0) {
        const asked = Date.now();
        try {
          ({ task, retryAfterSeconds } = await api.task(taskId, attempt > 0 ? LONG_POLL_SECONDS : undefined));
          heldMs = Date.now() - asked;
        } catch (error) {
          if (mine !== watching) return;
          if (error instanceof ApiError && error.status === 404) {
            setProgress('That task no longer exists.', false);
            return;
          }
          setProgress(`Could not read the task: ${describeError(error)}. Retrying…`, true);
          await wait(pollDelayMs(attempt));
          continue;
        }
      }
      if (mine !== watching) return;
      upsertTask(task);
      if (isTerminal(task.status)) {
        setProgress(
          task.status === 'completed'
            ? `${TYPE_NAMES[task.type]} completed.`
            : `${TYPE_NAMES[task.type]} failed: ${task.error?.message ?? 'unknown error'} (${task.error?.code ?? '?'}).`,
          false,
        );
        renderResult(task);
        renderTasks();
        return;
      }
      showRunning();
      await wait(nextPollDelayMs(attempt, heldMs, retryAfterSeconds));
      if (mine !== watching) return;
    }
  } finally {
    clearInterval(ticker);
  }
}

function renderResult(task: TaskView) {
  for (const url of objectUrls.splice(0)) URL.revokeObjectURL(url);
  const summary = resultSummary(task);
  const files = filesOfTask.get(task.taskId) ?? [];
  const pictures = pagePictures(files.map((file) => acceptedType(file)));
  const pages = el('div', { class: 'pages' });
  for (const [index, file] of files.entries()) {
    const page = [...pictures.entries()].find(([, fileIndex]) => fileIndex === index)?.[0];
    if (page === undefined) {
      pages.append(
        el('p', { class: 'file-card' }, `${file.name}: no picture shown here (PDF or TIFF pages).`),
      );
      continue;
    }
    const url = URL.createObjectURL(file);
    objectUrls.push(url);
    const frame = el(
      'div',
      { class: 'page-frame' },
      el('img', { src: url, alt: `Page ${page}: ${file.name}` }),
    );
    for (const row of boxesOnPage(summary.rows, page)) {
      const box = el('div', { class: 'box', 'data-row': String(row.number), 'aria-hidden': 'true' });
      box.style.left = `${row.box.left * 100}%`;
      box.style.top = `${row.box.top * 100}%`;
      box.style.width = `${row.box.width * 100}%`;
      box.style.height = `${row.box.height * 100}%`;
      frame.append(box);
    }
    pages.append(el('figure', { class: 'page' }, frame, el('figcaption', {}, `Page ${page} · ${file.name}`)));
  }

  const details = el('div', { class: 'details' });
  if (summary.title) details.append(el('h3', {}, summary.title));
  if (summary.description) details.append(el('p', {}, summary.description));
  if (summary.tags.length) {
    details.append(
      el('ul', { class: 'tags', 'aria-label': 'Tags' }, ...summary.tags.map((tag) => el('li', {}, tag))),
    );
  }
  if (task.status === 'completed' && !task.evidence && files.length) {
    details.append(el('p', { class: 'hint' }, 'No evidence came with this answer, so no boxes are drawn.'));
  }
  if (task.status === 'completed' && !files.length && task.type !== 'form_filling') {
    details.append(
      el('p', { class: 'hint' }, 'The pictures of earlier tasks are not kept, so no boxes are drawn.'),
    );
  }
  if (summary.rows.length) details.append(rowList(summary.rows));
  else if (task.status === 'completed') details.append(el('p', {}, 'No values were found.'));
  if (summary.related.length) {
    details.append(
      el('h4', {}, 'Related'),
      el('ul', {}, ...summary.related.map((item) => el('li', {}, item))),
    );
  }
  if (task.usage) details.append(usageList(task));
  byId('result').replaceChildren(el('div', { class: 'result-grid' }, pages, details));
}

const ROW_SECTIONS: Record<ResultRow['kind'], string> = {
  value: 'Values',
  field: 'Blank fields',
  filled: 'Filled values',
};

function rowList(rows: readonly ResultRow[]) {
  const wrapper = el('div', { class: 'rows' });
  for (const kind of ['value', 'field', 'filled'] as const) {
    const ofKind = rows.filter((row) => row.kind === kind);
    if (!ofKind.length) continue;
    const list = el('ol', { class: 'row-list', 'aria-label': ROW_SECTIONS[kind] });
    for (const row of ofKind) {
      const notes: string[] = [];
      if (row.page) notes.push(`page ${row.page}`);
      if (row.source) notes.push(`from “${row.source}”`);
      if (row.confidence !== undefined) notes.push(`${Math.round(row.confidence * 100)}% sure`);
      if (row.grounded === false) notes.push('not found in the text: check it');
      const item = el(
        'li',
        {
          class: row.grounded === false ? 'row ungrounded' : 'row',
          'data-row': String(row.number),
          tabindex: '0',
        },
        el('span', { class: 'number', 'aria-hidden': 'true' }, String(row.number)),
        el(
          'div',
          {},
          el('span', { class: 'label' }, row.label),
          row.value ? el('span', { class: 'value' }, row.value) : el('span', { class: 'hint' }, 'blank'),
          notes.length ? el('small', { class: 'note' }, notes.join(' · ')) : undefined,
        ),
      );
      const highlight = (on: boolean) => {
        for (const box of document.querySelectorAll(`.box[data-row="${row.number}"]`)) {
          box.classList.toggle('active', on);
        }
      };
      item.addEventListener('mouseenter', () => highlight(true));
      item.addEventListener('mouseleave', () => highlight(false));
      item.addEventListener('focus', () => highlight(true));
      item.addEventListener('blur', () => highlight(false));
      list.append(item);
    }
    wrapper.append(el('h4', {}, ROW_SECTIONS[kind]), list);
  }
  return wrapper;
}

function usageList(task: TaskView) {
  const usage = task.usage;
  if (!usage) return el('p');
  const pair = (term: string, value: string) => [el('dt', {}, term), el('dd', {}, value)];
  return el(
    'div',
    { class: 'usage' },
    el('h4', {}, 'Usage and cost'),
    el(
      'dl',
      {},
      ...pair('Pages', String(usage.pages)),
      ...pair('OCR', usage.ocrEngine),
      ...pair('Model', usage.llmModel),
      ...pair('Tokens', `${usage.inputTokens} in, ${usage.outputTokens} out`),
      ...pair('Estimated cost', formatCost(usage.estimatedCostUsd)),
      ...pair('From cache', usage.cacheHit ? 'yes' : 'no'),
    ),
  );
}

// ---- the task list ---------------------------------------------------------------------------------

function upsertTask(task: TaskView) {
  const index = tasks.findIndex((candidate) => candidate.taskId === task.taskId);
  if (index >= 0) tasks[index] = { ...tasks[index], ...task } as TaskView;
  else tasks.unshift(task);
  tasks.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  renderTasks();
}

function renderTasks() {
  const list = byId('task-list');
  list.replaceChildren(
    ...tasks.map((task) => {
      const title = taskTitle(task);
      const open = el('button', { type: 'button', class: 'small', 'aria-label': `Show ${title}` }, 'Show');
      open.addEventListener('click', () => {
        void watch(task.taskId, isTerminal(task.status) ? task : undefined);
        byId('result-title').scrollIntoView({ block: 'start' });
      });
      const remove = el(
        'button',
        { type: 'button', class: 'small danger', 'aria-label': `Delete ${title}` },
        'Delete',
      );
      remove.addEventListener('click', () => void deleteTask(task, remove));
      return el(
        'li',
        { class: 'task', 'data-task-id': task.taskId },
        el(
          'div',
          {},
          el('span', { class: 'task-title' }, title),
          el(
            'span',
            { class: 'hint' },
            ` ${TYPE_NAMES[task.type]} · `,
            el('span', { class: `status status-${task.status}` }, task.status),
            ` · ${when(task.createdAt)}`,
          ),
        ),
        el('div', { class: 'buttons' }, open, remove),
      );
    }),
  );
  byId('tasks-status').textContent = tasks.length ? '' : 'No tasks yet.';
  show('more', nextCursor !== undefined);
  renderLibraryChoices();
}

async function deleteTask(task: TaskView, button: HTMLButtonElement) {
  button.disabled = true;
  try {
    await api.deleteTask(task.taskId);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) {
      byId('tasks-status').textContent = `Could not delete: ${describeError(error)}`;
      button.disabled = false;
      return;
    }
  }
  tasks = tasks.filter((candidate) => candidate.taskId !== task.taskId);
  filesOfTask.delete(task.taskId);
  renderTasks();
  byId('tasks-status').textContent = `Deleted ${taskTitle(task)}.`;
  byId('refresh').focus();
}

async function loadTasks(more = false) {
  const status = byId('tasks-status');
  const list = byId('task-list');
  list.setAttribute('aria-busy', 'true');
  try {
    const page = await api.tasks(more ? nextCursor : undefined);
    tasks = more ? [...tasks, ...page.items] : page.items;
    nextCursor = page.nextCursor;
    renderTasks();
  } catch (error) {
    status.textContent = `Could not load the tasks: ${describeError(error)}`;
  } finally {
    list.setAttribute('aria-busy', 'false');
  }
}

// ---- Android settings ------------------------------------------------------------------------------

async function renderAndroidSettings(config: ConsoleConfig) {
  const base = config.apiUrl || location.origin;
  byId<HTMLInputElement>('base-url').value = `${base}/`;
  const key = await api.publicKey();
  byId<HTMLTextAreaElement>('public-key').value =
    key ?? 'This backend serves no public key: its DocuSnap Android routes are switched off.';
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    button.addEventListener('click', async () => {
      const field = byId<HTMLInputElement | HTMLTextAreaElement>(button.dataset.copy as string);
      const status = byId('copy-status');
      try {
        await navigator.clipboard.writeText(field.value);
        status.textContent = `Copied the ${button.dataset.copy === 'base-url' ? 'URL' : 'public key'}.`;
      } catch {
        field.select();
        status.textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
      }
    });
  }
}

// ---- start -----------------------------------------------------------------------------------------

async function start() {
  const boot = byId('boot');
  let config: ConsoleConfig;
  try {
    const response = await fetch(CONFIG_FILE, { cache: 'no-store' });
    config = parseConsoleConfig(await response.json());
  } catch (error) {
    boot.textContent = `The console’s ${CONFIG_FILE} could not be read: ${describeError(error)}`;
    return;
  }
  api = new ApiClient(config.apiUrl, (renew) => token(config, renew));
  boot.hidden = true;
  try {
    await signIn(config);
  } catch (error) {
    boot.hidden = false;
    boot.textContent = `Could not sign in: ${describeError(error)}`;
    return;
  }
  byId('who').textContent = `Signed in as ${session?.user}`;
  if (config.auth.kind === 'cognito') {
    const signOut = byId('sign-out');
    signOut.hidden = false;
    signOut.addEventListener('click', () => {
      storeSession(undefined);
      location.reload();
    });
  }
  show('app', true);
  setUpFilePicking();
  byId('task-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void submitTask();
  });
  byId('refresh').addEventListener('click', () => void loadTasks());
  byId('more').addEventListener('click', () => void loadTasks(true));
  await Promise.all([loadTasks(), renderAndroidSettings(config)]);
}

void start();
