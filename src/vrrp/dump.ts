/**
 * The VRRP child's state dumps, as text: `keepalived.stats` (SIGUSR2) and `keepalived.data`
 * (SIGUSR1), laid out like Debian keepalived 2.2.7 writes them (keepalived(8) SIGUSR1/SIGUSR2;
 * checked against a real 2.2.7 run, test/fixtures/keepalived-dumps) for the fields keepalived-ts
 * has. Pure: the daemon hands in snapshots and a clock reading; dump-file.ts writes the result.
 *
 * keepalived-ts extension: drops keepalived has no counter for (checksum, version, VRID
 * unknown, packets rejected before any instance was found …) are listed after the keepalived
 * part of the stats file under a `------< keepalived-ts extension … >------` heading (see
 * docs/compatibility.md, "State dumps"). keepalived says the dump formats are not stable, so
 * readers of either file match lines, not positions.
 */
import { formatIp } from '../core/ip.js';
import type { GlobalDefs, VrrpInstanceConfig } from '../config/model.js';
import { STAT_FIELD_OF, formatStatsErrorLines, type DropCounters } from './drop-counters.js';
import type { DumpClock, DumpSnapshot, InstanceSnapshot, InstanceTracking, InterfaceSnapshot, ScriptIds, SocketSnapshot } from './dump-snapshot.js';
import { familyName, formatDumpTime, notifyScriptLines, onOff, secs, vipText } from './dump-text.js';
import { interfaceTrackingLines, trackerSections } from './dump-trackers.js';
import { masterDownIntervalUs, skewPriority } from './timers.js';
import { DROP_REASONS, type DropReason } from './types.js';

export const EXTENSION_HEADING = '------< keepalived-ts extension: receive drops >------';

/** Reasons an instance can drop for that keepalived's stats have no line for. */
export const UNCOUNTED_INSTANCE_REASONS: readonly DropReason[] = DROP_REASONS.filter((r) => STAT_FIELD_OF[r] === null);

// ---------------------------------------------------------------------------------------------
// keepalived.stats

function statsInstanceLines(i: InstanceSnapshot): string[] {
  const c = i.fsm.counters;
  return [
    `VRRP Instance: ${i.cfg.name}`,
    '  Advertisements:',
    `    Received: ${c.advertRcvd}`,
    `    Sent: ${c.advertSent}`,
    `  Became master: ${c.becameMaster}`,
    `  Released master: ${c.releasedMaster}`,
    ...formatStatsErrorLines(i.drops, i.cfg.authHmac !== undefined),
    '  Priority Zero:',
    `    Received: ${c.priZeroRcvd}`,
    `    Sent: ${c.priZeroSent}`,
  ];
}

function dropLines(c: DropCounters, reasons: readonly DropReason[], indent: string): string[] {
  return reasons.map((r) => `${indent}${r}: ${c[r]}`);
}

/** `keepalived.stats`: keepalived's per-instance blocks, then the keepalived-ts extension section. */
export function formatStatsDump({ instances, sockets }: Pick<DumpSnapshot, 'instances' | 'sockets'>): string {
  const lines = instances.flatMap(statsInstanceLines);
  lines.push(EXTENSION_HEADING);
  for (const s of sockets) {
    lines.push(` VRRP Socket: ${s.ifname} ${familyName(s.family)}${s.protocol === 'AH' ? ' AH' : ''}`, `   Datagrams received: ${s.rxDatagrams}`, '   Dropped before an instance was known:');
    lines.push(...dropLines(s.drops, DROP_REASONS, '     '));
  }
  for (const i of instances) {
    lines.push(` VRRP Instance: ${i.cfg.name}`, '   Dropped without a keepalived counter:');
    lines.push(...dropLines(i.drops, UNCOUNTED_INSTANCE_REASONS, '     '));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Reads a stats dump back: `{ 'VI_1': { 'Packet Errors.TTL': 3, 'Advertisements.Received': 9, … } }`.
 * Keys are `Section.Label` (or `Label` outside a section); extension blocks are keyed
 * `socket:IFNAME FAMILY` / `ext:INSTANCE` with the drop reasons as labels. For tests and tools.
 */
export function parseStatsDump(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  let block: Record<string, number> | undefined;
  let section = '';
  let inExtension = false;
  for (const line of text.split('\n')) {
    if (line === EXTENSION_HEADING) {
      inExtension = true;
      continue;
    }
    const head = inExtension ? /^ VRRP (Socket|Instance): (.+)$/.exec(line) : /^VRRP Instance: (.+)$/.exec(line);
    if (head) {
      const key = inExtension ? `${head[1] === 'Socket' ? 'socket' : 'ext'}:${head[2]}` : (head[1] as string);
      block = out[key] = {};
      section = '';
      continue;
    }
    if (!block) continue;
    const sec = /^\s+([^:]+):$/.exec(line);
    if (sec) {
      section = inExtension ? '' : (sec[1] as string);
      continue;
    }
    const kv = /^(\s+)([^:]+): (\d+)$/.exec(line);
    if (!kv) continue;
    const topLevel = !inExtension && (kv[1] as string).length === 2;
    if (topLevel) section = '';
    block[section ? `${section}.${kv[2]}` : (kv[2] as string)] = Number(kv[3]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// keepalived.data

/**
 * The "Global definitions" section. The parent writes it alone (keepalived_parent.data),
 * without the VRRP child's default interface line, as keepalived's parent does.
 */
export function globalLines(g: GlobalDefs, who: 'parent' | 'vrrp' = 'vrrp'): string[] {
  const smtp = g.smtpAlert === undefined ? 'unset' : onOff(g.smtpAlert);
  return [
    '------< Global definitions >------',
    ' Network namespace = (default)',
    ` Router ID = ${g.routerId}`,
    ` Default smtp_alert = ${smtp}`,
    ...(who === 'vrrp' ? [` Default interface = ${g.defaultInterface}`] : []),
    ` VRRP IPv4 mcast group = ${g.mcastGroup4}`,
    ` VRRP IPv6 mcast group = ${g.mcastGroup6}`,
    ` Gratuitous ARP delay = ${secs(g.garp.masterDelayMs)}`,
    ` Gratuitous ARP repeat = ${g.garp.masterRepeat}`,
    ` Gratuitous ARP refresh timer = ${secs(g.garp.masterRefreshMs)}`,
    ` Gratuitous ARP refresh repeat = ${g.garp.masterRefreshRepeat}`,
    ` Gratuitous ARP lower priority delay = ${secs(g.garp.lowerPrioDelayMs)}`,
    ` Gratuitous ARP lower priority repeat = ${g.garp.lowerPrioRepeat}`,
    ` Num adverts before down = ${g.downTimerAdverts}`,
    ` Send advert after receive lower priority advert = ${onOff(!g.lowerPrioNoAdvert)}`,
    ` Send advert after receive higher priority advert = ${onOff(g.higherPrioSendAdvert)}`,
    ` Gratuitous ARP interval = ${(g.garp.intervalMs / 1000).toFixed(6)}`,
    ` Gratuitous NA interval = ${(g.garp.gnaIntervalMs / 1000).toFixed(6)}`,
    ` VRRP default protocol version = ${g.vrrpVersion}`,
    ` VRRP check unicast_src = ${onOff(g.checkUnicastSrc)}`,
    ` VRRP skip check advert addresses = ${onOff(g.skipCheckAdvAddr)}`,
    ` VRRP strict mode = ${onOff(g.vrrpStrict)}`,
    ` Script security ${g.enableScriptSecurity ? 'enabled' : 'disabled'}`,
    ' umask = 0177',
  ];
}

/** The keepalived_parent.data text (SIGUSR1 at the parent). */
export function formatParentDataDump(g: GlobalDefs): string {
  return `${globalLines(g, 'parent').join('\n')}\n`;
}

function authLines(cfg: VrrpInstanceConfig): string[] {
  if (cfg.version !== 2) return [];
  if (!cfg.auth) return ['   Authentication type = none'];
  if (cfg.auth.type === 'AH') return ['   Authentication type = IPSEC_AH'];
  return ['   Authentication type = SIMPLE_PASSWORD', `   Password = ${cfg.auth.pass}`];
}

function unicastLines(cfg: VrrpInstanceConfig): string[] {
  if (cfg.unicastPeers.length === 0) return [];
  return [
    `   Unicast TTL = ${cfg.unicastTtl ?? 255}`,
    `   Check unicast src : ${cfg.checkUnicastSrc ? 'yes' : 'no'}`,
    '   Unicast Peer :',
    ...cfg.unicastPeers.map((p) => `     ${p.address} min_ttl ${p.minTtl ?? 0} max_ttl ${p.maxTtl ?? 255}`),
  ];
}

function configuredSrc(cfg: VrrpInstanceConfig): string | undefined {
  return cfg.unicastPeers.length > 0 ? (cfg.unicastSrcIp ?? cfg.mcastSrcIp) : cfg.mcastSrcIp;
}

const reverseText = (reverse: boolean): string => (reverse ? ' reverse' : '');

/** `Tracked interfaces :` … `Tracked processes :`, in keepalived's order and wording. */
function trackedLines(t: InstanceTracking): string[] {
  const out: string[] = [];
  if (t.interfaces.length > 0) out.push('   Tracked interfaces :', ...t.interfaces.map((x) => `     ${x.name} weight ${x.weight}${reverseText(x.reverse)}`));
  if (t.scripts.length > 0) out.push('   Tracked scripts :', ...t.scripts.map((x) => `     ${x.name} weight ${x.weight}${reverseText(x.reverse)}`));
  if (t.files.length > 0) out.push('   Tracked files :', ...t.files.map((x) => `     ${x.name}, weight ${x.weight}${reverseText(x.reverse)}`));
  if (t.processes.length > 0) out.push('   Tracked processes :', ...t.processes.map((x) => `     ${x.name}, weight ${x.weight}${reverseText(x.reverse)}`));
  return out;
}

/** A BACKUP that has heard a master names it (v3 also its advert interval), as 2.2.7 does. */
function masterLines(i: InstanceSnapshot): string[] {
  const { fsm, cfg } = i;
  if (fsm.state !== 'BACKUP' || fsm.lastMasterAddress === null) return [];
  return [
    `   Master router = ${formatIp(fsm.lastMasterAddress)}`,
    `   Master priority = ${fsm.lastMasterPriority ?? 0}`,
    ...(cfg.version === 3 ? [`   Master advert int = ${(fsm.masterAdverIntervalCs / 100).toFixed(2)} sec`] : []),
  ];
}

function instanceDataLines(i: InstanceSnapshot, clock: DumpClock, ids: ScriptIds): string[] {
  const { cfg, fsm } = i;
  const wall = (ms: number): number => clock.wallMs + (ms - clock.nowMs);
  const unicast = cfg.unicastPeers.length > 0;
  const readTimeout = fsm.state === 'MASTER' ? fsm.adverAtMs : fsm.masterDownAtMs;
  const downUs = masterDownIntervalUs(cfg.version, skewPriority(cfg.priority, fsm.effectivePriority), fsm.masterAdverIntervalCs, cfg.downTimerAdverts);
  const ifname = cfg.interface ?? '';
  const vipsSet = fsm.state === 'MASTER';
  const g = cfg.garp;
  const v3Backup = cfg.version === 3 && fsm.state === 'BACKUP' && fsm.lastMasterAddress !== null;
  const lines = [
    ` VRRP Instance = ${cfg.name}`,
    `   VRRP Version = ${cfg.version}`,
    ...(i.syncGroup !== undefined ? [`   Sync group = ${i.syncGroup}`] : []),
    `   State = ${fsm.state}`,
    ...masterLines(i),
    // nopreempt is one of keepalived's flags without a line of its own: "Flags:" then nothing.
    ...(unicast || cfg.nopreempt ? ['   Flags:', ...(unicast ? ['     Using unicast'] : [])] : ['   Flags: none']),
    `   Wantstate = ${fsm.wantState}`,
    `   Number of interface and track script faults = ${fsm.faultSources.length}`,
    ...(fsm.lastTransitionAtMs !== null ? [`   Last transition = ${formatDumpTime(wall(fsm.lastTransitionAtMs))}`] : []),
    ...(readTimeout !== null ? [`   Read timeout = ${formatDumpTime(wall(readTimeout))}`] : []),
    `   Master down timer = ${downUs} usecs`,
    `   Interface = ${ifname}`,
    `   Using src_ip = ${formatIp(i.srcIp)}${configuredSrc(cfg) !== undefined ? ' (from configuration)' : ''}`,
    ...(unicast ? [] : [`   Multicast address ${cfg.mcastDstIp}`]),
    `   Gratuitous ARP delay = ${secs(g.masterDelayMs)}`,
    `   Gratuitous ARP repeat = ${g.masterRepeat}`,
    `   Gratuitous ARP refresh = ${secs(g.masterRefreshMs)}`,
    `   Gratuitous ARP refresh repeat = ${g.masterRefreshRepeat}`,
    `   Gratuitous ARP lower priority delay = ${secs(g.lowerPrioDelayMs)}`,
    `   Gratuitous ARP lower priority repeat = ${g.lowerPrioRepeat}`,
    `   Down timer adverts = ${cfg.downTimerAdverts}`,
    `   Send advert after receive lower priority advert = ${onOff(!cfg.lowerPrioNoAdvert)}`,
    `   Send advert after receive higher priority advert = ${onOff(cfg.higherPrioSendAdvert)}`,
    `   Virtual Router ID = ${cfg.vrid}`,
    `   Priority = ${cfg.priority}`,
    `   Effective priority = ${fsm.effectivePriority}`,
    cfg.version === 2 ? `   Advert interval = ${cfg.advertIntCs / 100} sec` : `   Advert interval = ${cfg.advertIntCs * 10} milli-sec`,
    ...(v3Backup ? [`   Master advert interval = ${fsm.masterAdverIntervalCs * 10} milli-sec`] : []),
    `   Accept = ${cfg.accept ? 'enabled' : 'disabled'}`,
    `   Preempt = ${cfg.nopreempt ? 'disabled' : 'enabled'}`,
    ...(cfg.preemptDelayMs > 0 ? [`   Preempt delay = ${secs(cfg.preemptDelayMs)} secs`] : []),
    `   Promote_secondaries = ${cfg.promoteSecondaries ? 'enabled' : 'disabled'}`,
    ...authLines(cfg),
  ];
  if (cfg.vips.length > 0) lines.push(`   Virtual IP (${cfg.vips.length}):`, ...cfg.vips.map((v) => `     ${vipText(v, ifname, vipsSet)}`));
  if (cfg.excludedVips.length > 0) lines.push('   Virtual IP Excluded :', ...cfg.excludedVips.map((v) => `     ${vipText(v, ifname, vipsSet)}`));
  lines.push(...unicastLines(cfg), ...trackedLines(i.tracking));
  lines.push(`   Using smtp notification = ${cfg.smtpAlert ? 'yes' : 'no'}`, ...notifyScriptLines(cfg.notify, ids));
  lines.push(`   Notify priority changes = ${onOff(cfg.notifyPriorityChanges)}`);
  return lines;
}

function sockpoolLines(sockets: readonly SocketSnapshot[]): string[] {
  const lines = ['------< VRRP Sockpool >------'];
  for (const s of sockets) {
    lines.push(
      ` Interface = ${s.ifname}`,
      `   Family = ${familyName(s.family)}`,
      `   Protocol = ${s.protocol ?? 'VRRP'}`,
      `   Type = ${s.group !== null ? 'Multicast' : 'Unicast'}`,
      '   VRRP instances',
      ...s.instances.map((i) => `     ${i.name} vrid ${i.vrid}`),
    );
  }
  return lines;
}

const macText = (mac: Uint8Array): string => [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':');

function interfaceLines(ifs: readonly InterfaceSnapshot[], instances: readonly InstanceSnapshot[]): string[] {
  const lines = ['------< Interfaces >------'];
  for (const { link, addrs } of ifs) {
    const v4 = addrs.find((a) => a.family === 4)?.address ?? '(none)';
    const v6 = addrs.find((a) => a.family === 6)?.address ?? '(none)';
    lines.push(` Name = ${link.name}`, `   index = ${link.ifindex}`, `   IPv4 address = ${v4}`, `   IPv6 address = ${v6}`);
    if (link.mac.length > 0) lines.push(`   MAC = ${macText(link.mac)}`);
    lines.push(`   State = ${link.up ? 'UP' : 'DOWN'}${link.running ? ', RUNNING' : ''}`, `   MTU = ${link.mtu}`);
    lines.push(...interfaceTrackingLines(link.name, instances));
  }
  return lines;
}

/** `keepalived.data`: global definitions, VRRP topology, socket pool, sync groups, trackers and interfaces. */
export function formatDataDump(d: DumpSnapshot): string {
  const lines = [
    ...globalLines(d.globalDefs),
    '------< VRRP Topology >------',
    ...d.instances.flatMap((i) => instanceDataLines(i, d.clock, d.scriptIds)),
    ...sockpoolLines(d.sockets),
    ...trackerSections(d),
    ...interfaceLines(d.interfaces, d.instances),
  ];
  return `${lines.join('\n')}\n`;
}
