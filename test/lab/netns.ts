/**
 * Network-namespace lab for multi-process tests: a switch namespace holding a bridge,
 * and hosts h1..hN each joined to it by a veth pair created inside the namespaces, so
 * nothing ever appears in the root namespace. Only documentation ranges are used:
 * hI = 192.0.2.(10+I)/24 and 2001:db8::(10+I)/64 on `eth0`.
 *
 * Needs root and iproute2. Every lab is removed by `down()` (call it in `finally`/`after`),
 * and on process exit as a last resort.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { nio } from '../../src/sys/nio.js';

export interface LabHost {
  readonly name: string; // h1, h2 …
  readonly ns: string; // namespace name
  readonly ip4: string;
  readonly ip6: string;
  readonly mac: string;
}

export interface Lab {
  readonly prefix: string;
  readonly switchNs: string;
  readonly hosts: readonly LabHost[];
  host(i: number): LabHost;
  /** Run a command inside a host namespace, synchronously; returns stdout. */
  exec(host: LabHost | string, argv: readonly string[]): string;
  /** Start a long-running process inside a host namespace. */
  spawn(host: LabHost | string, argv: readonly string[], opts?: SpawnOptions): ChildProcess;
  /** Bring a host's eth0 down/up from the switch side (the host sees carrier loss). */
  setLink(host: LabHost, up: boolean): void;
  down(): void;
}

let counter = 0;
const live = new Set<Lab>();
process.on('exit', () => {
  for (const l of live) l.down();
});

function ip(args: readonly string[]): string {
  return execFileSync('ip', args as string[], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Fail loudly (never skip) when a command the test needs is missing.
 * @param needs command name → Debian package that provides it.
 */
export function requireCommands(needs: Readonly<Record<string, string>>): void {
  const missing: string[] = [];
  for (const [cmd, pkg] of Object.entries(needs)) {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' });
    } catch {
      missing.push(`${cmd} (apt-get install ${pkg})`);
    }
  }
  if (missing.length > 0) throw new Error(`this test needs: ${missing.join(', ')}`);
}

/**
 * For the demo (the README's first command must work on a fresh machine as root): install
 * the Debian packages of missing commands with apt-get, then check again.
 */
export function ensureCommands(needs: Readonly<Record<string, string>>): void {
  const missing = Object.entries(needs).filter(([cmd]) => {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    const pkgs = [...new Set(missing.map(([, pkg]) => pkg))];
    console.log(`installing ${pkgs.join(' ')} (apt-get) …`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env });
  }
  requireCommands(needs);
}

export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('this test needs root (network namespaces); run it as root');
  }
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('this test needs iproute2 (`apt-get install iproute2`)');
  }
}

export interface LabOptions {
  /**
   * Bridge ports do not learn MACs, so every frame (unicast too) is flooded to all hosts, as
   * on a hub: a bystander host can capture unicast VRRP between two others.
   */
  readonly hub?: boolean;
}

/** Create a lab with `n` hosts. `tag` (≤4 chars) makes namespace names readable. */
export function createLab(n: number, tag = 'lab', opts: LabOptions = {}): Lab {
  requireRoot();
  const prefix = `kts${process.pid % 100000}${tag.slice(0, 4)}${counter++}`;
  const switchNs = `${prefix}-sw`;
  const hosts: LabHost[] = [];
  const created: string[] = [];
  const lab: Lab = {
    prefix,
    switchNs,
    hosts,
    host: (i) => {
      const h = hosts[i - 1];
      if (!h) throw new Error(`no host h${i}`);
      return h;
    },
    exec: (host, argv) => {
      const ns = typeof host === 'string' ? host : host.ns;
      return execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    },
    spawn: (host, argv, opts = {}) => {
      const ns = typeof host === 'string' ? host : host.ns;
      return spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    },
    setLink: (host, up) => {
      ip(['-n', switchNs, 'link', 'set', `p${host.name}`, up ? 'up' : 'down']);
    },
    down: () => {
      if (!live.has(lab)) return;
      live.delete(lab);
      for (const ns of created.reverse()) {
        try {
          // Stop whatever still runs inside the lab's namespaces (only our processes live there).
          const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean);
          for (const p of pids) {
            try {
              process.kill(Number(p), 'SIGKILL');
            } catch {
              /* already gone */
            }
          }
          ip(['netns', 'del', ns]);
        } catch {
          /* already gone */
        }
      }
    },
  };
  live.add(lab);
  try {
    ip(['netns', 'add', switchNs]);
    created.push(switchNs);
    const sw = (args: string[]): string => ip(['-n', switchNs, ...args]);
    sw(['link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0', 'mcast_snooping', '0']);
    sw(['link', 'set', 'br0', 'up']);
    sw(['link', 'set', 'lo', 'up']);
    execFileSync('ip', ['netns', 'exec', switchNs, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
    for (let i = 1; i <= n; i++) {
      const name = `h${i}`;
      const ns = `${prefix}-${name}`;
      ip(['netns', 'add', ns]);
      created.push(ns);
      const mac = `02:6b:74:00:00:${i.toString(16).padStart(2, '0')}`;
      const host: LabHost = { name, ns, ip4: `192.0.2.${10 + i}`, ip6: `2001:db8::${(10 + i).toString(16)}`, mac };
      const sysctl = (k: string): void => void execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', k]);
      sysctl('net.ipv6.conf.all.accept_dad=0');
      sysctl('net.ipv6.conf.default.accept_dad=0');
      sysctl('net.ipv6.conf.all.accept_ra=0');
      sysctl('net.ipv6.conf.default.accept_ra=0');
      sw(['link', 'add', `p${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      sw(['link', 'set', `p${name}`, 'master', 'br0', 'up']);
      if (opts.hub === true) sw(['link', 'set', `p${name}`, 'type', 'bridge_slave', 'learning', 'off']);
      const h = (args: string[]): string => ip(['-n', ns, ...args]);
      h(['link', 'set', 'lo', 'up']);
      h(['link', 'set', 'eth0', 'address', mac]);
      h(['link', 'set', 'eth0', 'up']);
      h(['addr', 'add', `${host.ip4}/24`, 'dev', 'eth0']);
      h(['addr', 'add', `${host.ip6}/64`, 'dev', 'eth0', 'nodad']);
      hosts.push(host);
    }
  } catch (e) {
    lab.down();
    throw e;
  }
  return lab;
}

/**
 * Run a synchronous function with the calling thread inside a lab namespace (setns through
 * the addon), then switch back. Sockets keep the namespace they were created in, so one test
 * process can hold sockets in several lab hosts while `ip` children it spawns later stay in
 * the root namespace.
 */
export function inNetns<T>(ns: string, fn: () => T): T {
  const n = nio();
  const home = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/run/netns/${ns}`, 'r');
  try {
    n.setns(target, n.constants.CLONE_NEWNET);
    try {
      return fn();
    } finally {
      n.setns(home, n.constants.CLONE_NEWNET);
    }
  } finally {
    closeSync(target);
    closeSync(home);
  }
}

/**
 * A second interface `eth1` in a host (MAC 02:6b:74:00:01:0I): one end of a veth pair whose
 * other end, `eth1p`, stays in the same namespace, so addresses and VIPs can sit on an
 * interface other than eth0 without touching the switch.
 */
export function addSecondInterface(lab: Lab, h: LabHost): void {
  const i = Number(h.name.slice(1));
  lab.exec(h, ['ip', 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1p']);
  lab.exec(h, ['ip', 'link', 'set', 'eth1', 'address', `02:6b:74:00:01:${i.toString(16).padStart(2, '0')}`]);
  lab.exec(h, ['ip', 'link', 'set', 'eth1', 'up']);
  lab.exec(h, ['ip', 'link', 'set', 'eth1p', 'up']);
}
