/**
 * The web console in a real browser (Debian's chromium, driven by playwright-core) against the whole
 * local backend: a person's path through the page, from opening `/` to deleting the task.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../console/src/contract';
import { type LocalBackend, startLocalBackend } from '../../local/backend';

const CHROMIUM = process.env.DOCUSNAP_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
const SCREENSHOTS = path.resolve('test-results');
const INVOICE = path.resolve('test/fixtures/invoice.png');
const PHONE = { width: 390, height: 844 };
/** expect.poll gives up after 1 s by default: far too soon on a loaded machine. */
const POLL = { timeout: 30_000 };

/** axe-core, run inside the page (evaluate is not subject to the page's CSP). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string;
  nodes: { target: string[] }[];
}

/** WCAG 2.1 A/AA violations on the page as it is now: contrast, labels, names, landmarks, … */
async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)",
  )) as AxeViolation[];
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** CRC-32 as PNG chunks carry it (Node 20 has no zlib.crc32). */
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The invoice with a private ancillary chunk of filler after its header: the same picture to every
 * decoder, but a file past the console's inline budget, so it must go through a presigned upload.
 */
function paddedInvoice(fillerBytes: number): Buffer {
  const png = readFileSync(INVOICE);
  const afterHeader = 8 + 25; // signature, then the IHDR chunk (length, type, 13 bytes, CRC)
  const typeAndData = Buffer.concat([Buffer.from('prVt'), Buffer.alloc(fillerBytes, 0x20)]);
  const chunk = Buffer.alloc(typeAndData.length + 8);
  chunk.writeUInt32BE(fillerBytes, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(typeAndData), typeAndData.length + 4);
  return Buffer.concat([png.subarray(0, afterHeader), chunk, png.subarray(afterHeader)]);
}

if (!haveBrowser) {
  // CI must run this suite: a missing browser there is an install step that did not happen.
  if (process.env.CI === 'true')
    throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  console.warn(`console browser tests skipped: no ${CHROMIUM} (apt-get install -y chromium)`);
}

// A shared two-core machine: a browser, OCR and the whole backend in one test need room.
describe.skipIf(!haveBrowser)('web console in a real browser', { timeout: 180_000 }, () => {
  let home: string;
  let backend: LocalBackend;
  let browser: Browser;
  let token: string;
  /** Console errors and uncaught exceptions of every page, which no test may leave behind. */
  const pageErrors: string[] = [];

  const api = async <T>(route: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${backend.url}${route}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  async function open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    // Generous: the whole suite shares two cores with this browser.
    page.setDefaultTimeout(60_000);
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(`page: ${error.message}`));
    await page.goto(`${backend.url}/`);
    await page.getByText('Signed in as dev').waitFor();
    return page;
  }

  /** Picks the invoice, submits it as a document and waits for the page to say it completed. */
  async function submitInvoice(page: Page): Promise<string> {
    await page.setInputFiles('#file-input', INVOICE);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('#progress-text').getByText('Document completed.').waitFor({ timeout: 90_000 });
    const { body } = await api<{ items: TaskView[] }>('/v1/tasks?limit=1');
    return (body.items[0] as TaskView).taskId;
  }

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'docusnap-console-'));
    await mkdir(SCREENSHOTS, { recursive: true });
    backend = await startLocalBackend({ home, port: 0, log: () => {} });
    token = await backend.token('dev');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('opens titled DocuSnap, signed in as dev by itself, every control labelled', async () => {
    const context = await browser.newContext();
    const page = await open(context);
    expect(await page.title()).toBe('DocuSnap');
    // Page-side code is given as text: the test compiles without the DOM library.
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((c) => !(c.labels?.length || c.getAttribute('aria-label') || c.textContent.trim()))
      .map((c) => c.id || c.outerHTML)`);
    expect(unlabelled).toEqual([]);
    // The Android settings: this runtime's base URL and the compat public key, each with a copy button.
    expect(await page.getByLabel('Backend URL').inputValue()).toBe(`${backend.url}/`);
    await expect.poll(() => page.getByLabel('Public key').inputValue(), POLL).toContain('BEGIN PUBLIC KEY');
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: 'Copy key' }).click();
    await page.getByText('Copied the public key.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toContain('BEGIN PUBLIC KEY');
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('submits the invoice photo and lists its values beside the picture', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await open(context);
    const taskId = await submitInvoice(page);

    const values = page.getByRole('list', { name: 'Values' });
    await expect.poll(() => values.innerText(), POLL).toContain('INV-2024-0042');
    expect(await values.innerText()).toContain('Acme Office Supplies');
    await expect
      .poll(() => page.evaluate("document.querySelector('.page-frame img')?.naturalWidth ?? 0"), POLL)
      .toBeGreaterThan(0);
    expect(await page.locator('.usage').innerText()).toMatch(/OCR\s+tesseract/);
    expect(await page.locator('.usage').innerText()).toMatch(/Estimated cost\s+\$/);
    await expect
      .poll(() => page.locator(`[data-task-id="${taskId}"]`).innerText(), POLL)
      .toContain('completed');

    // Every value the API boxed is drawn on the picture, where the API says it is.
    const { body: view } = await api<TaskView>(`/v1/tasks/${taskId}`);
    const boxed = Object.values(view.evidence?.kv ?? {}).filter((entry) => entry.grounded && entry.box);
    // The invoice's values are all printed on it: the API grounds them, so boxes are drawn.
    expect(boxed.length).toBeGreaterThan(0);
    expect(await page.locator('.page-frame .box').count()).toBe(boxed.length);
    // Readable contrast, labelled controls, named buttons: with a result on screen.
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-desktop.png'), fullPage: true });
    await page
      .locator('.page')
      .first()
      .screenshot({ path: path.join(SCREENSHOTS, 'console-picture.png') });
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('draws an evidence box over the very words it names on the picture', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await open(context);
    // The API's own answer with one known box added, so the drawing is checked against exact fractions.
    const box = { left: 0.1, top: 0.2, width: 0.3, height: 0.05 };
    await page.route(/\/v1\/tasks\/[^/?]+(\?.*)?$/, async (route) => {
      const response = await route.fetch();
      const view = (await response.json()) as TaskView;
      if (view.status === 'completed' && view.result) {
        const [firstKey] = Object.keys((view.result as { kv: object }).kv);
        view.evidence = {
          kv: { [firstKey as string]: { page: 1, text: 'words', box, confidence: 0.9, grounded: true } },
          pages: [{ page: 1, width: 800, height: 1000 }],
        };
      }
      await route.fulfill({ response, json: view });
    });
    await submitInvoice(page);
    const drawn = page.locator('.page-frame .box');
    await expect.poll(() => drawn.count(), POLL).toBe(1);
    const image = await page.locator('.page-frame img').boundingBox();
    const rect = await drawn.boundingBox();
    if (!image || !rect) throw new Error('no picture or box on the page');
    expect(rect.x - image.x).toBeCloseTo(box.left * image.width, -1);
    expect(rect.y - image.y).toBeCloseTo(box.top * image.height, -1);
    expect(rect.width).toBeCloseTo(box.width * image.width, -1);
    expect(rect.height).toBeCloseTo(box.height * image.height, -1);
    // Its row carries the same number as the box.
    expect(await page.locator('.row[data-row="1"] .number').innerText()).toBe('1');
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('sends a photo past the inline budget through a presigned upload', async () => {
    const big = path.join(home, 'invoice-big.png');
    await writeFile(big, paddedInvoice(4.5 * 1024 * 1024));
    const context = await browser.newContext();
    const page = await open(context);
    const uploads: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') uploads.push(new URL(request.url()).pathname);
    });
    await page.setInputFiles('#file-input', big);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('#progress-text').getByText('Document completed.').waitFor({ timeout: 90_000 });
    expect(uploads).toContain('/v1/uploads');
    expect(await page.getByRole('list', { name: 'Values' }).innerText()).toContain('INV-2024-0042');
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('finds the task again after a reload, and deletes it', async () => {
    const context = await browser.newContext();
    const page = await open(context);
    const taskId = await submitInvoice(page);
    await page.reload();
    await page.locator('#task-list[aria-busy="false"]').waitFor({ state: 'attached' });
    const row = page.locator(`[data-task-id="${taskId}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain('completed');
    // Newest first: it is the first task listed.
    expect(await page.locator('.task').first().getAttribute('data-task-id')).toBe(taskId);

    await row.getByRole('button', { name: /^Delete/ }).click();
    await row.waitFor({ state: 'detached' });
    expect((await api(`/v1/tasks/${taskId}`)).status).toBe(404);
    await page.reload();
    await page.getByText('Signed in as dev').waitFor();
    await page.locator('#task-list[aria-busy="false"]').waitFor({ state: 'attached' });
    expect(await page.locator(`[data-task-id="${taskId}"]`).count()).toBe(0);
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('fills a form from an earlier document picked as the library', async () => {
    const context = await browser.newContext();
    const page = await open(context);
    const documentId = await submitInvoice(page);
    await page.getByLabel('Fill a form from my library').check();
    await page.getByLabel('Form fields').fill('Invoice Number\nVendor');
    const fromDocument = page.locator(`#library-tasks input[value="${documentId}"]`);
    await fromDocument.waitFor();
    expect(await fromDocument.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.locator('#progress-text').getByText('Form filling completed.').waitFor({ timeout: 90_000 });
    const filled = page.getByRole('list', { name: 'Filled values' });
    await expect.poll(() => filled.innerText(), POLL).toContain('INV-2024-0042');
    expect(await filled.innerText()).toContain(documentId);
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('fits a 390 px phone screen without sideways scrolling, result and all', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await open(context);
    await submitInvoice(page);
    await page.getByRole('list', { name: 'Values' }).waitFor();
    const widths = (await page.evaluate(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    )) as { scroll: number; client: number };
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(widths.client).toBeLessThanOrEqual(PHONE.width);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-phone.png'), fullPage: true });
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('signs in against a Cognito user pool when its config says so, new password included', async () => {
    // A deployment's config.json, and Cognito's JSON API played by the test: the id token it hands out is
    // one the local API accepts, so the rest of the page runs for real. (The local CSP allows no Cognito.)
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('pageerror', (error) => pageErrors.push(`page: ${error.message}`));
    const idToken = await backend.token('alice@example.com');
    const calls: { target: string; body: Record<string, unknown> }[] = [];
    await page.route('**/config.json', (route) =>
      route.fulfill({
        json: {
          apiUrl: backend.url,
          auth: {
            kind: 'cognito',
            region: 'eu-west-1',
            userPoolId: 'eu-west-1_test',
            clientId: 'console-client',
          },
        },
      }),
    );
    await page.route('https://cognito-idp.eu-west-1.amazonaws.com/', async (route) => {
      const target = String(route.request().headers()['x-amz-target']).split('.')[1] as string;
      const body = JSON.parse(route.request().postData() ?? '{}');
      calls.push({ target, body });
      const cors = { 'access-control-allow-origin': '*' };
      if (target === 'InitiateAuth' && body.AuthParameters.PASSWORD !== 'Temporary-1234') {
        return route.fulfill({
          status: 400,
          headers: cors,
          json: { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' },
        });
      }
      if (target === 'InitiateAuth') {
        return route.fulfill({
          headers: cors,
          json: { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1' },
        });
      }
      return route.fulfill({
        headers: cors,
        json: { AuthenticationResult: { IdToken: idToken, ExpiresIn: 3600 } },
      });
    });

    await page.goto(`${backend.url}/`);
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password', { exact: true }).fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Incorrect username or password.').waitFor();
    await page.getByLabel('Password', { exact: true }).fill('Temporary-1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Choose a new password').fill('A-new-password-5678');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as alice@example.com').waitFor();
    expect(calls.map((call) => call.target)).toEqual([
      'InitiateAuth',
      'InitiateAuth',
      'RespondToAuthChallenge',
    ]);
    expect(calls[0]?.body).toMatchObject({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 'console-client' });
    expect(calls[2]?.body).toMatchObject({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: 's1',
      ChallengeResponses: { USERNAME: 'alice@example.com', NEW_PASSWORD: 'A-new-password-5678' },
    });
    // The API is called with that token: alice's (empty) task list, and the deployed base URL.
    await page.locator('#task-list[aria-busy="false"]').waitFor({ state: 'attached' });
    expect(await page.locator('#tasks-status').innerText()).toBe('No tasks yet.');
    expect(await page.getByLabel('Backend URL').inputValue()).toBe(`${backend.url}/`);

    // A reload keeps the tab's session; signing out forgets it.
    await page.reload();
    await page.getByText('Signed in as alice@example.com').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(calls).toHaveLength(3);
    await context.close();
    expect(pageErrors).toEqual([]);
  });

  it('is usable from the keyboard: Tab reaches the file picker, Enter on Submit sends', async () => {
    const context = await browser.newContext();
    const page = await open(context);
    const reached: string[] = [];
    for (let step = 0; step < 12 && !reached.includes('file-input'); step++) {
      await page.keyboard.press('Tab');
      reached.push(String(await page.evaluate("document.activeElement?.id ?? ''")));
    }
    expect(reached).toContain('file-input');
    await page.locator('#submit').focus();
    await page.keyboard.press('Enter');
    // Nothing picked: the page says what is missing instead of sending.
    await expect
      .poll(() => page.getByRole('alert').first().innerText(), POLL)
      .toContain('Pick at least one photo or PDF');
    await context.close();
    expect(pageErrors).toEqual([]);
  });
});
