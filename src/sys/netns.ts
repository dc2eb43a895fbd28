/**
 * `net_namespace NAME` / `-s NAME` (keepalived.conf(5), keepalived(8)): the parent moves into
 * the network namespace `ip netns` keeps as /run/netns/NAME before it opens anything on the
 * network or forks its children, which start inside it. setns(2) moves the calling thread
 * only: the main thread, which forks the children; libuv's pool threads stay where they were,
 * so nothing here may touch /proc/sys/net asynchronously (sys/sysctl.ts reads and writes
 * synchronously for that reason).
 */
import { closeSync, openSync } from 'node:fs';
import { errorMessage } from '../core/errors.js';
import { type Result, fail, ok } from '../core/result.js';
import { K, nio } from './nio.js';

export const NETNS_DIR = '/run/netns';

/** Enters namespace `name`; `{ ok: false }` with keepalived's line when it cannot. */
export function enterNetNamespace(name: string): Result<void> {
  const path = `${NETNS_DIR}/${name}`;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return fail(`Failed to open ${path}`);
  }
  try {
    nio().setns(fd, K().CLONE_NEWNET);
    return ok(undefined);
  } catch (e) {
    return fail(`Failed to set network namespace ${name}: ${errorMessage(e)}`);
  } finally {
    closeSync(fd);
  }
}
