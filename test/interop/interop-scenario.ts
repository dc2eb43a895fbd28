/**
 * Interop scenario: Debian's keepalived (h1) and keepalived-ts (h2) as one VRRP pair on a
 * netns lab segment, h3 a bystander capturing the wire. Two rounds in the same lab:
 * keepalived high (150) / keepalived-ts low (100), then swapped. Each round checks
 *   elect     both launched → the high side is the sole VIP holder, and stays so;
 *   graceful  SIGTERM high → its priority-0 advert, then low holds the VIP within
 *             skew + margin of that advert (RFC 3768/5798 §6.4.2: Skew_Time, not Master_Down);
 *   preempt   high relaunched → low yields, high sole holder;
 *   hard      SIGKILL of high's tree → low holds the VIP within Master_Down + margin of the
 *             kill, and not before Master_Down after high's last advert;
 *   split     no dual holding as long as an advert interval (before the kill: afterwards the
 *             killed side keeps a stale VIP by design);
 * and, decoded by tshark from the round's pcap, every advert of each side: good VRRP (and
 * IPv4 header) checksum, TTL/hop limit 255, configured version/type/VRID/interval/auth/VIP
 * (with `auth_type AH`: an AH header whose SPI is the sender), the right destination, and both
 * the configured priority and the priority-0 one present. With AH each side accepts the other's
 * adverts only if its ICV and sequence number check out, so every takeover above proves them.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterDownIntervalUs, skewTimeUs } from '../../src/vrrp/timers.js';
import { PcapCapture } from '../lab/capture.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { keepalivedCommand, keepalivedTsCommand, LabDaemon, type DaemonCommand } from '../lab/lab-daemon.js';
import { createLab, requireCommands, type Lab, type LabHost } from '../lab/netns.js';
import { nowUs, sleep } from '../lab/proc.js';
import { tsharkAdverts, type TsharkAdvert } from '../lab/tshark.js';
import { vipHolders, VipWatcher } from '../lab/vip-watch.js';
import { waitFor } from '../lab/wait.js';

export interface InteropCase {
  /** ≤4 characters, for namespace and directory names. */
  readonly tag: string;
  readonly version: 2 | 3;
  readonly family: 4 | 6;
  /** Seconds; VRRPv2 needs whole seconds. */
  readonly advertInt: number;
  readonly unicast?: boolean;
  /** `authentication { auth_type PASS auth_pass … }` (VRRPv2 only). */
  readonly authPass?: string;
  /** `authentication { auth_type AH auth_pass … }` (VRRPv2/IPv4 only): IPsec AH, IP protocol 51. */
  readonly authAh?: string;
}

export interface Check {
  readonly round: number;
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface InteropResult {
  readonly checks: readonly Check[];
  /** Last log lines of every daemon launch, for failure messages. */
  readonly logTails: string;
  /** Kept only when a check failed. */
  readonly runDir: string;
}

const VRID = 51;
const PRIO_HIGH = 150;
const PRIO_LOW = 100;
/** Slack over Skew_Time for acting on a priority-0 advert (receive, FSM, netlink add). */
const GRACEFUL_MARGIN_US = 250_000;
/** Slack over Master_Down_Interval for a hard takeover. */
const HARD_MARGIN_US = 400_000;
/** Timer precision and clock skew between tcpdump's and ip-monitor's stamps. */
const EARLY_TOLERANCE_US = 20_000;
/** A daemon's start-up (Node boot for keepalived-ts) on a loaded 2-core machine, for timeouts only. */
const STARTUP_MS = 4000;

interface Side {
  readonly host: LabHost;
  readonly cmd: DaemonCommand;
}

/** Fails loudly when a Debian package the suite needs is missing. */
export function requireInteropTools(): void {
  requireCommands({ keepalived: 'keepalived', tcpdump: 'tcpdump', tshark: 'tshark', python3: 'python3', ip: 'iproute2' });
  keepalivedCommand();
  keepalivedTsCommand();
}

const ms = (us: number): string => (us / 1000).toFixed(1);

/** Whether `pred` came true within `timeoutMs` (a scenario records a miss instead of throwing). */
const until = (pred: () => boolean, timeoutMs: number): Promise<boolean> =>
  waitFor(pred, timeoutMs, 'the scenario step', { pollMs: 10 }).then(
    () => true,
    () => false,
  );

/** Longest and total time (µs) both hosts held `vip` within [fromUs, toUs), from the notifications. */
export function dualHolding(events: VipWatcher['events'], vip: string, hosts: readonly [string, string], fromUs: number, toUs: number): { longestUs: number; totalUs: number } {
  const held = new Map<string, boolean>(hosts.map((h) => [h, false]));
  let since: number | undefined;
  let longestUs = 0;
  let totalUs = 0;
  const close = (t: number): void => {
    if (since === undefined) return;
    const d = Math.max(0, t - Math.max(since, fromUs));
    longestUs = Math.max(longestUs, d);
    totalUs += d;
    since = undefined;
  };
  for (const e of [...events].sort((a, b) => a.tUs - b.tUs)) {
    if (e.address !== vip || !held.has(e.host) || e.tUs >= toUs) continue;
    held.set(e.host, e.type === 'add');
    const both = [...held.values()].every(Boolean);
    if (both && since === undefined) since = e.tUs;
    if (!both) close(Math.max(e.tUs, fromUs));
  }
  close(toUs);
  return { longestUs, totalUs };
}

class Round {
  readonly checks: Check[] = [];
  readonly daemons: LabDaemon[] = [];
  private readonly vip: string;
  private readonly advUs: number;
  private readonly advCs: number;

  constructor(
    private readonly c: InteropCase,
    private readonly lab: Lab,
    private readonly watcher: VipWatcher,
    private readonly n: number,
    private readonly high: Side,
    private readonly low: Side,
    private readonly dir: string,
  ) {
    this.vip = c.family === 6 ? '2001:db8::100' : '192.0.2.100';
    this.advCs = Math.round(c.advertInt * 100);
    this.advUs = this.advCs * 10_000;
  }

  private check(name: string, ok: boolean, detail: string): void {
    this.checks.push({ round: this.n, name, ok, detail });
  }

  private conf(self: Side, peer: Side, priority: number): string {
    const extra: string[] = [];
    if (this.c.unicast === true) {
      const ip = (h: LabHost): string => (this.c.family === 6 ? h.ip6 : h.ip4);
      extra.push(`unicast_src_ip ${ip(self.host)}`, 'unicast_peer {', `    ${ip(peer.host)}`, '}');
    }
    if (this.c.authPass !== undefined) extra.push('authentication {', '    auth_type PASS', `    auth_pass ${this.c.authPass}`, '}');
    if (this.c.authAh !== undefined) extra.push('authentication {', '    auth_type AH', `    auth_pass ${this.c.authAh}`, '}');
    return keepalivedConf({
      routerId: `kts_${self.host.name}`,
      vrrpVersion: this.c.version,
      instances: [{ name: 'VI_1', iface: 'eth0', vrid: VRID, priority, advertInt: this.c.advertInt, vips: [`${this.vip}/${this.c.family === 6 ? 64 : 24}`], extra }],
    });
  }

  private holders(): string[] {
    return this.watcher.holdersAt(this.vip, [this.high.host.name, this.low.host.name]);
  }

  private sole(h: Side): () => boolean {
    return () => {
      const x = this.holders();
      return x.length === 1 && x[0] === h.host.name;
    };
  }

  /** The notifications say `h` is the sole holder; confirm with a poll of the interfaces. */
  private polled(): string {
    return vipHolders(this.lab, this.vip, [this.high.host, this.low.host]).join(',') || 'none';
  }

  async run(): Promise<void> {
    const { high, low, c } = this;
    const label = (s: Side): string => `${s.cmd.label}@${s.host.name}`;
    const skewLowUs = skewTimeUs(c.version, PRIO_LOW, this.advCs);
    const downLowUs = masterDownIntervalUs(c.version, PRIO_LOW, this.advCs, 3);
    const downHighUs = masterDownIntervalUs(c.version, PRIO_HIGH, this.advCs, 3);
    if (skewLowUs + GRACEFUL_MARGIN_US >= downLowUs) throw new Error('advert_int too short: the graceful bound would not tell skew from master-down');
    const steadyMs = Math.max(1000, (2 * this.advUs) / 1000);
    const settleMs = Math.max(400, this.advUs / 1000);
    const electMs = downHighUs / 1000 + STARTUP_MS;

    mkdirSync(this.dir, { recursive: true });
    const pcap = join(this.dir, 'h3.pcap');
    const capture = new PcapCapture(this.lab, this.lab.host(3), pcap);
    await capture.ready;
    const dHigh = new LabDaemon(this.lab, high.host, this.dir, high.cmd, this.conf(high, low, PRIO_HIGH));
    const dLow = new LabDaemon(this.lab, low.host, this.dir, low.cmd, this.conf(low, high, PRIO_LOW));
    this.daemons.push(dHigh, dLow);
    try {
      // elect
      const tStart = dHigh.start();
      dLow.start();
      let ok = await until(this.sole(high), electMs);
      this.check('elect', ok, `high=${label(high)} sole holder ${ok ? `after ${ms(nowUs() - tStart)} ms` : `not within ${electMs} ms`}; polled holders=${this.polled()}`);
      const tSteady = nowUs();
      await sleep(steadyMs);
      const flaps = this.watcher.events.filter((e) => e.address === this.vip && e.tUs >= tSteady).length;
      ok = this.sole(high)() && flaps === 0;
      this.check('steady', ok, `${steadyMs} ms after the election: holders=${this.holders().join(',') || 'none'} polled=${this.polled()} vip_events=${flaps}`);

      // graceful: SIGTERM high (timings are read from the capture at the end of the round)
      const tTerm = (await dHigh.stop(10_000)) ?? nowUs();
      const gracefulOk = await until(this.sole(low), downLowUs / 1000 + 2000);
      const gracefulPolled = this.polled();
      await dHigh.waitGone();
      await sleep(settleMs);

      // preempt: relaunch high
      const tRelaunch = dHigh.start();
      ok = await until(this.sole(high), electMs);
      const lowDel = this.watcher.first(low.host.name, this.vip, 'del', tRelaunch);
      const highAdd = this.watcher.first(high.host.name, this.vip, 'add', tRelaunch);
      this.check(
        'preempt',
        ok && lowDel !== undefined,
        `relaunch ${label(high)} → its VIP ${highAdd ? `${ms(highAdd.tUs - tRelaunch)} ms` : 'never'}, ${label(low)} yields ${lowDel ? `${ms(lowDel.tUs - tRelaunch)} ms` : 'never'}; polled=${this.polled()}`,
      );
      await sleep(settleMs);

      // hard: SIGKILL high's tree; its VIP stays behind (nothing ran to remove it)
      const tKill = dHigh.hardKill();
      const hardOk = await until(() => this.holders().includes(low.host.name), (downLowUs + HARD_MARGIN_US) / 1000 + 2000);
      await sleep(settleMs);
      const split = dualHolding(this.watcher.events, this.vip, [high.host.name, low.host.name], tStart, tKill);
      this.check('no_persistent_split_brain', split.longestUs < this.advUs, `before the kill: longest dual holding ${ms(split.longestUs)} ms, total ${ms(split.totalUs)} ms (limit ${ms(this.advUs)} ms)`);

      // end: SIGTERM low (master now: its priority-0 advert), remove high's stale VIP
      await dLow.stop(10_000);
      await dHigh.waitGone();
      await dLow.waitGone();
      if (vipHolders(this.lab, this.vip, [high.host]).length > 0) {
        this.lab.exec(high.host, ['ip', 'addr', 'del', `${this.vip}/${c.family === 6 ? 64 : 24}`, 'dev', 'eth0']);
      }
      await sleep(100);
      await capture.stop();
      const rows = tsharkAdverts(pcap);

      const prio0 = rows.find((a) => a.srcMac === high.host.mac && a.priority === 0 && a.tUs >= tTerm);
      const lowAdd = this.watcher.first(low.host.name, this.vip, 'add', tTerm);
      const actUs = prio0 && lowAdd ? lowAdd.tUs - prio0.tUs : undefined;
      this.check(
        'graceful',
        gracefulOk && actUs !== undefined && actUs <= skewLowUs + GRACEFUL_MARGIN_US,
        `SIGTERM ${label(high)} → prio-0 advert ${prio0 ? `${ms(prio0.tUs - tTerm)} ms` : 'MISSING'}; → VIP on ${label(low)} ${actUs === undefined ? 'never' : `${ms(actUs)} ms`} after it (bound skew ${ms(skewLowUs)} + ${ms(GRACEFUL_MARGIN_US)} ms); low sole holder=${gracefulOk} polled=${gracefulPolled}`,
      );

      const lastHigh = [...rows].reverse().find((a) => a.srcMac === high.host.mac && a.tUs <= tKill + 5000);
      const takeover = this.watcher.first(low.host.name, this.vip, 'add', tKill);
      const fromKill = takeover ? takeover.tUs - tKill : undefined;
      const fromLast = takeover && lastHigh ? takeover.tUs - lastHigh.tUs : undefined;
      this.check(
        'hard',
        hardOk && fromKill !== undefined && fromKill <= downLowUs + HARD_MARGIN_US && fromLast !== undefined && fromLast >= downLowUs - EARLY_TOLERANCE_US,
        `SIGKILL ${label(high)} → VIP on ${label(low)} ${fromKill === undefined ? 'never' : `${ms(fromKill)} ms`} (bound master-down ${ms(downLowUs)} + ${ms(HARD_MARGIN_US)} ms); since its last advert ${fromLast === undefined ? '?' : `${ms(fromLast)} ms`} (must be ≥ master-down)`,
      );

      this.checkWire(high, low, PRIO_HIGH, rows);
      this.checkWire(low, high, PRIO_LOW, rows);
    } finally {
      for (const d of this.daemons) await d.stop(3000);
      await capture.stop();
    }
  }

  private checkWire(self: Side, peer: Side, priority: number, rows: readonly TsharkAdvert[]): void {
    const c = this.c;
    const mine = rows.filter((a) => a.srcMac === self.host.mac);
    const dst = c.unicast === true ? (c.family === 6 ? peer.host.ip6 : peer.host.ip4) : c.family === 6 ? 'ff02::12' : '224.0.0.18';
    const wantInt = c.version === 3 ? this.advCs : c.advertInt;
    const problems = new Map<string, number>();
    const bad = (what: string): void => void problems.set(what, (problems.get(what) ?? 0) + 1);
    for (const a of mine) {
      if (a.checksum !== 'good') bad(`vrrp_checksum_${a.checksum}`);
      if (c.family === 4 && a.ipChecksum !== 'good') bad(`ip_checksum_${a.ipChecksum}`);
      if (a.family !== c.family) bad('family');
      if (a.ttl !== 255) bad(`ttl_${a.ttl}`);
      if (a.version !== c.version) bad(`version_${a.version}`);
      if (a.type !== 1) bad(`type_${a.type}`);
      if (a.vrid !== VRID) bad(`vrid_${a.vrid}`);
      if (a.advertInt !== wantInt) bad(`adver_int_${a.advertInt}`);
      if (a.dst !== dst) bad(`dst_${a.dst}`);
      if (c.family === 6 && !a.src.startsWith('fe80:')) bad('src_not_link_local');
      if (c.family === 4 && a.src !== self.host.ip4) bad(`src_${a.src}`);
      if (a.addresses.length !== 1 || a.addresses[0] !== this.vip) bad(`vips_${a.addresses.join('+')}`);
      if (c.version === 2) {
        const wantType = c.authPass !== undefined ? 1 : c.authAh !== undefined ? 2 : 0;
        if (a.authType !== wantType) bad(`auth_type_${a.authType}`);
        if (c.authPass !== undefined && a.authString !== c.authPass) bad(`auth_string_${a.authString}`);
      }
      // AH: every advert behind an AH header whose SPI is the sender's address (RFC 2402 as keepalived uses it).
      if (c.authAh !== undefined && a.ah === null) bad('no_ah_header');
      if (c.authAh !== undefined && a.ah !== null && a.ah.spi !== a.src) bad(`ah_spi_${a.ah.spi}`);
      if (c.authAh === undefined && a.ah !== null) bad('unexpected_ah_header');
    }
    const who = `${self.cmd.label}@${self.host.name}`;
    const summary = [...problems].map(([k, v]) => `${k}×${v}`).join(' ') || 'none';
    this.check(`wire_${self.cmd.label}`, mine.length > 0 && problems.size === 0, `${who}: ${mine.length} adverts decoded by tshark, problems: ${summary}`);
    const prios = [...new Set(mine.map((a) => a.priority))].sort((a, b) => a - b);
    this.check(`prio0_${self.cmd.label}`, prios.includes(0) && prios.includes(priority), `${who}: priorities on the wire ${prios.join(',') || 'none'} (want ${priority} and 0)`);
  }
}

/** Runs both rounds of `c` in one lab; never throws for a failed check (only for a broken lab). */
export async function runInteropCase(c: InteropCase): Promise<InteropResult> {
  requireInteropTools();
  const runDir = mkdtempSync(join(tmpdir(), `kts-interop-${c.tag}-`));
  const lab = createLab(3, c.tag, { hub: c.unicast === true });
  const checks: Check[] = [];
  const daemons: LabDaemon[] = [];
  const watcher = new VipWatcher(lab, [lab.host(1), lab.host(2)]);
  try {
    await sleep(300); // let `ip monitor` subscribe before anything can add a VIP
    const kal: Side = { host: lab.host(1), cmd: keepalivedCommand() };
    const kts: Side = { host: lab.host(2), cmd: keepalivedTsCommand() };
    for (const [n, high, low] of [[1, kal, kts], [2, kts, kal]] as const) {
      const r = new Round(c, lab, watcher, n, high, low, join(runDir, `round${n}`));
      try {
        await r.run();
      } finally {
        checks.push(...r.checks);
        daemons.push(...r.daemons);
      }
    }
  } finally {
    watcher.stop();
    lab.down();
  }
  const logTails = daemons
    .map((d, i) => `--- ${d.host.name} (launch set ${Math.floor(i / 2) + 1}):\n${d.lines.slice(-15).map((l) => `    ${l.text}`).join('\n')}`)
    .join('\n');
  const failed = checks.some((x) => !x.ok);
  if (!failed) rmSync(runDir, { recursive: true, force: true });
  return { checks, logTails, runDir };
}
