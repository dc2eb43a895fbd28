/**
 * Helpers for the native netns tests.
 *
 * inNetns runs a synchronous function with the calling thread inside a network namespace
 * (setns through the addon), then switches back. Sockets keep the namespace they were
 * created in, so one test process can hold sockets in several lab hosts at once.
 */
import { closeSync, openSync } from 'node:fs';
import { nio } from '../../src/sys/nio.js';

export function inNetns<T>(ns: string, fn: () => T): T {
  const n = nio();
  const home = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/run/netns/${ns}`, 'r');
  try {
    n.setns(target, n.constants.CLONE_NEWNET);
    try {
      return fn();
    } finally {
      n.setns(home, n.constants.CLONE_NEWNET);
    }
  } finally {
    closeSync(target);
    closeSync(home);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 10 ms; throws after `ms`. */
export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(10);
  }
}
