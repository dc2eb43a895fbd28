/**
 * Run a synchronous function with the main thread inside a lab namespace (setns), then
 * switch back. Sockets created inside stay bound to that namespace for life, so a test
 * process can drive a netlink client "inside" a host while the test itself (and every
 * `ip` child it spawns afterwards) stays in the root namespace.
 */
import { closeSync, openSync } from 'node:fs';
import { nio } from '../../src/sys/nio.js';

export function inNetns<T>(ns: string, fn: () => T): T {
  const n = nio();
  const home = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/var/run/netns/${ns}`, 'r');
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
