/**
 * Regenerates test/fixtures/keepalived-dumps/trackers/: runs Debian's keepalived (2.2.7) in h1
 * of a one-host lab with a vrrp_script (one passing, one failing), a vrrp_track_file, a
 * vrrp_track_process and a vrrp_sync_group, then sends it the signals a monitoring agent
 * sends (keepalived --signum=DATA/STATS/JSON/STATS_CLEAR, and SIGRTMAX, which a build with
 * thread dumps names TDUMP) and keeps what it wrote: keepalived.data, keepalived.stats,
 * keepalived.json, the stats after STATS_CLEAR, the stats after a second STATS (cleared
 * counters) and its log. TMPDIR points into the run directory, so nothing lands in /tmp.
 *
 *   npm run build && node dist/test/lab/capture-keepalived-dumps.js [--out DIR]
 *
 * Needs root and keepalived. Everything happens inside the lab's namespace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { keepalivedCommand, LabDaemon, waitPidFile } from './lab-daemon.js';
import { createLab } from './netns.js';
import { labInstance, writeTrackerFiles } from './tracker-lab.js';
import { sleep } from './proc.js';
import { waitFor } from './wait.js';

/** The capture's config; RUN is replaced by the run directory (scripts and the tracked file live there). */
export const CAPTURE_CONF = `global_defs {
  router_id r1
  script_user root
  enable_script_security
}
vrrp_script chk_up {
  script "RUN/ok.sh"
  interval 1
  weight -20
  rise 2
  fall 3
}
vrrp_script chk_down {
  script "RUN/fail.sh"
  interval 1
  timeout 2
  weight 10
}
vrrp_track_file tf {
  file "RUN/track"
  weight -2
  init_file 0
}
vrrp_track_process tp {
  process sleep
  quorum 1
  weight 5
  delay 1
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
  notify_master "RUN/ok.sh master"
}
${labInstance(1, 150, '  track_script {\n    chk_up\n  }\n')}${labInstance(2, 100)}${labInstance(
  3,
  120,
  `  track_interface {
    eth0 weight 4
  }
  track_script {
    chk_up
    chk_down weight 3 reverse
  }
  track_file {
    tf weight 4
  }
  track_process {
    tp
  }
`,
)}vrrp_instance VI_4 {
  state BACKUP
  interface eth0
  virtual_router_id 54
  priority 90
  advert_int 0.5
  version 3
  nopreempt
  track_interface {
    dum0 weight -30 reverse
  }
  notify_master "RUN/ok.sh VI_4 master"
  notify_backup "RUN/ok.sh VI_4 backup"
  notify "RUN/ok.sh"
  virtual_ipaddress {
    192.0.2.104/24
    192.0.2.105
  }
  virtual_ipaddress_excluded {
    198.51.100.104/24
  }
  virtual_routes {
    203.0.113.0/24 via 192.0.2.1 dev eth0
  }
}
vrrp_instance VI_5 {
  state BACKUP
  interface eth0
  virtual_router_id 55
  priority 100
  advert_int 2
  preempt_delay 3
  authentication {
    auth_type PASS
    auth_pass secret
  }
  unicast_peer {
    192.0.2.12
  }
  virtual_ipaddress {
    192.0.2.106/24
  }
}
`;

/** h2: a peer that is MASTER of VRID 54 (priority 200), so h1's VI_4 is BACKUP with a master to show. */
export const PEER_CONF = `global_defs {
  router_id r2
}
vrrp_instance VI_4 {
  state MASTER
  interface eth0
  virtual_router_id 54
  priority 200
  advert_int 0.5
  version 3
  virtual_ipaddress {
    192.0.2.104/24
    192.0.2.105
  }
}
`;

/** What the fixtures call the capture's run directory. */
export const FIXED_RUN_DIR = '/run/kts-capture';

/** The signals, as `keepalived --signum=NAME` prints them for 2.2.7 (TDUMP: SIGRTMAX). */
const SIG = { DATA: 'SIGUSR1', STATS: 'SIGUSR2', JSON: 36, STATS_CLEAR: 63, TDUMP: 64 } as const;

async function waitNewFile(path: string, after: number): Promise<void> {
  await waitFor(() => existsSync(path) && statSync(path).mtimeMs >= after, 5000, `${path} to be written`, { pollMs: 20 });
  await sleep(200);
}

async function main(): Promise<void> {
  const outArg = process.argv.indexOf('--out');
  const out = resolve(outArg > 0 ? (process.argv[outArg + 1] ?? '') : 'test/fixtures/keepalived-dumps/trackers');
  mkdirSync(out, { recursive: true });
  const run = mkdtempSync(join(tmpdir(), 'kts-dumps-'));
  const dumps = join(run, 'tmp');
  mkdirSync(dumps);
  writeTrackerFiles(run);
  const lab = createLab(2, 'kdmp');
  const h1 = lab.host(1);
  lab.exec(h1, ['ip', 'link', 'add', 'dum0', 'type', 'veth', 'peer', 'name', 'dum0p']);
  lab.exec(h1, ['ip', 'link', 'set', 'dum0p', 'up']);
  lab.exec(h1, ['ip', 'link', 'set', 'dum0', 'up']);
  const sleeper = lab.spawn(h1, ['sleep', '600']);
  const peerDir = join(run, 'peer');
  mkdirSync(peerDir);
  const peer = new LabDaemon(lab, lab.host(2), peerDir, keepalivedCommand(), PEER_CONF, { env: { TMPDIR: peerDir } });
  const d = new LabDaemon(lab, h1, run, keepalivedCommand(), CAPTURE_CONF.replaceAll('RUN', run), { env: { TMPDIR: dumps } });
  try {
    peer.start();
    await peer.waitLine(/\(VI_4\) Entering MASTER STATE/, 0, 15_000);
    d.start();
    const parent = await waitPidFile(d.pidFile);
    const vrrp = await waitPidFile(d.vrrpPidFile);
    await d.waitLine(/\(VI_3\) Entering MASTER STATE/, 0, 15_000);
    await d.waitLine(/\(VI_1\) Entering MASTER STATE/, 0, 15_000);
    await d.waitLine(/\(VI_5\) Entering MASTER STATE/, 0, 15_000);
    await sleep(3000);
    // The run directory is random: the fixtures name it FIXED_RUN_DIR (in JSON, '/' is written '\\/').
    const keep = (from: string, as: string): void => {
      const text = readFileSync(from, 'utf8').replaceAll(run, FIXED_RUN_DIR).replaceAll(run.replaceAll('/', '\\/'), FIXED_RUN_DIR.replaceAll('/', '\\/'));
      writeFileSync(join(out, as), text);
    };
    const take = async (sig: NodeJS.Signals | number, file: string, as: string, pid = parent): Promise<void> => {
      const t = Date.now() - 1;
      process.kill(pid, sig);
      await waitNewFile(join(dumps, file), t);
      keep(join(dumps, file), as);
    };
    await take(SIG.DATA, 'keepalived.data', 'keepalived.data');
    keep(join(dumps, 'keepalived_parent.data'), 'keepalived_parent.data');
    await take(SIG.STATS, 'keepalived.stats', 'keepalived.stats');
    await take(SIG.JSON, 'keepalived.json', 'keepalived.json');
    await take(SIG.STATS_CLEAR, 'keepalived.stats', 'keepalived.stats-clear');
    await take(SIG.STATS, 'keepalived.stats', 'keepalived.stats-after-clear');
    // Straight to the VRRP child: it answers too.
    const t = Date.now() - 1;
    process.kill(vrrp, SIG.JSON);
    await waitNewFile(join(dumps, 'keepalived.json'), t);
    d.lines.push({ tUs: 0, text: '--- TDUMP to the parent and the VRRP child', run: 1 });
    for (const pid of [parent, vrrp]) process.kill(pid, SIG.TDUMP);
    await sleep(1000);
    writeFileSync(join(out, 'keepalived.conf'), CAPTURE_CONF.replaceAll('RUN', FIXED_RUN_DIR));
    writeFileSync(join(out, 'peer.conf'), PEER_CONF);
    d.signal('SIGTERM');
    await d.waitExit(10_000);
    writeFileSync(join(out, 'keepalived.log'), d.log.replaceAll(run, FIXED_RUN_DIR));
    execFileSync('ls', ['-l', dumps], { stdio: 'inherit' });
  } finally {
    await d.stop(3000);
    await peer.stop(3000);
    sleeper.kill('SIGKILL');
    lab.down();
    rmSync(run, { recursive: true, force: true });
  }
  process.stdout.write(`wrote ${out}\n`);
}

await main();
