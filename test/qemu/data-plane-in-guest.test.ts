// ipvlan links and MPLS route encapsulation against Debian's kernel: boots the project's qemu
// guest (test/qemu/qemu-vm.ts) and runs test/qemu/data-plane-guest.ts there. The host kernel
// has neither (RTM_NEWLINK answers "Unknown device type", MPLS encap "lwt encapsulation type
// not supported"), hence the VM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureQemuPackages, runInGuest } from './qemu-vm.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('ipvlan and MPLS encap in a qemu guest: every guest check passes', { timeout: 300_000 }, async () => {
  ensureQemuPackages();
  const r = await runInGuest({ command: `cd '${root}' && node dist/test/qemu/data-plane-guest.js`, timeoutMs: 280_000 });
  const ctx = `rc=${r.rc} wall=${r.wallMs}ms\n--- output\n${r.output}\n--- console\n${r.consoleLog}`;
  assert.match(r.output, /^DATA-PLANE-GUEST RESULT: PASS \d+ checks$/m, ctx);
  assert.doesNotMatch(r.output, /^not ok/m, ctx);
  assert.equal(r.rc, 0, ctx);
});
