/**
 * `-s NAME` and `net_namespace NAME`: the daemon, started in the test's own namespace, moves
 * into the lab host's namespace before anything else; its VIP appears there (on an interface
 * only that namespace has, so a daemon that failed to move could not touch any other) and goes
 * at SIGTERM. Debian's keepalived 2.2.7 does the same on the same config; a namespace that does
 * not exist stops both with keepalived's line.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepalivedCommand, keepalivedTsCommand, type DaemonCommand } from '../lab/lab-daemon.js';
import { sleep } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { E2e } from './kit.js';

const VIP = '192.0.2.130';
const IF = 'ktsns0';

const conf = (top: string): string => `${top}
vrrp_instance VI_N {
    interface ${IF}
    virtual_router_id 63
    priority 100
    advert_int 0.5
    virtual_ipaddress {
        ${VIP}/24
    }
}
`;

interface Outcome {
  readonly vipInNs: boolean;
  readonly vipAfterStop: boolean;
  readonly exit: number | null;
}

async function runIn(e: E2e, cmd: DaemonCommand, tag: string, nsArg: string | null, top = ''): Promise<Outcome & { log: string }> {
  const h = e.host(1);
  const path = join(e.runDir, `${tag}.conf`);
  writeFileSync(path, conf(top));
  const argv = [...cmd.prefix, '-n', '-l', '-D', '--vrrp', ...(nsArg !== null ? ['-s', nsArg] : []), '-f', path, '-p', join(e.runDir, `${tag}.pid`), '-r', join(e.runDir, `${tag}_vrrp.pid`), '-c', join(e.runDir, `${tag}_checkers.pid`)];
  const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  for (const s of [p.stdout, p.stderr]) s.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  const has = (): boolean => e.lab.exec(h, ['ip', '-4', 'addr', 'show', 'dev', IF]).includes(`${VIP}/24`);
  let vipInNs = false;
  try {
    vipInNs = await waitFor(() => has() || (p.exitCode !== null ? 'exited' : false), 10_000, () => `${tag}: ${VIP} on ${IF}\n${log}`).then((v) => v === true);
  } catch {
    vipInNs = false;
  }
  p.kill('SIGTERM');
  const exit = await Promise.race([exited, sleep(10_000).then(() => 'timeout' as const)]);
  if (exit === 'timeout') {
    p.kill('SIGKILL');
    throw new Error(`${tag}: did not stop\n${log}`);
  }
  return { vipInNs, vipAfterStop: has(), exit, log };
}

test('-s NAME and net_namespace NAME: the daemon runs in the namespace, as keepalived 2.2.7 does', async () => {
  const e = E2e.create(1, 'nsx');
  try {
    const h = e.host(1);
    e.lab.exec(h, ['ip', 'link', 'add', IF, 'type', 'veth', 'peer', 'name', 'ktsns1']);
    e.lab.exec(h, ['ip', 'addr', 'add', '192.0.2.31/24', 'dev', IF]);
    for (const i of [IF, 'ktsns1']) e.lab.exec(h, ['ip', 'link', 'set', i, 'up']);
    const results: Record<string, Outcome> = {};
    for (const [label, cmd] of [['keepalived', keepalivedCommand()], ['keepalived-ts', keepalivedTsCommand()]] as const) {
      const viaFlag = await runIn(e, cmd, `${label}-s`, h.ns);
      const viaConf = await runIn(e, cmd, `${label}-conf`, null, `net_namespace ${h.ns}`);
      assert.ok(viaFlag.vipInNs && !viaFlag.vipAfterStop, `${label} -s: VIP while running, gone after SIGTERM\n${viaFlag.log}`);
      assert.ok(viaConf.vipInNs && !viaConf.vipAfterStop, `${label} net_namespace: VIP while running, gone after SIGTERM\n${viaConf.log}`);
      const missing = await runIn(e, cmd, `${label}-missing`, `${h.ns}-nosuch`);
      assert.ok(!missing.vipInNs, label);
      assert.match(missing.log, new RegExp(`Failed to open /run/netns/${h.ns}-nosuch`), `${label}: keepalived's line\n${missing.log}`);
      results[label] = { vipInNs: viaFlag.vipInNs, vipAfterStop: viaFlag.vipAfterStop, exit: viaFlag.exit };
    }
    assert.deepEqual(results['keepalived-ts'], results['keepalived']);
  } finally {
    await e.teardown();
  }
});
