/**
 * vrrp_instance models and FsmParams for tests, compiled from keepalived.conf text by the real
 * config pipeline: every default comes from the keyword tables and the compiler, never from
 * here. Router `index` is `R<index>` on eth0 with VIP 192.0.2.100/24 (unless `vips` says
 * otherwise) and advertises from 192.0.2.(10+index).
 */
import { parseConfigText } from '../config/parse-config.js';
import type { KeepalivedConfig, VrrpInstanceConfig } from '../config/model.js';
import { fsmParamsFromConfig } from '../vrrp/fsm.js';
import type { FsmParams } from '../vrrp/fsm-types.js';
import { memoryReader } from './memory-reader.js';

/** Instance settings a test may set; each becomes its keepalived.conf line. */
export type TestInstanceSettings = Partial<
  Pick<
    VrrpInstanceConfig,
    | 'name'
    | 'vrid'
    | 'version'
    | 'priority'
    | 'advertIntCs'
    | 'downTimerAdverts'
    | 'nopreempt'
    | 'preemptDelayMs'
    | 'lowerPrioNoAdvert'
    | 'higherPrioSendAdvert'
    | 'initialState'
  >
> & {
  /** More lines inside the vrrp_instance block (track_interface, garp_master_delay …). */
  readonly lines?: readonly string[];
  /** virtual_ipaddress lines (default: 192.0.2.100/24). */
  readonly vips?: readonly string[];
  /** global_defs lines (vrrp_garp_interval …). */
  readonly global?: readonly string[];
};

/** The advert source address of router `index`. */
export function testRouterAddress(index: number): Uint8Array {
  return Uint8Array.of(192, 0, 2, 10 + index);
}

/** keepalived.conf text with one vrrp_instance. */
export function testConfigText(index: number, s: TestInstanceSettings = {}): string {
  const lines = [
    ` interface eth0`,
    ` virtual_router_id ${s.vrid ?? 51}`,
    // Always explicit: `state MASTER` alone would make the instance the address owner.
    ` priority ${s.priority ?? 100}`,
    ...(s.version !== undefined ? [` version ${s.version}`] : []),
    ...(s.advertIntCs !== undefined ? [` advert_int ${s.advertIntCs / 100}`] : []),
    ...(s.downTimerAdverts !== undefined ? [` down_timer_adverts ${s.downTimerAdverts}`] : []),
    ...(s.initialState !== undefined ? [` state ${s.initialState}`] : []),
    ...(s.nopreempt === true ? [' nopreempt'] : []),
    ...(s.preemptDelayMs !== undefined && s.preemptDelayMs > 0 ? [` preempt_delay ${s.preemptDelayMs / 1000}`] : []),
    ...(s.lowerPrioNoAdvert === true ? [' lower_prio_no_advert'] : []),
    ...(s.higherPrioSendAdvert === true ? [' higher_prio_send_advert'] : []),
    ...(s.lines ?? []).map((l) => ` ${l}`),
    ' virtual_ipaddress {',
    ...(s.vips ?? ['192.0.2.100/24']).map((v) => `  ${v}`),
    ' }',
  ];
  const global = s.global ?? [];
  const globalDefs = global.length > 0 ? `global_defs {\n${global.map((l) => ` ${l}\n`).join('')}}\n` : '';
  return `${globalDefs}vrrp_instance ${s.name ?? `R${index}`} {\n${lines.join('\n')}\n}\n`;
}

/** The address a `virtual_ipaddress` line of the settings names (default 192.0.2.100). */
export function testVip(s: TestInstanceSettings = {}): string {
  return (s.vips?.[0] ?? '192.0.2.100/24').split(/[/\s]/)[0]!;
}

/**
 * keepalived.conf text with several vrrp_instance blocks of router `index` (the first one's
 * global_defs), and, when `syncGroup` names one, a vrrp_sync_group holding them all. Every
 * instance but the first needs its own name, VRID and VIP.
 */
export function testRouterConfigText(index: number, list: readonly TestInstanceSettings[], syncGroup?: string): string {
  const blocks = list.map((s, i) => testConfigText(index, i === 0 ? s : { ...s, global: [] }));
  const names = list.map((s) => s.name ?? `R${index}`);
  const group = syncGroup === undefined ? '' : `vrrp_sync_group ${syncGroup} {\n group {\n${names.map((n) => `  ${n}\n`).join('')} }\n}\n`;
  return blocks.join('') + group;
}

const compiled = new Map<string, KeepalivedConfig>();

/** Compiles config text (memoised: simulations build thousands of routers); throws on errors. */
export function compileTestConfig(text: string): KeepalivedConfig {
  let config = compiled.get(text);
  if (config === undefined) {
    const r = parseConfigText(text, 'keepalived.conf', { reader: memoryReader({}), configId: 'test' });
    const errors = r.diagnostics.filter((d) => d.severity !== 'warning');
    if (errors.length > 0) throw new Error(`test config does not compile: ${errors.map((d) => d.message).join('; ')}\n${text}`);
    config = r.config;
    compiled.set(text, config);
  }
  return config;
}

export function testInstanceConfig(index: number, s: TestInstanceSettings = {}): VrrpInstanceConfig {
  return compileTestConfig(testConfigText(index, s)).vrrpInstances[0]!;
}

/** The FsmParams the VRRP child would derive for router `index` with these settings. */
export function testFsmParams(index: number, s: TestInstanceSettings & { readonly primaryAddress?: Uint8Array } = {}): FsmParams {
  return fsmParamsFromConfig(testInstanceConfig(index, s), s.primaryAddress ?? testRouterAddress(index));
}
