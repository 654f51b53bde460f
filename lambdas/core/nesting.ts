/**
 * Bounds on how deeply JSON the core walks may nest. Walking is recursive in V8 (JSON.stringify, replacers,
 * our own visitors) and overflows the stack a few thousand levels down, so input is measured iteratively
 * before anything recursive sees it.
 */

/** Deepest nesting of a library DESIGN §3 accepts; deeper is a VALIDATION_ERROR. */
export const MAX_LIBRARY_DEPTH = 32;

/** Whether `value` holds objects or arrays nested more than `limit` levels (a scalar is 0, `{}` is 1). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}
