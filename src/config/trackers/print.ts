/**
 * Prints the tracker blocks and the `track_*` lines of instances and sync groups back in
 * keepalived syntax for the dump (`-d`): every effective value explicitly, so the output
 * re-parses to the same model.
 */
import type { TrackInterfaceSpec } from '../common.js';
import { block, quote, scriptLine, secsExact as secs } from '../print-format.js';
import type { BfdInstanceConfig, TrackerRef, TrackerRefs, TrackFileConfig, TrackProcessConfig, VrrpScriptConfig } from './model.js';

function refLines(kw: string, refs: readonly TrackerRef[]): string[] {
  if (refs.length === 0) return [];
  return block(kw, refs.map((r) => [r.name, ...(r.weight !== undefined ? ['weight', String(r.weight)] : []), ...(r.reverse !== undefined ? [r.reverse ? 'reverse' : 'noreverse'] : [])].join(' ')));
}

export const trackerRefLines = (t: TrackerRefs): string[] => [
  ...refLines('track_script', t.trackScripts),
  ...refLines('track_file', t.trackFiles),
  ...refLines('track_process', t.trackProcesses),
  ...refLines('track_bfd', t.trackBfds),
];

export const trackInterfaceLines = (list: readonly TrackInterfaceSpec[]): string[] =>
  list.length > 0 ? block('track_interface', list.map((t) => `${t.name} weight ${t.weight}${t.reverse ? ' reverse' : ''}`)) : [];

export const vrrpScriptBlock = (s: VrrpScriptConfig): string[] =>
  block(`vrrp_script ${s.name}`, [...scriptLine('script', s.script), `interval ${secs(s.intervalMs)}`, `timeout ${secs(s.timeoutMs)}`, `weight ${s.weight}${s.reverse ? ' reverse' : ''}`, `rise ${s.rise}`, `fall ${s.fall}`, ...(s.initFail ? ['init_fail'] : [])]);

export const trackFileBlock = (f: TrackFileConfig): string[] =>
  block(`track_file ${f.name}`, [`file ${quote(f.path)}`, `weight ${f.weight}${f.reverse ? ' reverse' : ''}`, ...(f.initFile ? [`init_file ${f.initFile.value}${f.initFile.overwrite ? ' overwrite' : ''}`] : [])]);

export function trackProcessBlock(p: TrackProcessConfig): string[] {
  const b = [['process', quote(p.process), ...p.params.map(quote)].join(' '), `weight ${p.weight}${p.reverse ? ' reverse' : ''}`, `quorum ${p.quorum}`, `fork_delay ${secs(p.forkDelayMs)}`, `terminate_delay ${secs(p.terminateDelayMs)}`];
  if (p.quorumMax !== 4294967295) b.push(`quorum_max ${p.quorumMax}`);
  if (p.paramMatch !== 'exact') b.push(`param_match ${p.paramMatch}`);
  if (p.fullCommand) b.push('full_command');
  return block(`vrrp_track_process ${p.name}`, b);
}

export function bfdInstanceBlock(f: BfdInstanceConfig): string[] {
  const b = [`neighbor_ip ${f.neighborIp}`, ...(f.sourceIp !== undefined ? [`source_ip ${f.sourceIp}`] : []), `min_rx ${f.minRxMs}`, `min_tx ${f.minTxMs}`, `idle_tx ${f.idleTxMs}`, `multiplier ${f.multiplier}`];
  b.push(`ttl ${f.ttl}`, `max_hops ${f.maxHops}`, `multihop ${f.multihop}`, `weight ${f.weight}${f.reverse ? ' reverse' : ''}`);
  if (f.passive) b.push('passive');
  if (f.vrrpOnly) b.push('vrrp');
  if (f.checkerOnly) b.push('checker');
  return block(`bfd_instance ${f.name}`, b);
}
