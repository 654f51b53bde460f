import { readFileSync } from 'node:fs';
import type { DocuSnapClient, TaskView } from '../../local/api-client';

export const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
export const fixtureBase64 = (name: string) => fixture(name).toString('base64');

/** Submits a task and returns its summary (202 expected). */
export async function submit(api: DocuSnapClient, route: string, body: unknown): Promise<TaskView> {
  return api.call<TaskView>('POST', route, body);
}

/** Long-polls until terminal; bounded so a stuck task fails the test instead of hanging it. */
export function settle(api: DocuSnapClient, taskId: string, timeoutMs = 60_000): Promise<TaskView> {
  return api.waitForTask(taskId, { timeoutMs });
}
