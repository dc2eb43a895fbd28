/**
 * vrrp_instance compiler: the rows' defaults (plainFields), then what keepalived derives by
 * hand (keepalived.conf(5); RFC 5798 §5.2, RFC 3768 §5.3 for the protocol fields): state ⇔
 * priority, version selection, advert_int rounding, nopreempt/preempt_delay/accept rules,
 * strict mode, address families, and the minimal checks that stop the daemon ('fatal'). A
 * second pass (finishInstance) resolves trackers and VMAC/ipvlan once those blocks are
 * compiled. Messages keep keepalived's `(VI_1) …` wording.
 */
import type { Family } from '../../core/ip.js';
import { isLinkLocal6, parseIp } from '../../core/ip.js';
import type { IpAddressSpec, SourceLoc } from '../common.js';
import type { DiagSink } from '../diagnostics.js';
import type { GlobalDefsDraft } from '../global-defs/keywords.js';
import type { GarpSettings, GlobalDefs } from '../global-defs/model.js';
import { plainFields } from '../keywords/table.js';
import { resolveTrackerRefs, type Trackers } from '../trackers/compile.js';
import type { TrackerRefs } from '../trackers/model.js';
import { VRRP_INSTANCE_TABLE, type VrrpInstanceDraft } from './keywords.js';
import type { AuthSpec, VrrpInstanceConfig, VrrpStateName } from './model.js';

/** VRRPv3 Max Adver Int is a 12-bit count of centiseconds. */
const V3_MAX_ADVERT_CS = 4095;
const V2_MAX_ADVERT_S = 255;

/** Fields the compiler derives by hand; every other field comes from its row (plainFields). */
type Derived =
  | 'name' | 'loc' | 'initialState' | 'priority' | 'advertIntCs' | 'version' | 'family' | 'vips' | 'auth' | 'mcastDstIp' | 'unicastPeers' | 'unicastTtl'
  | 'nopreempt' | 'preemptDelayMs' | 'accept' | 'garp' | 'downTimerAdverts' | 'lowerPrioNoAdvert' | 'higherPrioSendAdvert' | 'skipCheckAdvAddr' | 'checkUnicastSrc'
  | 'strict' | 'notify' | 'smtpAlert' | FromTrackers;
/** Derived in the second pass, once the tracker blocks and sync groups are known (finishInstance). */
type FromTrackers = keyof TrackerRefs | 'useVmac' | 'useIpvlan' | 'vmacXmitBase' | 'notifyPriorityChanges';

/** An instance after the first pass. */
export type InstanceCore = Omit<VrrpInstanceConfig, FromTrackers>;

/** First pass: the instance's own keywords and global_defs' defaults (null: the daemon cannot run it). */
export function compileInstance(v: VrrpInstanceDraft, g: GlobalDefs, gd: GlobalDefsDraft, diags: DiagSink): InstanceCore | null {
  const P = `(${v.name})`;
  const at = (kw: string): SourceLoc => v.locs[kw] ?? v.loc;
  if (v.vrid === undefined) {
    diags.fatal('KA_CFG_VRRP_NO_VRID', `${P} the virtual router id must be set`, v.loc, "add 'virtual_router_id N' (1..255)");
    return null;
  }
  // Row values with the rows' defaults; preempt and advert_int still go through the rules below.
  const { advertIntSec, ...plain } = plainFields<Omit<VrrpInstanceConfig, Derived> & Pick<VrrpInstanceConfig, 'nopreempt' | 'preemptDelayMs'> & { advertIntSec: number }>(VRRP_INSTANCE_TABLE, v);
  const strict = v.strict ?? g.vrrpStrict;

  // Address family: the first VIP decides; VIPs of the other family are dropped.
  const family: Family = v.vips?.[0]?.family ?? v.unicastPeers?.[0]?.family ?? familyOf(v.unicastSrcIp ?? v.mcastSrcIp) ?? 4;
  const vips: IpAddressSpec[] = [];
  for (const a of v.vips ?? []) {
    if (a.family === family) vips.push(a);
    else diags.error('KA_CFG_VRRP_VIP_FAMILY', `${P}: address family must match VRRP instance [${a.address}] - ignoring`, a.loc, { hint: 'put addresses of the other family in virtual_ipaddress_excluded' });
  }

  let version: 2 | 3 = v.version ?? (family === 6 ? 3 : g.vrrpVersion);
  if (version === 2 && family === 6) {
    diags.warn('KA_CFG_VRRP_VERSION', `${P} VRRP version 2 does not support IPv6 - using version 3`, at('version'));
    version = 3;
  }

  const priority = v.priority ?? (v.initialState === 'MASTER' && !v.badState ? 255 : 100);
  let state: VrrpStateName = v.initialState ?? (priority === 255 ? 'MASTER' : 'BACKUP');
  if (strict && state === 'MASTER' && priority !== 255) {
    diags.warn('KA_CFG_VRRP_STRICT', `${P} State MASTER must match being address owner`, at('state'), { hint: 'vrrp_strict: only priority 255 may start as MASTER; using BACKUP' });
    state = 'BACKUP';
  }

  let auth: AuthSpec | undefined;
  if (v.authType !== undefined) {
    // keepalived 2.2.7's order; `version 2` with IPv6 VIPs is still version 2 when it looks at AH.
    const ahOverIpv6 = v.authType === 'AH' && family === 6 && v.version === 2;
    if (version === 3 && !ahOverIpv6) diags.warn('KA_CFG_VRRP_AUTH', `${P} VRRP version 3 does not support authentication. Ignoring.`, at('authentication'));
    else if (strict) diags.warn('KA_CFG_VRRP_STRICT', `${P} Strict mode does not support authentication. Ignoring.`, at('authentication'));
    else if (v.authPass === undefined) diags.warn('KA_CFG_VRRP_AUTH', `${P} Authentication specified but no password given. Ignoring`, at('authentication'));
    else if (ahOverIpv6) diags.warn('KA_CFG_VRRP_AUTH', `${P} Cannot use AH authentication with IPv6. ignoring`, at('authentication'));
    else auth = { type: v.authType, pass: v.authPass };
  }
  // Sync group members too: keepalived 2.2.7 only seemed to exempt them when a member's interface was missing.
  if (auth?.type === 'AH' && state === 'MASTER' && priority !== 255) {
    diags.warn('KA_CFG_VRRP_AUTH', `${P} Initial state master is incompatible with AH authentication - clearing`, at('state'), { hint: 'using BACKUP' });
    state = 'BACKUP';
  }

  const advertIntCs = advertInterval(advertIntSec, version, P, at('advert_int'), diags);

  let nopreempt = plain.nopreempt;
  if (nopreempt && priority === 255) {
    diags.warn('KA_CFG_VRRP_NOPREEMPT', `${P} nopreempt is incompatible with priority 255. resetting nopreempt`, at('nopreempt'));
    nopreempt = false;
  } else if (nopreempt && v.initialState === 'MASTER') {
    diags.warn('KA_CFG_VRRP_NOPREEMPT', `${P} Warning - nopreempt will not work with initial state MASTER - clearing`, at('nopreempt'));
    nopreempt = false;
  }
  let preemptDelayMs = plain.preemptDelayMs;
  if (preemptDelayMs > 0) {
    const why = nopreempt ? 'nopreempt' : strict ? 'strict mode' : state === 'MASTER' ? 'initial state MASTER' : null;
    if (why) {
      diags.warn('KA_CFG_VRRP_PREEMPT_DELAY', `${P} preempt_delay is incompatible with ${why} - clearing`, at('preempt_delay'));
      preemptDelayMs = 0;
    }
  }

  let accept = v.accept ?? (strict ? priority === 255 : true);
  if (strict && v.accept === true && version === 2) {
    diags.warn('KA_CFG_VRRP_ACCEPT', `${P} warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting`, at('accept'));
    accept = false;
  }

  if (vips.length === 0 && plain.noVirtualIpaddress) {
    // no_virtual_ipaddress (2.2.8+): zero VIPs is intended, even with v3/strict.
  } else if (vips.length === 0) {
    if (version === 3 || strict) diags.fatal('KA_CFG_VRRP_NO_VIP', `${P} No VIP specified; at least one is required`, v.loc, strict ? 'vrrp_strict requires a VIP' : 'VRRPv3 requires a VIP');
    else diags.warn('KA_CFG_VRRP_NO_VIP', `${P} No VIP specified; at least one is sensible`, v.loc);
  } else if (strict && family === 6 && !isLinkLocal6(parseIp(vips[0]!.address)!)) {
    diags.warn('KA_CFG_VRRP_STRICT', `${P} the first IPv6 VIP should be a link-local address in strict mode`, vips[0]!.loc);
  }

  const unicastPeers = (v.unicastPeers ?? []).filter((p) => {
    if (p.family === family) return true;
    diags.error('KA_CFG_VRRP_PEER_FAMILY', `${P} unicast peer ${p.address} is not of the instance's address family - ignoring`, at('unicast_peer'));
    return false;
  });
  if (strict && unicastPeers.length > 0) {
    diags.fatal('KA_CFG_VRRP_STRICT_UNICAST', `${P} Unicast peers are not supported in strict mode`, at('unicast_peer'), 'remove vrrp_strict/strict_mode or unicast_peer');
  }
  let unicastTtl = v.unicastTtl;
  if (unicastTtl !== undefined && unicastPeers.length === 0) {
    diags.error('KA_CFG_VRRP_UNICAST_TTL', `${P} Cannot use unicast_ttl without unicast peers - resetting`, at('unicast_ttl'));
    unicastTtl = undefined;
  }

  if (v.interface === undefined && !(unicastPeers.length > 0 && v.unicastSrcIp !== undefined)) {
    diags.fatal('KA_CFG_VRRP_NO_INTERFACE', `${P} Unknown interface!`, v.loc, "add 'interface IF' (only unicast instances with unicast_src_ip may omit it)");
  }

  let mcastDstIp = family === 6 ? g.mcastGroup6 : g.mcastGroup4;
  if (v.mcastDstIp !== undefined) {
    if (familyOf(v.mcastDstIp) === family) mcastDstIp = v.mcastDstIp;
    else diags.error('KA_CFG_VRRP_MCAST_FAMILY', `${P} mcast_dst_ip ${v.mcastDstIp} is not of the instance's address family - ignoring`, at('mcast_dst_ip'));
  }

  const garp = instanceGarp(v, g, gd, strict, P, at, diags);
  const downTimerAdverts = strictValue(strict, v.downTimerAdverts ?? g.downTimerAdverts, 3, v.downTimerAdverts !== undefined, `${P} down_timer_adverts must be 3 in strict mode - resetting`, at('down_timer_adverts'), diags);
  const higherPrioSendAdvert = strictValue(strict, v.higherPrioSendAdvert ?? g.higherPrioSendAdvert, false, v.higherPrioSendAdvert === true, `${P} higher_prio_send_advert is not allowed in strict mode - resetting`, at('higher_prio_send_advert'), diags);

  return {
    ...plain,
    name: v.name,
    loc: v.loc,
    initialState: state,
    priority,
    advertIntCs,
    version,
    family,
    vips,
    ...(auth ? { auth } : {}),
    mcastDstIp,
    unicastPeers,
    ...(unicastTtl !== undefined ? { unicastTtl } : {}),
    nopreempt,
    preemptDelayMs,
    accept,
    garp,
    downTimerAdverts,
    lowerPrioNoAdvert: strict ? true : (v.lowerPrioNoAdvert ?? g.lowerPrioNoAdvert),
    higherPrioSendAdvert,
    skipCheckAdvAddr: v.skipCheckAdvAddr ?? g.skipCheckAdvAddr,
    // A TTL range on a peer implies checking the source (keepalived.conf(5) unicast_peer).
    checkUnicastSrc: (v.checkUnicastSrc ?? g.checkUnicastSrc) || unicastPeers.some((p) => p.minTtl !== undefined || p.maxTtl !== undefined),
    strict,
    ...(plain.garpExtraIf === undefined && g.vrrpGarpExtraIf !== undefined ? { garpExtraIf: g.vrrpGarpExtraIf } : {}),
    notify: v.notify,
    smtpAlert: v.smtpAlert ?? g.smtpAlert ?? false,
  };
}

function familyOf(addr: string | undefined): Family | undefined {
  return addr === undefined ? undefined : parseIp(addr)?.family;
}

/** v2: whole seconds (rounded, 1..255); v3: centiseconds (rounded, 1..4095). */
function advertInterval(sec: number, version: 2 | 3, P: string, loc: SourceLoc, diags: DiagSink): number {
  if (version === 2) {
    let s = sec;
    if (!Number.isInteger(sec)) {
      diags.warn('KA_CFG_VRRP_ADVERT_INT', `${P} VRRPv2 advertisement interval ${sec.toFixed(6)}s must be an integer. rounding`, loc);
      s = Math.max(1, Math.round(sec));
    }
    return Math.min(s, V2_MAX_ADVERT_S) * 100;
  }
  const cs = Math.round(sec * 100);
  if (cs > V3_MAX_ADVERT_CS) {
    diags.warn('KA_CFG_VRRP_ADVERT_INT', `${P} VRRPv3 advertisement interval ${sec.toFixed(2)}s is out of range. Must be less than 40.96s. Setting to 40.95s`, loc);
    return V3_MAX_ADVERT_CS;
  }
  return Math.max(1, cs);
}

function instanceGarp(
  v: VrrpInstanceDraft,
  g: GlobalDefs,
  gd: GlobalDefsDraft,
  strict: boolean,
  P: string,
  at: (kw: string) => SourceLoc,
  diags: DiagSink,
): GarpSettings {
  const masterDelayMs = v.garp.masterDelayMs ?? g.garp.masterDelayMs;
  const masterRepeat = v.garp.masterRepeat ?? g.garp.masterRepeat;
  // Unset lower-prio values follow this instance's master values, not the global ones.
  let lowerPrioRepeat = v.garp.lowerPrioRepeat ?? gd.garp.lowerPrioRepeat ?? masterRepeat;
  if (strict && lowerPrioRepeat !== 0) {
    if (v.garp.lowerPrioRepeat !== undefined || gd.garp.lowerPrioRepeat !== undefined) {
      diags.warn('KA_CFG_VRRP_STRICT', `${P} garp_lower_prio_repeat is not allowed in strict mode - resetting`, at('garp_lower_prio_repeat'));
    }
    lowerPrioRepeat = 0;
  }
  return {
    masterDelayMs,
    masterRepeat,
    masterRefreshMs: v.garp.masterRefreshMs ?? g.garp.masterRefreshMs,
    masterRefreshRepeat: v.garp.masterRefreshRepeat ?? g.garp.masterRefreshRepeat,
    lowerPrioDelayMs: v.garp.lowerPrioDelayMs ?? gd.garp.lowerPrioDelayMs ?? masterDelayMs,
    lowerPrioRepeat,
    intervalMs: g.garp.intervalMs,
    gnaIntervalMs: g.garp.gnaIntervalMs,
  };
}

function strictValue<T>(strict: boolean, value: T, forced: T, explicitlyOther: boolean, message: string, loc: SourceLoc, diags: DiagSink): T {
  if (!strict || value === forced) return value;
  if (explicitlyOther) diags.warn('KA_CFG_VRRP_STRICT', message, loc);
  return forced;
}

/**
 * Second pass: `track_*` lines resolved against the compiled tracker blocks (weighted ones
 * dropped for sync-group members without sync_group_tracking_weight and for address
 * owners), VMAC/ipvlan names, and notify_priority_changes inherited from the sync group.
 */
/** What an instance takes from its vrrp_sync_group (as the file said it). */
export interface SyncGroupSettings {
  readonly syncGroupTrackingWeight?: boolean;
  /** Deprecated; keepalived 2.2.7 takes it as sync_group_tracking_weight (weighted trackers kept). */
  readonly globalTracking?: boolean;
  readonly notifyPriorityChanges?: boolean;
}

/** `notifyPriorityChanges`: global_defs vrrp_notify_priority_changes, the default of the last resort. */
export function finishInstance(c: InstanceCore, v: VrrpInstanceDraft, trackers: Trackers, group: SyncGroupSettings | undefined, diags: DiagSink, notifyPriorityChanges = false): VrrpInstanceConfig {
  const dropWeighted = group !== undefined && group.syncGroupTrackingWeight !== true && group.globalTracking !== true ? 'SYNC group' : c.priority === 255 ? 'address_owner' : null;
  const at = (kw: string): SourceLoc => v.locs[kw] ?? v.loc;
  if (c.nativeIpv6 && c.family === 4 && c.vips.length > 0) {
    diags.error('KA_CFG_VRRP_VIP_FAMILY', `(${v.name}) Cannot specify native_ipv6 with IPv4 addresses`, at('native_ipv6'));
  }
  const useVmac = v.useVmac ? { ...v.useVmac, ifname: v.useVmac.ifname || `vrrp.${c.vrid}` } : undefined;
  const useIpvlan = v.useIpvlan ? { ...v.useIpvlan, ifname: v.useIpvlan.ifname || `vrrp.${c.vrid}` } : undefined;
  if (useVmac && useIpvlan) diags.error('KA_CFG_INVALID_VALUE', `(${v.name}) Cannot use both use_vmac and use_ipvlan - ignoring use_ipvlan`, at('use_ipvlan'));
  // keepalived 2.2.7: a weighted track_interface of a sync-group member keeps tracking,
  // unweighted; an address owner drops it.
  const trackInterfaces = dropWeighted === null ? c.trackInterfaces : c.trackInterfaces.flatMap((t) => {
    if (t.weight === 0) return [t];
    const owner = dropWeighted === 'address_owner';
    diags.warn('KA_CFG_SYNC_GROUP_TRACKER', owner ? `(${v.name}) ignoring ${t.name} tracked interface due to address owner` : `(${v.name}) ignoring ${t.name} tracked interface weight due to SYNC group`, at('track_interface'), {
      hint: owner ? 'a priority-255 instance is never changed by weighted trackers' : 'add sync_group_tracking_weight to the vrrp_sync_group to keep it',
    });
    return owner ? [] : [{ ...t, weight: 0, reverse: false }];
  });
  // keepalived 2.2.7 resets vmac_xmit_base in strict mode: adverts leave from the VMAC.
  const xmitBase = strictValue(c.strict, v.vmacXmitBase === true, false, v.vmacXmitBase === true, `(${v.name}) xmit_base is incompatible with strict mode - resetting`, at('vmac_xmit_base'), diags);
  return {
    ...c,
    trackInterfaces,
    ...resolveTrackerRefs(v.name, v, trackers, dropWeighted, diags),
    ...(useVmac ? { useVmac } : {}),
    // keepalived forces vmac_xmit_base for unicast instances using a VMAC.
    vmacXmitBase: xmitBase || (useVmac !== undefined && c.unicastPeers.length > 0),
    ...(useIpvlan && !useVmac ? { useIpvlan } : {}),
    notifyPriorityChanges: v.notifyPriorityChanges ?? group?.notifyPriorityChanges ?? notifyPriorityChanges,
  };
}
