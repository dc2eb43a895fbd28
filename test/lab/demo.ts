/**
 * `npm run demo`: a three-node VRRP failover, narrated. Builds a lab (createLab(3)), runs
 * the daemon on h1/h2/h3 (priorities 150/120/100, VRID 51, VIP 192.0.2.100/24 on eth0),
 * shows who is master, SIGKILLs the master and prints the failover timeline (detection,
 * VIP added, gratuitous ARP on the wire as seen by a bystander), restarts the old master
 * and shows preemption, then removes everything (also on Ctrl-C).
 *
 * Env: DEMO_ADVERT_INT (default 1; fractional ⇒ VRRPv3), DEMO_VRRP_VERSION (2|3),
 * DEMO_DAEMON=keepalived (Debian's keepalived instead of keepalived-ts), KTS_BIN,
 * KEEPALIVED_BIN. Needs root, iproute2, tcpdump, python3.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Capture, isGarpFor, type Frame } from './capture.js';
import { keepalivedConf } from './keepalived-conf.js';
import { daemonCommandFromEnv, LabDaemon } from './lab-daemon.js';
import { createLab, ensureCommands, requireRoot, type Lab, type LabHost } from './netns.js';
import { nowUs, sleep } from './proc.js';
import { waitFor } from './wait.js';
import { vipHolders, VipWatcher } from './vip-watch.js';

const VIP = '192.0.2.100';
const PRIORITIES = [150, 120, 100];

const fmtUs = (us: number): string => {
  const d = new Date(Math.floor(us / 1000));
  return `${d.toISOString().slice(11, 19)}.${String(us % 1_000_000).padStart(6, '0')}`;
};
const since = (us: number | undefined, t0: number): string => (us === undefined ? '      n/a' : `${((us - t0) / 1000).toFixed(1).padStart(9)} ms`);

function timeline(title: string, t0: number, rows: ReadonlyArray<readonly [string, number | undefined]>): void {
  console.log(`\n${title}`);
  for (const [what, t] of rows) console.log(`  ${t === undefined ? '               ' : fmtUs(t)}  ${since(t, t0)}  ${what}`);
}

/** Whether `host` came to hold the VIP (alone, if `sole`) within `ms`. */
async function waitHolder(lab: Lab, host: string, ms: number, sole = true): Promise<boolean> {
  const holds = (): boolean => {
    const h = vipHolders(lab, VIP);
    return h.includes(host) && (!sole || h.length === 1);
  };
  return waitFor(holds, ms, `${host} to hold ${VIP}`, { pollMs: 50 }).then(
    () => true,
    () => false,
  );
}

function showLogTails(daemons: readonly LabDaemon[]): void {
  for (const d of daemons) {
    console.log(`--- last log lines of ${d.host.name}:`);
    for (const l of d.lines.slice(-8)) console.log(`    ${l.text}`);
  }
}

async function main(): Promise<number> {
  requireRoot();
  ensureCommands({ tcpdump: 'tcpdump', python3: 'python3' });
  const advertInt = Number(process.env['DEMO_ADVERT_INT'] ?? '1');
  if (!(advertInt > 0)) throw new Error('DEMO_ADVERT_INT must be a positive number of seconds');
  const version = process.env['DEMO_VRRP_VERSION'] === '3' || !Number.isInteger(advertInt) ? 3 : 2;
  const cmd = daemonCommandFromEnv();
  const runDir = mkdtempSync(join(tmpdir(), 'kts-demo-'));
  // Master-down interval (3 adverts + skew) for the slowest backup, plus margin for start-up.
  const electMs = Math.ceil((3 * advertInt + 1) * 1000) + 5000;

  console.log(`keepalived-ts demo: ${cmd.label}, VRRPv${version}, advert_int ${advertInt} s, VIP ${VIP}/24, run dir ${runDir}`);
  const lab = createLab(3, 'demo');
  const daemons: LabDaemon[] = [];
  const watchers: Array<{ stop(): void }> = [];
  const onSigint = (): void => {
    console.log('\ninterrupted: cleaning up');
    for (const w of watchers) w.stop();
    lab.down();
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    const [h1, h2, h3] = lab.hosts as [LabHost, LabHost, LabHost];
    console.log(`lab ${lab.prefix}: ${lab.hosts.map((h) => `${h.name}=${h.ip4} (${h.mac})`).join(', ')}`);
    const capture = new Capture(lab, h3, 'arp or ip proto 112');
    watchers.push(capture);
    await capture.ready;
    const vips = new VipWatcher(lab, lab.hosts);
    watchers.push(vips);
    await sleep(200);

    for (const [i, h] of lab.hosts.entries()) {
      const conf = keepalivedConf({
        routerId: `kts_${h.name}`,
        vrrpVersion: version,
        instances: [{ name: 'VI_1', iface: 'eth0', vrid: 51, priority: PRIORITIES[i] ?? 100, advertInt, vips: [`${VIP}/24`] }],
      });
      daemons.push(new LabDaemon(lab, h, runDir, cmd, conf));
    }
    const [d1, d2] = daemons as [LabDaemon, LabDaemon, LabDaemon];
    const tStart = nowUs();
    for (const d of daemons) d.start();
    console.log(`\n1. started ${cmd.label} on h1/h2/h3 (priorities ${PRIORITIES.join('/')}); waiting for the election …`);
    if (!(await waitHolder(lab, 'h1', electMs))) {
      console.log(`h1 did not become the sole VIP holder (holders: ${vipHolders(lab, VIP).join(', ') || 'none'})`);
      showLogTails(daemons);
      return 1;
    }
    const m1 = d1.lines.find((l) => /Entering MASTER STATE/.test(l.text));
    console.log(`   master: h1 holds ${VIP}` + (m1 ? ` (entered MASTER ${((m1.tUs - tStart) / 1e6).toFixed(2)} s after start)` : ''));
    await sleep(Math.max(1500, 2 * advertInt * 1000));

    console.log('\n2. SIGKILL of the master h1 (whole process tree) …');
    const tKill = d1.hardKill();
    const fromH1 = (f: Frame): boolean => f.srcMac === h1.mac;
    const fromH2 = (f: Frame): boolean => f.srcMac === h2.mac;
    // A SIGKILLed daemon cannot remove its VIP: h1 keeps a stale copy until it is relaunched.
    const ok2 = await waitHolder(lab, 'h2', electMs, false);
    await sleep(300);
    const detect = d2.lines.find((l) => l.tUs >= tKill && /Entering MASTER STATE/.test(l.text));
    const lastAdvH1 = capture.last((f) => f.kind === 'vrrp' && fromH1(f), tKill + 1000);
    const firstAdvH2 = capture.first((f) => f.kind === 'vrrp' && fromH2(f), tKill);
    const vipAdd = vips.first('h2', VIP, 'add', tKill);
    const garp = capture.first((f) => isGarpFor(f, VIP) && fromH2(f), tKill);
    timeline('failover timeline (µs wall clock; offsets from the kill):', tKill, [
      ['h1 last advert seen on the wire (h3)', lastAdvH1?.tUs],
      ['SIGKILL h1', tKill],
      ['h2 log: "Entering MASTER STATE" (detection)', detect?.tUs],
      ['h2 first advert on the wire', firstAdvH2?.tUs],
      [`${VIP} added on h2 (netlink notification)`, vipAdd?.tUs],
      ['first gratuitous ARP from h2 seen on h3', garp?.tUs],
    ]);
    if (lastAdvH1 && firstAdvH2) console.log(`  master-down as implemented (h1 last advert → h2 first advert): ${((firstAdvH2.tUs - lastAdvH1.tUs) / 1000).toFixed(1)} ms`);
    console.log(`   new master: h2; VIP now on ${vipHolders(lab, VIP).join(', ') || 'none'} (h1's copy is stale: nothing ran to remove it)`);
    if (!ok2) {
      showLogTails(daemons);
      return 1;
    }

    console.log('\n3. restarting h1 (it has the highest priority, so it preempts) …');
    await d1.waitGone();
    const tRestart = d1.start();
    const ok3 = await waitHolder(lab, 'h1', electMs);
    const staleGone = vips.first('h1', VIP, 'del', tRestart);
    await sleep(300);
    const master1 = d1.lines.find((l) => l.tUs >= tRestart && /Entering MASTER STATE/.test(l.text));
    const backup2 = d2.lines.find((l) => l.tUs >= tRestart && /Entering BACKUP STATE/.test(l.text));
    timeline('preemption timeline (offsets from the relaunch):', tRestart, [
      ['h1 relaunched', tRestart],
      ['stale VIP removed from h1 at start-up', staleGone?.tUs],
      ['h1 log: "Entering MASTER STATE"', master1?.tUs],
      ['h2 log: "Entering BACKUP STATE"', backup2?.tUs],
      [`${VIP} added on h1`, vips.first('h1', VIP, 'add', tRestart)?.tUs],
      [`${VIP} removed from h2`, vips.first('h2', VIP, 'del', tRestart)?.tUs],
      ['first gratuitous ARP from h1 seen on h3', capture.first((f) => isGarpFor(f, VIP) && fromH1(f), tRestart)?.tUs],
    ]);
    console.log(`   master: ${vipHolders(lab, VIP).join(', ') || 'none'}`);
    if (!ok3) {
      showLogTails(daemons);
      return 1;
    }

    console.log('\n4. stopping the daemons (SIGTERM) …');
    await Promise.all(daemons.map((d) => d.stop()));
    console.log(`   VIP holders after stop: ${vipHolders(lab, VIP).join(', ') || 'none'}`);
    console.log(`\ndone: logs were ${daemons.reduce((n, d) => n + d.lines.length, 0)} lines; configs in ${runDir}`);
    return 0;
  } finally {
    for (const d of daemons) await d.stop(3000).catch(() => undefined);
    for (const w of watchers) w.stop();
    lab.down();
    process.off('SIGINT', onSigint);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
