/**
 * Safe reload (keepalived(8) SIGNALS, HUP; keepalived.conf(5) reload_check_config): the
 * parent reads the new file before any child sees it. A file that cannot run is refused and
 * the children never hear of it; with reload_check_config, a file `-t` finds fault with on
 * this host (an interface that does not exist) is refused too and the report goes to its
 * LOGFILE; without it, that file reaches the VRRP child, which refuses it and says so — and
 * the daemon reports each outcome in its log and in `keepalived-ts status`. Through all of
 * it the running instance stays MASTER with its VIP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlResponse } from '../../src/process/control-protocol.js';
import { keepalivedConf, manyVirtualServersConf } from '../lab/keepalived-conf.js';
import { DEFAULT_KTS_BIN, keepalivedTsCommand, LabDaemon } from '../lab/lab-daemon.js';
import { createLab } from '../lab/netns.js';
import { nowUs, sleep } from '../lab/proc.js';
import { vipHolders } from '../lab/vip-watch.js';

const VIP = '198.51.100.71';
const conf = (o: { prio?: number; iface?: string; vrid?: number; check?: string } = {}): string =>
  keepalivedConf({
    routerId: 'sr',
    vrrpVersion: 2,
    extraGlobal: o.check !== undefined ? [`reload_check_config ${o.check}`] : [],
    instances: [{ name: 'VI_1', iface: o.iface ?? 'eth0', vrid: o.vrid ?? 71, priority: o.prio ?? 150, advertInt: 1, vips: [`${VIP}/32`] }],
  });

type StatusDoc = Extract<ControlResponse, { ok: true }>['status'];

function status(pidFile: string): StatusDoc {
  const r = spawnSync(process.execPath, [DEFAULT_KTS_BIN, 'status', '--json', '-p', pidFile], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as StatusDoc;
}

test('a reload the daemon cannot run leaves it untouched and says why (log, status); a good one applies', async () => {
  const lab = createLab(1, 'srl');
  const dir = mkdtempSync(join(tmpdir(), 'kts-sr-'));
  const d = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), conf());
  const checkLog = join(dir, 'reload-check.log');
  try {
    d.start();
    await d.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 15_000);
    const held = (): void => assert.deepEqual(vipHolders(lab, VIP), ['h1'], `the VIP stays\n${d.lines.slice(-15).map((l) => l.text).join('\n')}`);
    /** SIGHUP with `text`; waits for the reload's outcome in the status document. */
    const reload = async (text: string): Promise<{ t0: number; doc: StatusDoc }> => {
      d.writeConf(text);
      const t0 = nowUs();
      const before = Date.now();
      d.signal('SIGHUP');
      for (let i = 0; i < 200; i++) {
        const doc = status(d.pidFile);
        const r = doc.daemon.lastReload;
        if (r !== null && r.ok !== null && r.atWallMs >= before) return { t0, doc };
        await sleep(100);
      }
      assert.fail(`no reload outcome\n${d.lines.slice(-15).map((l) => l.text).join('\n')}`);
    };
    const childLines = (re: RegExp, t0: number): string[] => d.lines.filter((l) => l.tUs >= t0 && re.test(l.text)).map((l) => l.text);

    // 1. Cannot run (VRID out of range): refused by the parent; the child never reloads.
    const fatal = await reload(conf({ vrid: 300 }));
    assert.equal(fatal.doc.daemon.lastReload?.ok, false);
    assert.match(fatal.doc.daemon.lastReload?.reason ?? '', /configuration cannot run/);
    await d.waitLine(/Reload refused, the running configuration stays in force: configuration cannot run/, fatal.t0, 5000);
    assert.deepEqual(childLines(/: Reloading$/, 0), [], 'the VRRP child was not asked');
    held();

    // 2. Without reload_check_config an absent interface reaches the child, which refuses it.
    const absent = await reload(conf({ iface: 'eth9' }));
    assert.equal(absent.doc.daemon.lastReload?.ok, false, d.lines.map((l) => l.text).join('\n'));
    assert.match(absent.doc.daemon.lastReload?.reason ?? '', /^vrrp: .*interface eth9 does not exist/);
    await d.waitLine(/Reload failed, keeping the running configuration: .*eth9/, absent.t0, 5000);
    assert.equal(absent.doc.instances[0]?.state, 'MASTER');
    held();

    // 3. A good one, turning reload_check_config on: applied by the child.
    const good = await reload(conf({ prio: 160, check: checkLog }));
    assert.equal(good.doc.daemon.lastReload?.ok, true, JSON.stringify(good.doc.daemon.lastReload));
    assert.equal(good.doc.instances[0]?.basePriority, 160);
    assert.equal(good.doc.instances[0]?.state, 'MASTER');
    // The parent logs the child's answer after the child's own lines (one pipe): none is still on its way.
    await d.waitLine(/VRRP child process\(\d+\) reload done/, good.t0, 5000);
    const reloadings = childLines(/: Reloading$/, 0).length;

    // 4. With it, the same absent interface is refused before the child hears of it, and -t's report is in LOGFILE.
    const checked = await reload(conf({ prio: 170, iface: 'eth9', check: checkLog }));
    assert.equal(checked.doc.daemon.lastReload?.ok, false);
    assert.match(checked.doc.daemon.lastReload?.reason ?? '', /^reload_check_config: the configuration test exits/);
    await d.waitLine(/Reload refused, the running configuration stays in force: reload_check_config/, checked.t0, 5000);
    assert.equal(childLines(/: Reloading$/, 0).length, reloadings, 'the VRRP child was not asked');
    assert.ok(existsSync(checkLog));
    assert.match(readFileSync(checkLog, 'utf8'), /eth9/);
    assert.equal(checked.doc.instances[0]?.basePriority, 160, 'the running configuration stays');
    held();
  } finally {
    await d.stop();
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a SIGHUP while the parent still reads a large file at start-up is kept for after it, not fatal', async () => {
  const lab = createLab(1, 'srs');
  const dir = mkdtempSync(join(tmpdir(), 'kts-sr-'));
  // VRRP only (the lab contract's --vrrp): the 30,000 real servers are read, never checked.
  const d = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(), conf() + manyVirtualServersConf(2000));
  try {
    d.start();
    await d.waitLine(/Configuration file /, 0, 10_000);
    d.signal('SIGHUP');
    const early = await d.waitLine(/SIGHUP during start-up/, 0, 10_000);
    const startup = await d.waitLine(/Startup complete/, 0, 60_000);
    assert.ok(early.tUs < startup.tUs, 'the signal came during the first read');
    await d.waitLine(/VRRP child process\(\d+\) reload done/, startup.tUs, 60_000);
    await d.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 15_000);
    assert.equal(status(d.pidFile).daemon.lastReload?.ok, true);
  } finally {
    await d.stop();
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
