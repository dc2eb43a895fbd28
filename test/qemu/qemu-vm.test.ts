// Boots the IPVS guest once and checks the kernel side works: /proc/net/ip_vs exists and
// ipvsadm can add a service that `ipvsadm -S -n` then reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureQemuPackages, runInGuest } from './qemu-vm.js';

test('qemu guest: ip_vs loaded, ipvsadm programs the guest kernel', { timeout: 180_000 }, async () => {
  ensureQemuPackages();
  const r = await runInGuest({
    command: [
      'set -e',
      'echo "--- proc"; cat /proc/net/ip_vs',
      'ip link add kts0 type dummy',
      'ip addr add 198.51.100.1/24 dev kts0',
      'ip link set kts0 up',
      'ipvsadm -A -t 198.51.100.10:80 -s rr',
      'ipvsadm -a -t 198.51.100.10:80 -r 198.51.100.11:8080 -m -w 3',
      'echo "--- save"; ipvsadm -S -n',
      'echo "--- links"; ip -o link show | wc -l',
    ].join('\n'),
    timeoutMs: 150_000,
  });
  const ctx = `rc=${r.rc} wall=${r.wallMs}ms\n--- output\n${r.output}\n--- console\n${r.consoleLog}`;
  assert.equal(r.rc, 0, ctx);
  assert.match(r.output, /^IP Virtual Server version \d+\.\d+\.\d+/m, ctx);
  const save = r.output.split('--- save\n')[1]?.split('--- links')[0] ?? '';
  assert.deepEqual(save.trim().split('\n'), [
    '-A -t 198.51.100.10:80 -s rr',
    '-a -t 198.51.100.10:80 -r 198.51.100.11:8080 -m -w 3',
  ], ctx);
  // lo + our dummy only: the guest has no network device.
  assert.equal(r.output.split('--- links\n')[1]?.trim(), '2', ctx);
});

test('qemu guest: a failing command reports its exit status', { timeout: 180_000 }, async () => {
  const r = await runInGuest({ command: 'echo before; exit 7', timeoutMs: 150_000 });
  assert.equal(r.rc, 7, r.consoleLog);
  assert.equal(r.output, 'before\n');
});
