/**
 * The web console in a real browser (Debian's chromium, driven by playwright-core) against the whole
 * local backend: a person's path through the page, from opening `/` to deleting the task.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
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
    // The Android settings: this runtime's base URL and the compat public key.
    expect(await page.getByLabel('Backend URL').inputValue()).toBe(`${backend.url}/`);
    await expect.poll(() => page.getByLabel('Public key').inputValue(), POLL).toContain('BEGIN PUBLIC KEY');
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
    expect(await page.locator('.page-frame .box').count()).toBe(boxed.length);
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
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-phone.png'), fullPage: true });
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
