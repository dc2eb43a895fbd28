/**
 * Everything the daemon creates on a host, as a table: what it is, the config that makes
 * the daemon create it, how to tell that it is there, and what must become of it — at a
 * graceful stop (SIGTERM), after a crash (SIGKILL of the whole process tree), and at the
 * next start after a crash. test/cleanup/created-state.test.ts runs every row.
 *
 * The data-plane work adds its rows here: virtual_routes / static_routes (`ip route show
 * table T` in the host), virtual_rules / static_rules (`ip rule show`), use_vmac (`ip link
 * show vrrp.VRID`), the nftables table of vrrp_strict / no_accept (`nft list table inet
 * keepalived`): a config fragment, a probe, and the three expectations. IPVS entries are
 * checked under qemu, where the kernel has ip_vs: test/qemu/ipvs-compare.test.ts compares
 * the table after SIGTERM (`shutdown` phases) with keepalived's.
 */
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab, LabHost } from '../lab/netns.js';

export interface ArtifactContext {
  readonly lab: Lab;
  readonly host: LabHost;
  /** Where the daemon's files live (pid files, FIFOs). */
  readonly runDir: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
}

/** What a crash leaves and what the next start does with it. */
export type AfterCrash = 'left' | 'gone';
export type AtRestart =
  /** Removed before the election (stale VIPs: keepalived does the same), then managed again. */
  | 'removed-then-managed'
  /** Kept and used as it is (static addresses, a FIFO that exists). */
  | 'reused'
  /** Overwritten with the new daemon's pid (a stale pid file). */
  | 'replaced';

export interface Artifact {
  readonly what: string;
  /** The address of an address row (for the order check at restart). */
  readonly address?: string;
  /** True while it is in place. */
  present(c: ArtifactContext): boolean;
  /** After a graceful stop of a daemon that created it. */
  readonly afterStop: 'gone';
  readonly afterCrash: AfterCrash;
  readonly atRestart: AtRestart;
  /** After the daemon that restarted over the crash's leftovers stops. */
  readonly afterRestartStop: 'gone' | 'left';
  /** Why, when afterRestartStop is 'left'. */
  readonly note?: string;
}

function hasAddress(c: ArtifactContext, address: string): boolean {
  const text = c.lab.exec(c.host, ['ip', '-o', 'addr', 'show', 'dev', 'eth0']);
  return text.split('\n').some((l) => l.includes(` ${address}/`));
}

const isFifo = (path: string): boolean => existsSync(path) && lstatSync(path).isFIFO();

const address = (what: string, a: string, atRestart: AtRestart): Artifact => ({
  what,
  address: a,
  present: (c) => hasAddress(c, a),
  afterStop: 'gone',
  afterCrash: 'left',
  atRestart,
  afterRestartStop: 'gone',
});

const FIFO_NOTE = 'a FIFO that exists at start was not created by this run, so it is not removed at stop (keepalived 2.2.7 does the same)';

export const ARTIFACTS: readonly Artifact[] = [
  address('VIP (virtual_ipaddress, IPv4)', '192.0.2.100', 'removed-then-managed'),
  address('VIP (virtual_ipaddress_excluded)', '198.51.100.100', 'removed-then-managed'),
  address('VIP (virtual_ipaddress, IPv6)', '2001:db8::100', 'removed-then-managed'),
  address('static_ipaddress', '203.0.113.10', 'reused'),
  { what: 'notify_fifo', present: (c) => isFifo(join(c.runDir, 'notify.fifo')), afterStop: 'gone', afterCrash: 'left', atRestart: 'reused', afterRestartStop: 'left', note: FIFO_NOTE },
  { what: 'vrrp_notify_fifo', present: (c) => isFifo(join(c.runDir, 'vrrp-notify.fifo')), afterStop: 'gone', afterCrash: 'left', atRestart: 'reused', afterRestartStop: 'left', note: FIFO_NOTE },
  { what: 'pid file (-p)', present: (c) => existsSync(c.pidFile), afterStop: 'gone', afterCrash: 'left', atRestart: 'replaced', afterRestartStop: 'gone' },
  { what: 'VRRP child pid file (-r)', present: (c) => existsSync(c.vrrpPidFile), afterStop: 'gone', afterCrash: 'left', atRestart: 'replaced', afterRestartStop: 'gone' },
];

/** The config that makes the daemon create every row above (both instances start MASTER). */
export function artifactsConfig(runDir: string, routerId: string): string {
  const instance = (name: string, vrid: number, vips: string[], excluded: string[]): string[] => [
    `vrrp_instance ${name} {`,
    '    state MASTER',
    '    interface eth0',
    `    virtual_router_id ${vrid}`,
    '    priority 150',
    '    advert_int 1',
    '    virtual_ipaddress {',
    ...vips.map((v) => `        ${v} dev eth0`),
    '    }',
    ...(excluded.length > 0 ? ['    virtual_ipaddress_excluded {', ...excluded.map((v) => `        ${v} dev eth0`), '    }'] : []),
    '}',
  ];
  return [
    'global_defs {',
    `    router_id ${routerId}`,
    `    notify_fifo ${join(runDir, 'notify.fifo')}`,
    `    vrrp_notify_fifo ${join(runDir, 'vrrp-notify.fifo')}`,
    '}',
    'static_ipaddress {',
    '    203.0.113.10/24 dev eth0',
    '}',
    ...instance('VI_4', 51, ['192.0.2.100/24'], ['198.51.100.100/24']),
    ...instance('VI_6', 52, ['2001:db8::100/64'], []),
    '',
  ].join('\n');
}
