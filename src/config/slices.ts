/**
 * What the parent hands each child of a compiled configuration (DESIGN: "each child gets only
 * its slice", as OpenBSD relayd does): the VRRP child gets everything but the LVS part, the
 * checker child everything but the VRRP part, both as JSON text built off the parent's event
 * loop (docs/architecture.md, "Configuration and reload"). The checker's virtual servers travel
 * one JSON text per virtual server, keyed by identity, so that a reload sends only those that
 * changed and the child reuses the objects of the others (O(changes) on its side). Pure.
 */
import { createHash } from 'node:crypto';
import { KaError } from '../core/errors.js';
import { fail, ok, type Result } from '../core/result.js';
import type { KeepalivedConfig, VirtualServerConfig } from './model.js';

/** Bumped when the payload's shape changes (a parent and a child of different builds refuse each other). */
export const SLICE_SCHEMA = 1;

/** The parent's copy of one compiled configuration, in the form it sends. */
export interface ConfigSlices {
  /** The VRRP child's configuration (no virtual servers): JSON of a KeepalivedConfig. */
  readonly vrrp: string;
  /** The checker child's configuration without `virtualServers`: JSON of a KeepalivedConfig. */
  readonly checkerBase: string;
  /** Each virtual server as [key, JSON, fingerprint], in config order (vsKeys, vsFingerprint). */
  readonly virtualServers: readonly (readonly [key: string, json: string, fingerprint: string])[];
}

// A SourceLoc as JSON.stringify writes the ones the compiler builds ({ file, line, col }).
const SOURCE_LOC_JSON = /\{"file":"(?:[^"\\]|\\.)*","line":\d+,"col":\d+\}/g;

/**
 * What decides whether a virtual server changed: its JSON without source locations (a line
 * added above it moves every `loc` below, not the service), hashed so the parent keeps 20
 * bytes per virtual server instead of its text. A loc written another way only makes a
 * server look changed: more work, never a missed change.
 */
export function vsFingerprint(json: string): string {
  return createHash('sha1').update(json.replace(SOURCE_LOC_JSON, '0')).digest('base64');
}

/**
 * A key per virtual server that stays the same across reloads while the service does: its
 * identity (VirtualServerConfig.identity), numbered when the file repeats one.
 */
export function vsKeys(vss: readonly Pick<VirtualServerConfig, 'identity'>[]): string[] {
  const seen = new Map<string, number>();
  return vss.map((v) => {
    const n = seen.get(v.identity) ?? 0;
    seen.set(v.identity, n + 1);
    return n === 0 ? v.identity : `${v.identity}#${n}`;
  });
}

/** The VRRP side: every field but the LVS ones (the VRRP child never deserialises 30,000 real servers). */
export function vrrpSlice(c: KeepalivedConfig): KeepalivedConfig {
  const { ssl: _ssl, ...rest } = c;
  return { ...rest, virtualServers: [], virtualServerGroups: [] };
}

/** The checker side: every field but the VRRP ones; its virtual servers travel apart. */
export function checkerSlice(c: KeepalivedConfig): KeepalivedConfig {
  return { ...c, vrrpInstances: [], vrrpSyncGroups: [], staticIpAddresses: [], staticRoutes: [], staticRules: [] };
}

export function encodeSlices(c: KeepalivedConfig): ConfigSlices {
  const keys = vsKeys(c.virtualServers);
  return {
    vrrp: JSON.stringify(vrrpSlice(c)),
    checkerBase: JSON.stringify({ ...checkerSlice(c), virtualServers: [] }),
    virtualServers: c.virtualServers.map((vs, i) => {
      const json = JSON.stringify(vs);
      return [keys[i]!, json, vsFingerprint(json)] as const;
    }),
  };
}

/**
 * What one child was last given and applied: the generation, and for the checker the
 * fingerprint of each virtual server by key (what a delta is computed against).
 */
export interface HeldSlice {
  readonly generation: number;
  readonly virtualServers?: ReadonlyMap<string, string>;
}

/**
 * The payload text (JSON) for a child: the whole slice, or for the checker a delta against
 * what it holds — the base without virtual servers, the keys in order, and the JSON of the
 * virtual servers it does not hold as they are now. Built by concatenation: the parent never
 * parses a slice.
 */
export function slicePayload(kind: 'vrrp' | 'checker', generation: number, s: ConfigSlices, held?: HeldSlice, unusable?: string): string {
  const head = `{"schema":${SLICE_SCHEMA},"generation":${generation}${unusable !== undefined ? `,"unusable":${JSON.stringify(unusable)}` : ''}`;
  if (kind === 'vrrp') return `${head},"type":"full","config":${s.vrrp}}`;
  const have = held?.virtualServers;
  if (held === undefined || have === undefined) {
    return `${head},"type":"full","config":${s.checkerBase},"virtualServers":[${s.virtualServers.map(([, j]) => j).join(',')}]}`;
  }
  const changed: string[] = [];
  for (const [k, j, f] of s.virtualServers) if (have.get(k) !== f) changed.push(`[${JSON.stringify(k)},${j}]`);
  return `${head},"type":"delta","base":${held.generation},"config":${s.checkerBase},"order":${JSON.stringify(s.virtualServers.map(([k]) => k))},"changed":[${changed.join(',')}]}`;
}

/** What the checker holds once it applied `s` (the parent keeps it to compute the next delta). */
export function heldAfter(kind: 'vrrp' | 'checker', generation: number, s: ConfigSlices): HeldSlice {
  return kind === 'vrrp' ? { generation } : { generation, virtualServers: new Map(s.virtualServers.map(([k, , f]) => [k, f])) };
}

/** A configuration as a child rebuilt it from a payload. */
export interface DecodedSlice {
  readonly generation: number;
  readonly config: KeepalivedConfig;
  /** Why this configuration cannot run (fatal diagnostics; sent at start-up only, the child then exits). */
  readonly unusable?: string;
  /** Virtual servers whose object is not the previous configuration's (delta: the changed ones; full: all). */
  readonly changedVirtualServers: number;
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A child's side: JSON text → configuration. A delta is applied to `previous` (the
 * configuration the child runs): unchanged virtual servers keep their objects, so the
 * checker's migration sees them as identical with `===`. The parent is the same build, so
 * the model inside is trusted; the envelope is checked.
 */
export function decodeSlice(text: string, previous?: { readonly generation: number; readonly config: KeepalivedConfig }): Result<DecodedSlice> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return fail(`configuration payload is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObj(v) || v['schema'] !== SLICE_SCHEMA) return fail(`configuration payload schema ${isObj(v) ? String(v['schema']) : '?'} (want ${SLICE_SCHEMA})`);
  const generation = v['generation'];
  const config = v['config'];
  if (typeof generation !== 'number' || !isObj(config) || !Array.isArray(config['vrrpInstances'])) return fail('configuration payload: no generation or config');
  const base = config as unknown as KeepalivedConfig;
  const unusable = typeof v['unusable'] === 'string' ? { unusable: v['unusable'] } : {};
  switch (v['type']) {
    case 'full': {
      const vss = v['virtualServers'];
      if (vss === undefined) return ok({ generation, config: base, changedVirtualServers: base.virtualServers.length, ...unusable });
      if (!Array.isArray(vss)) return fail('configuration payload: virtualServers');
      return ok({ generation, config: { ...base, virtualServers: vss as VirtualServerConfig[] }, changedVirtualServers: vss.length, ...unusable });
    }
    case 'delta': {
      const order = v['order'];
      const changed = v['changed'];
      if (!Array.isArray(order) || !Array.isArray(changed)) return fail('configuration payload: delta without order/changed');
      if (previous === undefined || previous.generation !== v['base']) return fail(`configuration delta against generation ${String(v['base'])}, this process holds ${previous?.generation ?? 'none'}`);
      const prevKeys = vsKeys(previous.config.virtualServers);
      const byKey = new Map<string, VirtualServerConfig>();
      previous.config.virtualServers.forEach((vs, i) => byKey.set(prevKeys[i]!, vs));
      for (const entry of changed) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !isObj(entry[1])) return fail('configuration payload: bad changed entry');
        byKey.set(entry[0], entry[1] as unknown as VirtualServerConfig);
      }
      const vss: VirtualServerConfig[] = [];
      for (const k of order) {
        const vs = typeof k === 'string' ? byKey.get(k) : undefined;
        if (vs === undefined) return fail(`configuration delta names virtual server ${String(k)} it does not carry`);
        vss.push(vs);
      }
      return ok({ generation, config: { ...base, virtualServers: vss }, changedVirtualServers: changed.length, ...unusable });
    }
    default:
      return fail(`configuration payload type ${String(v['type'])}`);
  }
}

/**
 * decodeSlice for a child runtime: a payload that cannot be decoded is a protocol error, a
 * configuration that cannot run is KA_ERR_CFG_INVALID (at start-up the child then exits with
 * keepalived's CONFIG status; the parent never sends one at reload).
 */
export function runnableSlice(text: string, previous?: { readonly generation: number; readonly config: KeepalivedConfig }): DecodedSlice {
  const d = decodeSlice(text, previous);
  if (!d.ok) throw new KaError('KA_ERR_IPC_PROTOCOL', d.reason);
  if (d.value.unusable !== undefined) throw new KaError('KA_ERR_CFG_INVALID', `configuration cannot run: ${d.value.unusable}`);
  return d.value;
}
