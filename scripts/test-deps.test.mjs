// `npm test`'s first step: with a package missing and no permission to install, it prints
// the one apt-get line and fails; with everything there it is silent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = join(dirname(fileURLToPath(import.meta.url)), 'test-deps.mjs');

test('missing packages: the one apt-get line, exit 1 (--check never installs)', () => {
  // A PATH where no command is found: every package counts as missing.
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^ {4}apt-get install -y g\+\+ make iproute2 iputils-ping procps openssl python3 keepalived tcpdump tshark dnsmasq-base nftables util-linux systemd file g\+\+-aarch64-linux-gnu qemu-system-x86 cpio kmod ipvsadm/m);
});

test('this machine has them all (the suite could not run otherwise)', () => {
  const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout + r.stderr, '');
});
