/**
 * vrrp_garp_interval end to end (keepalived.conf(5): the delay between gratuitous ARPs sent
 * on an interface), and the same from a garp_group naming the interface: a node becoming MASTER with three VIPs and garp_master_repeat 2 sends
 * its GARPs paced by the interval. Debian's keepalived runs the same config first, as the
 * oracle. Timed on tcpdump's kernel timestamps at a bystander; only bounds that scheduling
 * cannot break are asserted: a burst of n GARPs spans at least n - 1 intervals (a timer never
 * fires early) and at most that plus a generous slack (far less than a wrongly scaled
 * interval would add).
 *
 * keepalived 2.2.7 announces each VIP but, with an interval set, sends fewer than
 * repeat × VIPs (a queued address is not queued again: 100 100 101 102 here), and spaces each
 * GARP at least one interval after the previous one (asserted per gap). keepalived-ts sends
 * repeat × VIPs, round-robin, at fixed offsets from the first, so one late GARP brings the
 * next closer than the interval: only the span is asserted for it until its pacing spaces
 * each GARP from the previous send.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isGarpFor, type Capture, type Frame } from '../lab/capture.js';
import { keepalivedConf } from '../lab/keepalived-conf.js';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand } from '../lab/lab-daemon.js';
import { nowUs, sleep } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { E2e } from './kit.js';

const VIPS = ['192.0.2.100', '192.0.2.101', '192.0.2.102'];
const INTERVAL_MS = 100;
const REPEAT = 2;
const COUNT = VIPS.length * REPEAT;
/** Scheduling slack on the whole burst: far below the (COUNT - 1) intervals a missing pacing would lose. */
const LATE_MS = 1000;

const confWith = (extraGlobal: string[]): string =>
  keepalivedConf({
    routerId: 'garp',
    vrrpVersion: 3,
    extraGlobal,
    // garp_master_delay 10: the second burst comes 10 s later, outside what is looked at.
    instances: [{ name: 'VI_G', iface: 'eth0', vrid: 80, priority: 100, advertInt: 0.2, vips: VIPS.map((v) => `${v}/24`), extra: [`garp_master_repeat ${REPEAT}`, 'garp_master_delay 10'] }],
  });
const conf = confWith([`vrrp_garp_interval ${INTERVAL_MS / 1000}`]);
/** The same interval from a garp_group naming eth0 (keepalived.conf(5) garp_group), a global one ten times longer. */
const groupConf = `${confWith([`vrrp_garp_interval ${(10 * INTERVAL_MS) / 1000}`])}garp_group {\n    garp_interval ${INTERVAL_MS / 1000}\n    interface eth0\n}\n`;

let e: E2e;
let cap: Capture;

before(async () => {
  e = E2e.create(2, 'garp');
  cap = await e.capture(e.host(2), 'arp');
});

after(() => e.teardown());

/** The first burst of GARPs from h1 after its start: which VIP each announced, and their kernel timestamps. */
async function burst(cmd: DaemonCommand, text = conf): Promise<{ vips: string[]; tUs: number[] }> {
  const d = e.daemon(e.host(1), text, { cmd });
  const t0 = d.start();
  try {
    const garp = (f: Frame): boolean => f.kind === 'arp' && f.srcMac === e.host(1).mac && VIPS.some((v) => isGarpFor(f, v));
    const first = await waitFor(() => cap.first(garp, t0), 15_000, () => `${cmd.label}: a GARP from h1\n${e.logTails()}`);
    // The whole burst fits in this window even when late; the second one is 10 s away.
    const windowUs = ((COUNT - 1) * INTERVAL_MS + LATE_MS) * 1000;
    await sleep(windowUs / 1000 - (nowUs() - first.tUs) / 1000 + 200);
    const frames = cap.frames.filter((f) => f.tUs >= first.tUs && f.tUs <= first.tUs + windowUs && garp(f));
    return { vips: frames.map((f) => (f.kind === 'arp' ? f.senderIp : '?')), tUs: frames.map((f) => f.tUs) };
  } finally {
    await d.stop(10_000);
  }
}

/** n GARPs over at least n - 1 intervals, and not far more. */
function assertPaced(label: string, b: { vips: string[]; tUs: number[] }): void {
  const n = b.tUs.length;
  const gaps = b.tUs.slice(1).map((t, i) => Math.round((t - b.tUs[i]!) / 100) / 10);
  console.log(`${label}: GARPs ${b.vips.join(' ')}; gaps ${gaps.join(', ')} ms`);
  assert.deepEqual([...new Set(b.vips)], VIPS, `${label}: every VIP announced, in order`);
  const spanMs = (b.tUs[n - 1]! - b.tUs[0]!) / 1000;
  assert.ok(spanMs >= (n - 1) * INTERVAL_MS - 1, `${label}: ${n} GARPs over ${spanMs} ms: less than ${n - 1} intervals of ${INTERVAL_MS} ms`);
  assert.ok(spanMs <= (n - 1) * INTERVAL_MS + LATE_MS, `${label}: ${n} GARPs over ${spanMs} ms: far more than ${n - 1} intervals`);
}

test("vrrp_garp_interval paces a new master's GARPs (keepalived as the oracle)", async () => {
  const theirs = await burst(keepalivedCommand());
  assertPaced('keepalived', theirs);
  const gapsUs = theirs.tUs.slice(1).map((t, i) => t - theirs.tUs[i]!);
  assert.ok(gapsUs.every((g) => g >= INTERVAL_MS * 1000 - 1000), `keepalived: every GARP at least ${INTERVAL_MS} ms after the previous one`);
  const ours = await burst(keepalivedTsCommand());
  assertPaced('keepalived-ts', ours);
  assert.deepEqual(ours.vips, [...VIPS, ...VIPS], `keepalived-ts: garp_master_repeat ${REPEAT} GARPs per VIP, round-robin`);
  if (ours.vips.join(' ') !== theirs.vips.join(' ')) console.log(`differs from keepalived 2.2.7: ${ours.vips.length} GARPs vs ${theirs.vips.length}`);
});

test("garp_group's garp_interval paces the GARPs on its interface instead of vrrp_garp_interval (keepalived as the oracle)", async () => {
  const theirs = await burst(keepalivedCommand(), groupConf);
  assertPaced('keepalived, garp_group', theirs);
  const ours = await burst(keepalivedTsCommand(), groupConf);
  assertPaced('keepalived-ts, garp_group', ours);
});
