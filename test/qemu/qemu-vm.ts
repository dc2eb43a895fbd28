/**
 * Project-owned qemu runner for tests that need IPVS: the host kernel has no ip_vs, so a
 * command runs inside Debian's kernel booted under qemu (TCG unless real VMX/SVM exists) with a
 * busybox initramfs (test/qemu/guest-init.sh). The guest sees the host's / read-only over 9p
 * (tmpfs over /tmp, /run, /var/tmp, /root), so host binaries (node, ipvsadm, keepalived,
 * python3) run unchanged against the guest kernel. A read-write job share carries the command,
 * its output and exit status, at the same path in guest and host (KTS_JOB_DIR in the guest).
 * The guest never gets a network device (-nic none).
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync,
  readdirSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireCommands, requireRoot } from '../lab/netns.js';

export const QEMU_PACKAGES = 'qemu-system-x86 linux-image-amd64 busybox-static kmod cpio ipvsadm';
const QEMU_BIN = 'qemu-system-x86_64';
const BUSYBOX = '/bin/busybox';
/** Bump when the initramfs layout changes in a way the content hash cannot see. */
const LAYOUT_VERSION = '1';

export interface GuestRunOptions {
  /** Shell script text run by /bin/sh inside the chroot of the host root. */
  readonly command: string;
  /** Host directories shared read-write at the same path (under /tmp or /root too: mounted over the guest tmpfs). The repository itself is shared automatically when it lives there. */
  readonly shares?: readonly string[];
  /** Hard limit for the whole boot (qemu is SIGKILLed after it); default 120 s. */
  readonly timeoutMs?: number;
  readonly memMiB?: number;
  /** Job directory to use (created if missing, kept); default: a fresh one, deleted afterwards. */
  readonly jobDir?: string;
}

export interface GuestRunResult {
  /** The command's exit status; -1 when the guest produced none (boot failure, timeout). */
  readonly rc: number;
  readonly output: string;
  readonly consoleLog: string;
  readonly wallMs: number;
}

export function cacheDir(): string {
  return process.env['KTS_QEMU_CACHE'] ?? '/var/cache/keepalived-ts-qemu';
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('qemu-vm: cannot find the repository root');
    dir = up;
  }
  return dir;
}

function guestInitPath(): string {
  return join(repoRoot(), 'test', 'qemu', 'guest-init.sh');
}

function hasIpvsModules(kver: string): boolean {
  return existsSync(`/lib/modules/${kver}/kernel/net/netfilter/ipvs/ip_vs.ko`);
}

/** Newest /boot/vmlinuz-* whose module tree has ip_vs (KTS_QEMU_KVER overrides). */
export function pickKernel(): string | undefined {
  const forced = process.env['KTS_QEMU_KVER'];
  if (forced !== undefined) return hasIpvsModules(forced) ? forced : undefined;
  const versions = existsSync('/boot')
    ? readdirSync('/boot').filter((n) => n.startsWith('vmlinuz-')).map((n) => n.slice('vmlinuz-'.length))
    : [];
  const usable = versions.filter(hasIpvsModules);
  usable.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return usable.at(-1);
}

/** A static binary has no PT_INTERP program header (busybox must run without a libc in the initramfs). */
function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const hdr = Buffer.alloc(64);
    readSync(fd, hdr, 0, 64, 0);
    if (hdr.readUInt32BE(0) !== 0x7f454c46 || hdr[4] !== 2) return false;
    const phoff = Number(hdr.readBigUInt64LE(32));
    const phentsize = hdr.readUInt16LE(54);
    const phnum = hdr.readUInt16LE(56);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3) return false;
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Fail loudly (never skip) when the qemu tool chain or an IPVS-capable kernel is missing. */
export function ensureQemuPackages(): void {
  requireRoot();
  requireCommands({ [QEMU_BIN]: 'qemu-system-x86', modprobe: 'kmod', cpio: 'cpio', ipvsadm: 'ipvsadm', gzip: 'gzip' });
  const problems: string[] = [];
  if (!existsSync(BUSYBOX) || !isStaticElf(BUSYBOX)) problems.push(`a static ${BUSYBOX} (busybox-static)`);
  if (pickKernel() === undefined) problems.push('a /boot/vmlinuz-* with ip_vs modules (linux-image-amd64)');
  if (problems.length > 0) {
    throw new Error(`the qemu IPVS tests need ${problems.join(' and ')}: apt-get install ${QEMU_PACKAGES}`);
  }
}

/** Modules loaded by /init, in dependency order: 9p root, IPVS + schedulers, veth/dummy. */
const GUEST_MODULES = [
  'virtio_pci', '9pnet_virtio', '9p', 'ip_vs',
  'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_lc', 'ip_vs_wlc', 'ip_vs_lblc', 'ip_vs_lblcr', 'ip_vs_dh', 'ip_vs_sh',
  'ip_vs_sed', 'ip_vs_nq', 'ip_vs_fo', 'ip_vs_ovf', 'ip_vs_mh', 'veth', 'dummy',
];

interface ModuleLine {
  readonly path: string;
  readonly args: string;
}

/** kmod's `--show-depends` lists softdeps too (the crc32c provider libcrc32c needs). */
function moduleLines(kver: string): ModuleLine[] {
  const seen = new Set<string>();
  const out: ModuleLine[] = [];
  for (const m of GUEST_MODULES) {
    let text: string;
    try {
      text = execFileSync('modprobe', ['-S', kver, '--show-depends', m], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue; // not built for this kernel (e.g. a scheduler added later): autoload will tell
    }
    for (const line of text.split('\n')) {
      const parts = line.trim().split(/\s+/);
      if (parts[0] !== 'insmod' || parts[1] === undefined || seen.has(parts[1])) continue;
      seen.add(parts[1]);
      out.push({ path: parts[1], args: parts.slice(2).join(' ') });
    }
  }
  return out;
}

/** Build (or reuse) the initramfs for `kver`; the cache key hashes everything that goes in. */
export function ensureInitramfs(kver: string): string {
  const init = readFileSync(guestInitPath());
  const mods = moduleLines(kver);
  const h = createHash('sha256').update(LAYOUT_VERSION).update(kver).update(init).update(JSON.stringify(mods));
  for (const f of [BUSYBOX, ...mods.map((m) => m.path)]) {
    const st = statSync(f);
    h.update(`${f}:${st.size}:${st.mtimeMs}`);
  }
  const out = join(cacheDir(), `initrd-${kver}-${h.digest('hex').slice(0, 12)}.cpio.gz`);
  if (existsSync(out) && statSync(out).size > 0) return out;
  mkdirSync(cacheDir(), { recursive: true });
  const tmp = mkdtempSync(join(cacheDir(), 'build-'));
  try {
    for (const d of ['bin', 'dev', 'proc', 'sys', 'host', 'job', 'tmp', 'etc']) mkdirSync(join(tmp, d));
    copyFileSync(BUSYBOX, join(tmp, 'bin', 'busybox'));
    writeFileSync(join(tmp, 'init'), init, { mode: 0o755 });
    for (const m of mods) {
      mkdirSync(join(tmp, dirname(m.path)), { recursive: true });
      copyFileSync(m.path, join(tmp, m.path));
    }
    writeFileSync(join(tmp, 'etc', 'kts-modules'), mods.map((m) => `${m.path} ${m.args}`.trim()).join('\n') + '\n');
    execFileSync('sh', ['-c', 'find . | cpio -o -H newc --quiet | gzip -1 > "$1"', 'sh', `${out}.tmp`], { cwd: tmp, stdio: 'inherit' });
    renameSync(`${out}.tmp`, out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return out;
}

/** KVM only with real hardware virtualization: a PVM-backed /dev/kvm cannot boot Debian's kernel. */
function accelArgs(): string[] {
  const forced = process.env['KTS_QEMU_ACCEL'];
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const kvm = forced === 'kvm' || (forced !== 'tcg' && existsSync('/dev/kvm') && /\b(vmx|svm)\b/.test(cpuinfo));
  return kvm ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg,thread=multi', '-cpu', 'max'];
}

function fsdev(id: string, path: string, tag: string, readonly: boolean): string[] {
  const ro = readonly ? ',readonly=on' : '';
  return ['-fsdev', `local,id=${id},path=${path},security_model=none${ro},multidevs=remap`, '-device', `virtio-9p-pci,fsdev=${id},mount_tag=${tag}`];
}

/** The guest lays fresh tmpfs over these; a host path below them is invisible unless shared. */
const TMPFS_DIRS = ['/tmp', '/run', '/var/tmp', '/root'];

const underTmpfs = (p: string): boolean => TMPFS_DIRS.some((d) => p === d || p.startsWith(`${d}/`));

function checkSharePath(p: string): void {
  if (TMPFS_DIRS.includes(p)) throw new Error(`qemu-vm: cannot share ${p} itself (the guest overlays it with tmpfs)`);
}

/** Boot a guest, run `opts.command` in it, return its output and exit status. */
export async function runInGuest(opts: GuestRunOptions): Promise<GuestRunResult> {
  ensureQemuPackages();
  const kver = pickKernel();
  if (kver === undefined) throw new Error('unreachable: ensureQemuPackages checked the kernel');
  const initrd = ensureInitramfs(kver);
  const shares = (opts.shares ?? []).map((s) => resolve(s));
  // A checkout under /tmp or /root (CI clones often are) would be hidden by the guest's tmpfs:
  // share it at the same path so the guest runs this tree's dist/ and node_modules/.
  const root = repoRoot();
  if (underTmpfs(root) && !shares.some((s) => root === s || root.startsWith(`${s}/`))) shares.push(root);
  shares.forEach(checkSharePath);
  mkdirSync(join(cacheDir(), 'jobs'), { recursive: true });
  const ownJob = opts.jobDir === undefined;
  const job = opts.jobDir === undefined ? mkdtempSync(join(cacheDir(), 'jobs', 'job-')) : resolve(opts.jobDir);
  checkSharePath(job);
  mkdirSync(job, { recursive: true });
  for (const f of ['out', 'rc', 'console.log']) rmSync(join(job, f), { force: true });
  writeFileSync(join(job, 'cmd.sh'), opts.command + '\n');
  writeFileSync(join(job, 'shares'), shares.map((s) => s + '\n').join(''));
  const timeoutMs = opts.timeoutMs ?? 120_000;
  // The guest stops the command a little before the host kills qemu, so output and rc survive.
  const guestTimeoutS = Math.max(5, Math.floor(timeoutMs / 1000) - 15);
  const args = [
    ...accelArgs(), '-M', 'pc', '-m', String(opts.memMiB ?? 1024), '-smp', '2',
    '-nodefaults', '-no-user-config', '-display', 'none', '-nic', 'none', '-no-reboot',
    '-serial', `file:${join(job, 'console.log')}`,
    '-kernel', `/boot/vmlinuz-${kver}`, '-initrd', initrd,
    '-append', `console=ttyS0 panic=-1 quiet loglevel=3 kts_job=${job} kts_timeout=${guestTimeoutS}`,
    ...fsdev('fsroot', '/', 'hostroot', true),
    ...fsdev('fsjob', job, 'job', false),
    ...shares.flatMap((s, i) => fsdev(`fsshare${i}`, s, `share${i}`, false)),
  ];
  const t0 = performance.now();
  let qemuErr = '';
  const exit = await new Promise<string>((done) => {
    const child = spawn(QEMU_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => (qemuErr += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      done(`spawn error: ${e.message}`);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      done(sig !== null ? `killed by ${sig} (timeout ${timeoutMs} ms)` : `exit ${code ?? '?'}`);
    });
  });
  const wallMs = Math.round(performance.now() - t0);
  const read = (f: string): string => (existsSync(join(job, f)) ? readFileSync(join(job, f), 'utf8') : '');
  const rcText = read('rc').trim();
  const result: GuestRunResult = {
    rc: rcText === '' ? -1 : Number(rcText),
    output: read('out'),
    consoleLog: read('console.log') + (rcText === '' ? `\n[qemu ${exit}] ${qemuErr}` : ''),
    wallMs,
  };
  if (ownJob) rmSync(job, { recursive: true, force: true });
  return result;
}
