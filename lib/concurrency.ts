/**
 * How the worker pool is split between the two queues. The CDK stack uses it for the event sources'
 * `maxConcurrency` and the local poller for its worker slots, so both behave alike.
 * High priority gets about a third, so urgent work never waits behind a normal backlog, while normal
 * work keeps the larger share; the two always sum to at most `total`.
 */
export function splitWorkerConcurrency(
  total: number,
  /** Lambda's event-source maxConcurrency is at least 2; the local poller can go down to 1. */
  minimumPerQueue = 2,
): { high: number; normal: number } {
  if (!Number.isInteger(total) || total < 2 * minimumPerQueue) {
    throw new Error(`worker concurrency must be an integer of at least ${2 * minimumPerQueue}, got ${total}`);
  }
  const high = Math.max(minimumPerQueue, Math.floor(total / 3));
  return { high, normal: total - high };
}
