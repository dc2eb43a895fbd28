// The signal dumps of a real daemon in a lab namespace, sent as an operator or an exporter sends
// them (`kill -s $(keepalived --signum=NAME) PID`), side by side with Debian's keepalived 2.2.7 on
// the same config (trackers, a sync group): keepalived.data, keepalived.stats and
// keepalived.json in $TMPDIR with keepalived's layout (the same sections, the same JSON keys in
// the same order, read by mehdy/keepalived-exporter's rules as keepalived's are), STATS_CLEAR
// prints then clears, TDUMP answers in every process, the parent writes keepalived_parent.data;
// state_dump_file, stats_dump_file, json_dump_file and json_version 2 after a reload. Nothing
// is fatal: parent and child keep their pids and the VIPs stay. The not-acted-on warnings are
// logged once at start-up.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExporterData, parseExporterJson, parseExporterScripts, parseExporterStats } from '../../src/test-kit/keepalived-exporter.js';
import { DEFAULT_KTS_BIN, keepalivedCommand, keepalivedTsCommand, LabDaemon, waitPidFile, type DaemonCommand } from '../lab/lab-daemon.js';
import { createLab, type Lab } from '../lab/netns.js';
import { labInstance, writeTrackerFiles } from '../lab/tracker-lab.js';
import { isAlive, sleep } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';

let lab: Lab;
before(() => {
  lab = createLab(1, 'dmp');
});
after(() => lab.down());

const conf = (run: string, extraGlobal = ''): string => `global_defs {
  router_id r1
  script_user root
  enable_script_security
${extraGlobal}}
vrrp_script chk_up {
  script "${run}/ok.sh"
  interval 1
  weight -20
}
vrrp_track_file tf {
  file "${run}/track"
  weight -2
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
}
${labInstance(1, 150)}${labInstance(2, 100)}${labInstance(3, 120, '  track_script {\n    chk_up\n  }\n  track_file {\n    tf weight 4\n  }\n')}`;

/** `keepalived-ts --signum=NAME`, as exporters ask keepalived. */
function signum(name: string): string {
  const r = spawnSync(process.execPath, [DEFAULT_KTS_BIN, `--signum=${name}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const vips = (): string => execFileSync('ip', ['-n', lab.host(1).ns, '-4', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' });

interface Dumps {
  readonly data: string;
  readonly stats: string;
  readonly json: string;
  readonly statsCleared: string;
  readonly statsAfterClear: string;
  readonly parentData: string;
}

/**
 * Runs `cmd` on the config until all three instances are MASTER, then sends DATA, STATS, JSON,
 * STATS_CLEAR and STATS again to the parent (as kill -s does) and collects what it wrote.
 */
async function collect(cmd: DaemonCommand, check?: (d: LabDaemon, tmp: string) => Promise<void>): Promise<Dumps> {
  const run = mkdtempSync(join(tmpdir(), 'kts-dumps-'));
  const tmp = join(run, 'tmp');
  mkdirSync(tmp);
  writeTrackerFiles(run);
  const d = new LabDaemon(lab, lab.host(1), run, cmd, conf(run), { env: { TMPDIR: tmp } });
  d.start();
  try {
    const parent = await waitPidFile(d.pidFile);
    const vrrp = await waitPidFile(d.vrrpPidFile);
    for (const i of ['VI_1', 'VI_2', 'VI_3']) await d.waitLine(new RegExp(`\\(${i}\\) Entering MASTER STATE`), 0, 15_000);
    await sleep(1500);
    const take = async (fn: string, file: string): Promise<string> => {
      const path = join(tmp, file);
      const before = existsSync(path) ? statSync(path).mtimeMs : 0;
      execFileSync('kill', ['-s', signum(fn), String(parent)]);
      await waitFor(() => existsSync(path) && statSync(path).mtimeMs > before, 5000, `${file} after ${fn} (${cmd.label})`);
      await sleep(100);
      assert.equal(statSync(path).mode & 0o777, 0o600, `${file} is 0600`);
      assert.ok(isAlive(parent) && isAlive(vrrp), `${cmd.label}: parent and VRRP child alive after ${fn}`);
      return readFileSync(path, 'utf8');
    };
    const data = await take('DATA', 'keepalived.data');
    const parentData = readFileSync(join(tmp, 'keepalived_parent.data'), 'utf8');
    const stats = await take('STATS', 'keepalived.stats');
    const json = await take('JSON', 'keepalived.json');
    const statsCleared = await take('STATS_CLEAR', 'keepalived.stats');
    const statsAfterClear = await take('STATS', 'keepalived.stats');
    for (const v of ['192.0.2.100/24', '192.0.2.101/24', '192.0.2.102/24']) assert.ok(vips().includes(v), `${cmd.label}: ${v} still held`);
    if (check) await check(d, tmp);
    d.signal('SIGTERM');
    assert.equal((await d.waitExit(10_000)).code, 0, d.tail());
    return { data, stats, json, statsCleared, statsAfterClear, parentData };
  } finally {
    await d.stop(3000);
    rmSync(run, { recursive: true, force: true });
  }
}

const headings = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('------<'));

let theirs: Dumps;
let ours: Dumps;
let oursLog = '';

test('keepalived-ts and keepalived 2.2.7 on the same config: every dump signal answered, nothing fatal', { timeout: 120_000 }, async () => {
  theirs = await collect(keepalivedCommand());
  ours = await collect(keepalivedTsCommand(), async (d) => {
    oursLog = d.log;
    const vrrp = await waitPidFile(d.vrrpPidFile);
    const from = Date.now();
    // TDUMP has no --signum in 2.2.7's build: SIGRTMAX, as builds with thread dumps use.
    process.kill(d.mainPid() ?? 0, 64);
    await d.waitLine(/Timer dump of the VRRP process\(\d+\) on signal/);
    await d.waitLine(/: {3}\(VI_1\) MASTER, effective priority 150: advert timer in \d+ ms$/);
    await d.waitLine(/: {3}VRRP child process\(\d+\)$/);
    assert.match(d.log, /Timer dump of the parent process\(\d+\) on signal\n.*event loop: /);
    assert.ok(isAlive(vrrp) && Date.now() - from < 5000);
  });
});

test('the not-acted-on warnings are logged once at start-up, with their places', () => {
  const lines = oursLog.split('\n').filter((l) => l.includes('is read but'));
  assert.ok(lines.some((l) => /h1\.conf:6:1: warning: 'vrrp_script' is read but not acted on yet$/.test(l)), lines.join('\n'));
  assert.equal(new Set(lines).size, lines.length, 'once each');
  assert.ok(lines.every((l) => /\.conf:\d+:\d+: warning: '[a-z_]+' is read but (not acted on yet|only partly acted on)/.test(l)), lines.join('\n'));
});

test("data: keepalived's sections, and the exporter reads the same instances and scripts", () => {
  assert.deepEqual(headings(ours.data), headings(theirs.data));
  const strip = (m: ReturnType<typeof parseExporterData>): unknown => [...m.values()];
  assert.deepEqual(strip(parseExporterData(ours.data)), strip(parseExporterData(theirs.data)));
  assert.deepEqual(
    parseExporterScripts(ours.data).map((s) => s.name),
    parseExporterScripts(theirs.data).map((s) => s.name),
  );
  for (const line of [' VRRP Sync Group = G1, MASTER', '   VRRP member instances :', '   Tracked scripts :', '     chk_up weight -20', '   Tracked files :', '     tf, weight 4', ' Track file = tf', '     VI_3, weight 4']) {
    assert.ok(ours.data.split('\n').includes(line) && theirs.data.split('\n').includes(line), `both have '${line}'`);
  }
  assert.deepEqual(headings(ours.parentData), ['------< Global definitions >------']);
  assert.deepEqual(headings(theirs.parentData), ['------< Global definitions >------']);
});

test('stats: the exporter reads ours; STATS_CLEAR prints the counters, then they start again from zero', () => {
  const before = parseExporterStats(ours.statsCleared);
  const after = parseExporterStats(ours.statsAfterClear);
  assert.deepEqual([...parseExporterStats(ours.stats).keys()], [...parseExporterStats(theirs.stats).keys()]);
  for (const [d, name] of [[theirs, 'keepalived'], [ours, 'keepalived-ts']] as const) {
    const b = parseExporterStats(d.statsCleared);
    const a = parseExporterStats(d.statsAfterClear);
    for (const i of ['VI_1', 'VI_2', 'VI_3']) {
      assert.equal(b.get(i)?.['Became master'], 1, `${name} ${i}: printed before clearing`);
      assert.ok((b.get(i)?.['Advertisements/Sent'] ?? 0) >= 1, `${name} ${i}: adverts before`);
      assert.equal(a.get(i)?.['Became master'], 0, `${name} ${i}: cleared`);
      assert.ok((a.get(i)?.['Advertisements/Sent'] ?? 99) < (b.get(i)?.['Advertisements/Sent'] ?? 0), `${name} ${i}: sent counts again from zero`);
    }
  }
  assert.ok(before.size === 3 && after.size === 3);
});

test('json: the same keys in the same order as 2.2.7, decoded by the exporter as keepalived 2.2.7s', () => {
  const keysOf = (text: string): string[][] => (JSON.parse(text) as { data: object; stats: object }[]).map((i) => [...Object.keys(i.data), '|', ...Object.keys(i.stats)]);
  assert.deepEqual(keysOf(ours.json), keysOf(theirs.json));
  const view = (text: string): unknown => parseExporterJson(text).map(({ stats: _s, ...v }) => v);
  assert.deepEqual(view(ours.json), view(theirs.json));
});

test('state_dump_file, stats_dump_file, json_dump_file and json_version 2 (after a reload): the files where global_defs puts them', { timeout: 60_000 }, async () => {
  const run = mkdtempSync(join(tmpdir(), 'kts-dumps-'));
  const tmp = join(run, 'tmp');
  const moved = join(run, 'moved');
  mkdirSync(tmp);
  mkdirSync(moved);
  writeTrackerFiles(run);
  const d = new LabDaemon(lab, lab.host(1), run, keepalivedTsCommand(), conf(run), { env: { TMPDIR: tmp } });
  d.start();
  try {
    const parent = await waitPidFile(d.pidFile);
    const vrrp = await waitPidFile(d.vrrpPidFile);
    await d.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 15_000);
    d.writeConf(conf(run, `  state_dump_file ${moved}/state.txt\n  stats_dump_file ${moved}/\n  json_dump_file sub.json\n  json_version 2\n`));
    d.signal('SIGHUP');
    await d.waitLine(new RegExp(`VRRP child process\\(${vrrp}\\) reload done`));
    await sleep(300);
    for (const fn of ['DATA', 'STATS', 'JSON']) execFileSync('kill', ['-s', signum(fn), String(parent)]);
    const state = await waitFor(() => existsSync(join(moved, 'state.txt')) && readFileSync(join(moved, 'state.txt'), 'utf8'), 5000, 'state_dump_file');
    assert.match(state, /^ VRRP Instance = VI_1$/m);
    assert.ok(existsSync(join(moved, 'keepalived_parent.data')), "the parent's data beside state_dump_file");
    await waitFor(() => existsSync(join(moved, 'keepalived.stats')), 5000, 'stats_dump_file (a directory)');
    const json = await waitFor(() => existsSync(join(tmp, 'sub.json')) && readFileSync(join(tmp, 'sub.json'), 'utf8'), 5000, 'json_dump_file (relative: in $TMPDIR)');
    const doc = JSON.parse(json) as { vrrp: unknown[]; track_process?: unknown };
    assert.equal(doc.vrrp.length, 3, 'json_version 2');
    assert.ok(!existsSync(join(tmp, 'keepalived.data')) && !existsSync(join(tmp, 'keepalived.json')), 'nothing left at the default places');
    assert.ok(isAlive(parent) && isAlive(vrrp));
  } finally {
    await d.stop(3000);
    rmSync(run, { recursive: true, force: true });
  }
});
