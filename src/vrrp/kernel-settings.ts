/**
 * The kernel settings the VRRP child changes for VMACs and puts back at stop (keepalived.conf(5)
 * `use_vmac`: "The original settings are restored on termination"; docs/data-plane.md "VMAC"):
 * /proc/sys/net values (all/default rp_filter) and per-interface IPv4 settings sent over
 * rtnetlink as keepalived 2.2.7 sends them (rp_filter, arp_ignore, arp_filter). Every change is
 * also written to a small state file, so that the child the parent starts after a crash adopts
 * what the dead one changed and restores it at stop; a value someone changed since is left
 * alone. Pure: the ports do the I/O.
 */
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { IPV4_DEVCONF_ACCEPT_LOCAL, IPV4_DEVCONF_ARPFILTER, IPV4_DEVCONF_ARP_IGNORE, IPV4_DEVCONF_PROMOTE_SECONDARIES, IPV4_DEVCONF_RP_FILTER } from '../netlink/constants.js';
import type { RtnlLinkClient } from '../netlink/rtnl-client.js';
import type { StateFilePort, SysctlPort } from './child-deps.js';

/** The per-interface IPv4 settings keepalived changes, by their /proc name. */
export const DEVCONF = {
  rp_filter: IPV4_DEVCONF_RP_FILTER,
  arp_filter: IPV4_DEVCONF_ARPFILTER,
  arp_ignore: IPV4_DEVCONF_ARP_IGNORE,
  promote_secondaries: IPV4_DEVCONF_PROMOTE_SECONDARIES,
  accept_local: IPV4_DEVCONF_ACCEPT_LOCAL,
} as const;
export type DevconfKey = keyof typeof DEVCONF;

export type SettingChange =
  /** A /proc/sys/net value, `path` absolute. */
  | { readonly kind: 'sysctl'; readonly path: string; readonly previous: string; readonly value: string }
  /** A per-interface IPv4 setting (IFLA_INET_CONF). */
  | { readonly kind: 'devconf'; readonly ifname: string; readonly key: DevconfKey; readonly previous: number; readonly value: number };

export const ipv4ConfPath = (ifname: string, key: string): string => `/proc/sys/net/ipv4/conf/${ifname}/${key}`;
export const ipv6ConfPath = (ifname: string, key: string): string => `/proc/sys/net/ipv6/conf/${ifname}/${key}`;

/** keepalived's name for a /proc/sys/net path in its NOTICE lines (net.ipv4.conf.all.rp_filter). */
const sysctlName = (path: string): string => path.replace(/^\/proc\/sys\//, '').replaceAll('/', '.');

export interface KernelSettingsPorts {
  readonly sysctl: SysctlPort;
  readonly stateFile: StateFilePort;
  /** The rtnetlink link client, once opened (devconf changes go through it). */
  readonly links: () => RtnlLinkClient;
  readonly ifindexOf: (ifname: string) => number | undefined;
  readonly log: Logger;
}

const STATE_VERSION = 1;

function parseState(text: string): SettingChange[] {
  const doc = JSON.parse(text) as { version?: unknown; changes?: unknown };
  if (doc.version !== STATE_VERSION || !Array.isArray(doc.changes)) return [];
  return doc.changes.filter((c): c is SettingChange => {
    const x = c as Record<string, unknown>;
    if (x['kind'] === 'sysctl') return typeof x['path'] === 'string' && typeof x['previous'] === 'string' && typeof x['value'] === 'string' && String(x['path']).startsWith('/proc/sys/net/');
    return x['kind'] === 'devconf' && typeof x['ifname'] === 'string' && typeof x['key'] === 'string' && x['key'] in DEVCONF && typeof x['previous'] === 'number' && typeof x['value'] === 'number';
  });
}

export class KernelSettings {
  /** What to put back, in the order changed. */
  private changes: SettingChange[] = [];

  constructor(private readonly ports: KernelSettingsPorts) {}

  get pending(): readonly SettingChange[] {
    return this.changes;
  }

  /**
   * Takes over what a previous run of the child recorded and did not restore (it was killed):
   * each change whose value is still in place is restored at our stop, with its original value.
   */
  adopt(): void {
    let text: string | null;
    try {
      text = this.ports.stateFile.read();
    } catch (e) {
      this.ports.log.warn(`Cannot read the saved kernel settings: ${errorMessage(e)}`);
      return;
    }
    if (text === null) return;
    let saved: SettingChange[];
    try {
      saved = parseState(text);
    } catch {
      saved = [];
    }
    this.changes = saved.filter((c) => this.current(c) === String(c.value));
    if (this.changes.length > 0) this.ports.log.info(`Restoring at stop ${this.changes.length} kernel setting(s) left by a previous VRRP process`);
    this.persist();
  }

  /** A /proc/sys/net value; `notice`: log keepalived's NOTICE line. False when it could not be read or written. */
  setSysctl(path: string, value: string, notice = false): boolean {
    const prev = this.ports.sysctl.read(path);
    if (!prev.ok) return false;
    if (prev.value === value) return true;
    const w = this.ports.sysctl.write(path, value);
    if (!w.ok) {
      this.ports.log.error(`Cannot set sysctl ${sysctlName(path)} to ${value}: ${w.reason.message}`);
      return false;
    }
    if (notice) this.ports.log.info(`NOTICE: setting sysctl ${sysctlName(path)} from ${prev.value} to ${value}`);
    this.record({ kind: 'sysctl', path, previous: prev.value, value });
    return true;
  }

  /** A /proc/sys/net value that needs no restore (a VMAC's own: it goes with the VMAC). */
  write(path: string, value: string): void {
    const w = this.ports.sysctl.write(path, value);
    if (!w.ok) this.ports.log.error(`Cannot set sysctl ${sysctlName(path)} to ${value}: ${w.reason.message}`);
  }

  /** Reads a /proc/sys/net value as a number (null if unreadable). */
  readNumber(path: string): number | null {
    const r = this.ports.sysctl.read(path);
    if (!r.ok) return null;
    const n = Number(r.value);
    return Number.isInteger(n) ? n : null;
  }

  /**
   * Per-interface IPv4 settings in one request, in the given order (keepalived's bytes). With
   * `restore` the values in place before are recorded and put back at stop; a VMAC's own
   * settings are not (it is deleted).
   */
  async setDevconf(link: { readonly name: string; readonly ifindex: number }, entries: readonly (readonly [DevconfKey, number])[], restore: boolean): Promise<void> {
    const { name: ifname, ifindex } = link;
    const before = restore ? entries.map(([k]) => this.readNumber(ipv4ConfPath(ifname, k))) : [];
    await this.ports.links().setIpv4Conf(ifindex, entries.map(([k, v]) => [DEVCONF[k], v] as const));
    if (!restore) return;
    entries.forEach(([key, value], i) => {
      const previous = before[i];
      if (previous !== null && previous !== undefined && previous !== value) this.record({ kind: 'devconf', ifname, key, previous, value });
    });
  }

  /**
   * Puts every recorded value back, last change first: per-interface settings in one request per
   * interface, then /proc values (keepalived's "NOTICE: resetting sysctl … to N"). Failures are
   * logged; the state file goes.
   */
  async restore(): Promise<void> {
    const all = this.changes.splice(0).reverse();
    const byIf = new Map<string, [DevconfKey, number][]>();
    for (const c of all) {
      if (c.kind !== 'devconf') continue;
      const list = byIf.get(c.ifname) ?? [];
      list.push([c.key, c.previous]);
      byIf.set(c.ifname, list);
    }
    for (const [ifname, entries] of byIf) {
      const ifindex = this.ports.ifindexOf(ifname);
      if (ifindex === undefined) continue;
      try {
        await this.ports.links().setIpv4Conf(ifindex, entries.map(([k, v]) => [DEVCONF[k], v] as const));
      } catch (e) {
        this.ports.log.error(`Cannot restore the IPv4 settings of ${ifname}: ${errorMessage(e)}`);
      }
    }
    for (const c of all) {
      if (c.kind !== 'sysctl') continue;
      const w = this.ports.sysctl.write(c.path, c.previous);
      if (!w.ok) this.ports.log.error(`Cannot reset sysctl ${sysctlName(c.path)} to ${c.previous}: ${w.reason.message}`);
      else if (c.path.endsWith('/rp_filter')) this.ports.log.info(`NOTICE: resetting sysctl ${sysctlName(c.path)} to ${c.previous}`);
    }
    this.persist();
  }

  private current(c: SettingChange): string | null {
    const r = this.ports.sysctl.read(c.kind === 'sysctl' ? c.path : ipv4ConfPath(c.ifname, c.key));
    return r.ok ? r.value : null;
  }

  private record(c: SettingChange): void {
    const same = (x: SettingChange): boolean => (x.kind === 'sysctl' && c.kind === 'sysctl' ? x.path === c.path : x.kind === 'devconf' && c.kind === 'devconf' && x.ifname === c.ifname && x.key === c.key);
    // A second change of the same setting keeps the first previous value.
    const i = this.changes.findIndex(same);
    if (i >= 0) this.changes[i] = { ...c, previous: this.changes[i]!.previous } as SettingChange;
    else this.changes.push(c);
    this.persist();
  }

  private persist(): void {
    try {
      if (this.changes.length === 0) this.ports.stateFile.remove();
      else this.ports.stateFile.write(`${JSON.stringify({ version: STATE_VERSION, changes: this.changes })}\n`);
    } catch (e) {
      this.ports.log.warn(`Cannot save the kernel settings to restore: ${errorMessage(e)}`);
    }
  }
}
