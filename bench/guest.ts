/**
 * The one place the benchmarks boot a qemu guest with an IPVS kernel (the host kernel has
 * no ip_vs): the project's runner test/qemu/qemu-vm.ts. Shared directories appear read-write
 * at the same path in the guest (not under /tmp, /run, /var/tmp or /root, which are the
 * guest's own tmpfs); the host's / is read-only there.
 */
import { runInGuest } from '../test/qemu/qemu-vm.js';

export interface GuestRunOptions {
  readonly command: string;
  readonly shares: readonly string[];
  readonly timeoutMs: number;
  readonly memMiB: number;
}

export interface GuestRunResult {
  readonly rc: number;
  readonly output: string;
  readonly wallMs: number;
}

/** Runs `command` (sh) as root in a fresh guest with IPVS. */
export async function runInIpvsGuest(o: GuestRunOptions): Promise<GuestRunResult> {
  const r = await runInGuest({ command: o.command, shares: o.shares, timeoutMs: o.timeoutMs, memMiB: o.memMiB });
  return { rc: r.rc, output: `${r.output}\n--- guest console ---\n${r.consoleLog}`, wallMs: r.wallMs };
}
