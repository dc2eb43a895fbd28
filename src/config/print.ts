/**
 * Prints a compiled KeepalivedConfig back in keepalived syntax (for `-d/--dump-conf` and
 * round-trip tests): each block's printer sits beside its table; this file orders them.
 * Every effective value is written explicitly, so the output re-parses to the same model;
 * passwords are masked unless asked for.
 */
import { printGlobalDefs } from './global-defs/print.js';
import { formatAddress, formatRoute, formatRule } from './ip-lines/print.js';
import { printEntries, type PrintEntry } from './keywords/table.js';
import { printLvs } from './lvs/print.js';
import type { KeepalivedConfig } from './model.js';
import { block, secsExact } from './print-format.js';
import { TOP_LEVEL_TABLE } from './top-level.js';
import { bfdInstanceBlock, trackFileBlock, trackProcessBlock, vrrpScriptBlock } from './trackers/print.js';
import { printInstance } from './vrrp-instance/print.js';
import { printSyncGroup } from './vrrp-sync-group/print.js';

export interface PrintOptions {
  /** Print auth_pass and the SSL password in clear (default: masked as `********`). */
  readonly showSecrets?: boolean;
}

/** The daemon-wide top-level keywords (the block rows are printed as blocks below). */
const DAEMON: readonly PrintEntry<KeepalivedConfig>[] = [
  ['net_namespace', (t) => (t.netNamespace !== undefined ? [`net_namespace ${t.netNamespace}`] : [])],
  ['net_namespace_ipvs', (t) => (t.netNamespaceIpvs !== undefined ? [`net_namespace_ipvs${t.netNamespaceIpvs ? ` ${t.netNamespaceIpvs}` : ''}`] : [])],
  ['namespace_with_ipsets', (t) => (t.namespaceWithIpsets ? ['namespace_with_ipsets'] : [])],
  ['instance', (t) => (t.instance !== undefined ? [`instance ${t.instance}`] : [])],
  ['use_pid_dir', (t) => (t.usePidDir ? ['use_pid_dir'] : [])],
  ['linkbeat_use_polling', (t) => (t.linkbeatUsePolling ? ['linkbeat_use_polling'] : [])],
  ['child_wait_time', (t) => [`child_wait_time ${t.childWaitTimeS}`]],
];
/** Printed as blocks of their own after the daemon-wide lines. */
const AS_BLOCKS = ['static_ipaddress', 'linkbeat_interfaces', 'interface_up_down_delays', 'track_group', 'static_routes', 'static_rules'];

function topLevelBlocks(c: KeepalivedConfig): string[][] {
  const out: string[][] = [printEntries(TOP_LEVEL_TABLE, c, [...DAEMON, [AS_BLOCKS, () => []]])];
  if (c.linkbeatInterfaces.length > 0) out.push(block('linkbeat_interfaces', c.linkbeatInterfaces.map((l) => `${l.name} ${l.method}`)));
  if (c.interfaceUpDownDelays.length > 0) out.push(block('interface_up_down_delays', c.interfaceUpDownDelays.map((d) => `${d.name} ${d.downDelayS} ${d.upDelayS}`)));
  for (const g of c.trackGroups) out.push(block(`track_group ${g.name}`, block('group', g.members)));
  if (c.staticRoutes.length > 0) out.push(block('static_routes', c.staticRoutes.map(formatRoute)));
  if (c.staticRules.length > 0) out.push(block('static_rules', c.staticRules.map(formatRule)));
  out.push(...c.vrrpScripts.map(vrrpScriptBlock), ...c.trackFiles.map(trackFileBlock), ...c.trackProcesses.map(trackProcessBlock));
  for (const g of c.garpGroups) {
    out.push(block('garp_group', [...(g.garpIntervalMs !== undefined ? [`garp_interval ${secsExact(g.garpIntervalMs)}`] : []), ...(g.gnaIntervalMs !== undefined ? [`gna_interval ${secsExact(g.gnaIntervalMs)}`] : []), ...block('interfaces', g.interfaces)]));
  }
  out.push(...c.bfdInstances.map(bfdInstanceBlock));
  return out;
}

export function printConfig(config: KeepalivedConfig, opts: PrintOptions = {}): string {
  const parts: string[][] = [printGlobalDefs(config.globalDefs)];
  if (config.staticIpAddresses.length > 0) parts.push(block('static_ipaddress', config.staticIpAddresses.map(formatAddress)));
  parts.push(...topLevelBlocks(config));
  for (const g of config.vrrpSyncGroups) parts.push(printSyncGroup(g));
  for (const v of config.vrrpInstances) parts.push(printInstance(v, opts.showSecrets === true));
  parts.push(...printLvs(config, opts));
  return parts.map((p) => p.join('\n')).join('\n\n') + '\n';
}
