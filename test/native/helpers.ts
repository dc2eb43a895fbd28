/** Helpers for the native netns tests (inNetns lives in test/lab/netns.ts). */

export { inNetns } from '../lab/netns.js';

import { sleep } from '../lab/proc.js';

export { sleep };

/** Polls `cond` every 10 ms; throws after `ms`. */
export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}
