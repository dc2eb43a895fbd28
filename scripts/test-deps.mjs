// The Debian packages the test suite needs (`npm test` runs this first, and so does .ci/run):
// as root, missing ones are installed with apt-get; otherwise the one apt-get line is printed
// and the run stops. Each entry: how to tell it is there, the package, and which tests use it.
// Run: node scripts/test-deps.mjs [--check]   (--check: report only, never install)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const has = (cmd) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0;

/** A statically linked busybox: the qemu guest's initramfs runs it without a libc. */
const staticBusybox = () => existsSync('/bin/busybox') && spawnSync('ldd', ['/bin/busybox'], { stdio: 'ignore' }).status !== 0;

/** A kernel image with the ip_vs module, for the IPVS tests under qemu (test/qemu). */
function ipvsKernel() {
  if (!existsSync('/boot')) return false;
  return readdirSync('/boot')
    .filter((f) => f.startsWith('vmlinuz-'))
    .some((f) => existsSync(`/lib/modules/${f.slice('vmlinuz-'.length)}/kernel/net/netfilter/ipvs/ip_vs.ko`) || existsSync(`/lib/modules/${f.slice('vmlinuz-'.length)}/kernel/net/netfilter/ipvs/ip_vs.ko.xz`));
}

export const NEEDS = [
  { test: () => has('g++'), pkg: 'g++', why: 'compiling the native addon at npm ci' },
  { test: () => has('make'), pkg: 'make', why: 'compiling the native addon at npm ci' },
  { test: () => has('ip'), pkg: 'iproute2', why: 'network-namespace labs' },
  { test: () => has('ping'), pkg: 'iputils-ping', why: 'PING_CHECK and lab checks' },
  { test: () => has('sysctl'), pkg: 'procps', why: 'sysctl in the lab namespaces' },
  { test: () => has('openssl'), pkg: 'openssl', why: "the TLS test servers' certificates" },
  { test: () => has('python3'), pkg: 'python3', why: 'the lab reaper, SMTP/HTTP test servers' },
  { test: () => has('keepalived'), pkg: 'keepalived', why: 'interop and oracle tests' },
  { test: () => has('tcpdump'), pkg: 'tcpdump', why: 'captures' },
  { test: () => has('tshark'), pkg: 'tshark', why: 'advert dissection' },
  { test: () => has('dnsmasq'), pkg: 'dnsmasq-base', why: 'DNS_CHECK' },
  { test: () => has('nft'), pkg: 'nftables', why: 'loss and partitions in the chaos runs (test/chaos)' },
  { test: () => has('unshare') && has('setpriv'), pkg: 'util-linux', why: 'private mounts, non-root runs (test/ops)' },
  { test: () => has('systemd-analyze'), pkg: 'systemd', why: 'unit file checks (test/ops)' },
  { test: () => has('file'), pkg: 'file', why: 'prebuilt addon checks (test/ops)' },
  { test: () => has('aarch64-linux-gnu-g++'), pkg: 'g++-aarch64-linux-gnu', why: 'the linux-arm64 prebuilt addon (test/ops)' },
  { test: () => has('qemu-system-x86_64'), pkg: 'qemu-system-x86', why: 'IPVS tests under qemu' },
  { test: () => has('cpio'), pkg: 'cpio', why: 'the qemu guest initramfs' },
  { test: () => has('modprobe'), pkg: 'kmod', why: 'the qemu guest modules' },
  { test: () => has('ipvsadm'), pkg: 'ipvsadm', why: 'IPVS table comparisons' },
  { test: staticBusybox, pkg: 'busybox-static', why: 'the qemu guest initramfs' },
  { test: ipvsKernel, pkg: 'linux-image-amd64', why: 'a kernel with ip_vs for qemu' },
];

export function missingPackages() {
  return [...new Set(NEEDS.filter((n) => !n.test()).map((n) => n.pkg))];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = missingPackages();
  if (missing.length === 0) process.exit(0);
  const line = `apt-get install -y ${missing.join(' ')}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.argv.includes('--check') || !root) {
    console.error(`The tests need these Debian packages: ${missing.join(', ')}.\nInstall them (as root) with:\n\n    ${line}\n`);
    process.exit(1);
  }
  console.log(`installing the Debian packages the tests need: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  const still = missingPackages();
  if (still.length > 0) {
    console.error(`still missing after apt-get: ${still.join(', ')}`);
    process.exit(1);
  }
}
