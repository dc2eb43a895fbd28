/**
 * `keepalived-ts status` for humans: a summary table per VRRP instance in the spirit of FRR's
 * `show vrrp` summary, one block per virtual server with its real servers, and a detailed
 * view of one instance. Pure: formats the status document (docs/status-api.md) as of its own
 * generatedAtWallMs, so ages are those of the moment the daemon answered.
 */
import type { StatusDocument } from '../process/control-protocol.js';
import type { VirtualServerStatus, VrrpInstanceStatus } from '../process/status.js';

/** `850 ms`, `4.2 s`, `3m12s`, `2h03m`, `5d04h`. */
export function formatAge(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    ' ' + cells.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

const ago = (doc: StatusDocument, wallMs: number | null): string => (wallMs === null ? '-' : `${formatAge(doc.generatedAtWallMs - wallMs)} ago`);

function masterCell(i: VrrpInstanceStatus): string {
  if (i.state === 'MASTER') return `${i.masterAddress ?? '-'} (this node)`;
  return i.masterAddress ?? '-';
}

function daemonLines(doc: StatusDocument): string[] {
  const d = doc.daemon;
  const reload = d.lastReload === null ? '' : `; last reload ${ago(doc, d.lastReload.atWallMs)}: ${d.lastReload.ok === null ? 'in progress' : d.lastReload.ok ? 'OK' : `FAILED (${d.lastReload.reason ?? ''})`}`;
  const children = d.children.map((c) => `${c.kind} pid ${c.pid ?? '-'}${c.ready ? '' : ' (starting)'}${c.restarts > 0 ? `, ${c.restarts} restart(s)` : ''}, heartbeat ${ago(doc, c.lastHeartbeatWallMs)}`);
  return [
    `keepalived-ts ${d.version} (keepalived ${d.compatibleWith}) pid ${d.pid}, up ${formatAge(doc.generatedAtWallMs - d.startedAtWallMs)}, ${d.ready ? 'ready' : 'starting'}${reload}`,
    `config ${d.configFile}`,
    ...(children.length > 0 ? [`children: ${children.join('; ')}`] : ['children: none']),
  ];
}

function instanceTable(doc: StatusDocument): string[] {
  if (doc.instances.length === 0) return [' No VRRP instance.'];
  const rows = doc.instances.map((i) => [
    i.name,
    i.interface ?? '-',
    String(i.vrid),
    `IPv${i.family}`,
    `${i.effectivePriority}/${i.basePriority}`,
    i.state,
    masterCell(i),
    ago(doc, i.lastAdvertWallMs),
    String(i.vips.length),
  ]);
  return table(['Instance', 'Interface', 'VRID', 'Family', 'Prio(eff/base)', 'State', 'Master', 'Last advert', 'VIPs'], rows, new Set([2, 8]));
}

function virtualServerLines(vs: VirtualServerStatus): string[] {
  const up = vs.realServers.filter((r) => r.alive).length;
  const out = [` ${vs.name}  quorum ${vs.quorumUp ? 'up' : 'DOWN'}, ${up}/${vs.realServers.length} real servers up`];
  for (const rs of vs.realServers) {
    const checkers = rs.checkers.map((c) => `${c.type} ${c.state}`).join(', ') || 'no checker';
    out.push(`   ${rs.name}  ${rs.alive ? 'up' : 'DOWN'}  weight ${rs.effectiveWeight}/${rs.configuredWeight}  ${checkers}`);
  }
  return out;
}

/** The whole document: daemon, instance table, virtual servers. */
export function formatStatus(doc: StatusDocument): string {
  const out = [...daemonLines(doc), '', ...instanceTable(doc)];
  if (doc.virtualServers.length > 0) out.push('', ...doc.virtualServers.flatMap(virtualServerLines));
  return `${out.join('\n')}\n`;
}

/** One instance in detail. */
export function formatInstance(doc: StatusDocument, i: VrrpInstanceStatus): string {
  const t = i.lastTransition;
  const since = t === null ? '' : ` since ${new Date(t.atWallMs).toISOString()} (${ago(doc, t.atWallMs)}), from ${t.from}: ${t.reason}`;
  const trackers = i.trackers.length === 0 ? ['none'] : i.trackers.map((k) => `${k.kind} ${k.name}: ${k.state} (weight ${k.weight})`);
  const rows: [string, readonly string[]][] = [
    ['State', [`${i.state}${since}`]],
    ['VRID', [`${i.vrid}, VRRPv${i.version}, IPv${i.family} on ${i.interface ?? '-'}`]],
    ['Priority', [`effective ${i.effectivePriority}, base ${i.basePriority}`]],
    ['Master', [`${masterCell(i)}${i.masterPriority !== null ? `, priority ${i.masterPriority}` : ''}`]],
    ['Last advert', [ago(doc, i.lastAdvertWallMs)]],
    ['Source address', [i.sourceAddress ?? '-']],
    ['VIPs', i.vips.length > 0 ? i.vips : ['none']],
    ['Trackers', trackers],
    ['Fault sources', i.faultSources.length > 0 ? i.faultSources : ['none']],
    ['Sync group', [i.syncGroup ?? '-']],
  ];
  const out = [`VRRP instance ${i.name}`];
  for (const [label, values] of rows) values.forEach((v, n) => out.push(`  ${(n === 0 ? label : '').padEnd(15)} ${v}`));
  return `${out.join('\n')}\n`;
}
