// NetlinkIpvsClient against a real IPVS kernel: boots the project's qemu guest
// (test/qemu/qemu-vm.ts) and runs the self-checking guest script
// test/qemu/ipvs-client-guest.ts there (services of every kind, dests NAT/DR/TUN ipip/gue/gre,
// dump vs what was set vs `ipvsadm -S -n`, EEXIST/ENOENT semantics, edits, sync daemon,
// timeouts, flush). The host kernel has no ip_vs, hence the VM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureQemuPackages, runInGuest } from '../qemu/qemu-vm.js';

// dist/test/ipvs/ → the repository root (dist mirrors it; the guest sees the host / read-only).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('NetlinkIpvsClient in a qemu guest with ip_vs: every guest check passes', { timeout: 300_000 }, async () => {
  ensureQemuPackages();
  const r = await runInGuest({ command: `cd '${root}' && node dist/test/qemu/ipvs-client-guest.js`, timeoutMs: 280_000 });
  const ctx = `rc=${r.rc} wall=${r.wallMs}ms\n--- output\n${r.output}\n--- console\n${r.consoleLog}`;
  // Every check the guest script holds must have run and passed: "PASS 0 checks" (or a check
  // skipped by an early return) is a failure, not a pass.
  const expected = (readFileSync(join(root, 'test/qemu/ipvs-client-guest.ts'), 'utf8').match(/^\s*await check\(/gm) ?? []).length;
  assert.ok(expected >= 1, 'the guest script holds checks');
  assert.match(r.output, new RegExp(`^IPVS-GUEST RESULT: PASS ${expected} checks$`, 'm'), ctx);
  assert.deepEqual(
    [...r.output.matchAll(/^ok (\d+) - /gm)].map((m) => Number(m[1])),
    Array.from({ length: expected }, (_, i) => i + 1),
    ctx,
  );
  assert.doesNotMatch(r.output, /^not ok/m, ctx);
  assert.equal(r.rc, 0, ctx);
});
