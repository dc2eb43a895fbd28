/**
 * keepalived.json, the VRRP child's answer to the JSON signal (`keepalived --signum=JSON`,
 * keepalived(8) SIGNALS), in keepalived's layout. Pure.
 *
 * json_version 1 (the default; the only layout Debian's 2.2.7 writes, checked against it in
 * test/fixtures/keepalived-dumps/trackers): an array with one `{"data": {…}, "stats": {…}}`
 * per instance, the fields in 2.2.7's order and number formats (`%g` for fractional seconds,
 * `%f` for last_transition, `/` written `\/`). json_version 2 (keepalived.conf(5) of newer
 * keepalived): `{"vrrp": [the same objects, with the tracked processes' names in
 * data.track_process], "track_process": [one object per vrrp_track_process]}`, the
 * track_process array only when there is one.
 *
 * Fields keepalived-ts has no value for are left out, as keepalived leaves out an empty list:
 * the virtual routes and rules, which this child does not install, and a tracked process's
 * counts until the tracker runtime reports them (dump-snapshot.ts TrackerStates).
 */
import { keepalivedStats } from './drop-counters.js';
import type { DumpSnapshot, InstanceSnapshot, TrackProcessSnapshot } from './dump-snapshot.js';
import type { VrrpState } from './fsm-types.js';
import { quoteArgv, secs, vipText } from './dump-text.js';
import type { NotifyScripts } from '../config/model.js';

export type JsonVersion = 1 | 2;

/** keepalived's VRRP_STATE_* numbers (the exporters map 0..3 to INIT, BACKUP, MASTER, FAULT). */
export const JSON_STATE: Readonly<Record<VrrpState, number>> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 98 };

/** A JSON number, written as keepalived formats it. */
class Num {
  constructor(readonly text: string) {}
}

/** A JSON object, its fields in keepalived's order. */
class Obj {
  constructor(readonly fields: readonly (readonly [string, JsonValue])[]) {}
}

type JsonValue = string | boolean | Num | Obj | readonly JsonValue[];

/** C's `%g` (6 significant digits, trailing zeros dropped, exponent form outside 1e-4 ≤ |x| < 1e6). */
export function formatG(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? '0' : String(x);
  const [mant = '0', expText = '0'] = x.toExponential(5).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = x.toFixed(5 - exp);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** `%f` of wall-clock seconds, from milliseconds, without floating-point noise in the last digit. */
function formatSecondsF(wallMs: number): string {
  const totalUs = Math.round(wallMs * 1000);
  const sec = Math.floor(totalUs / 1e6);
  return `${sec}.${String(totalUs - sec * 1e6).padStart(6, '0')}`;
}

const uint = (n: number): Num => new Num(String(Math.trunc(n)));
const flag = (b: boolean): Num => uint(b ? 1 : 0);
const str = (s: string): string => s;

/** keepalived's JSON writer escapes `/` too. */
function quote(s: string): string {
  return JSON.stringify(s).replaceAll('/', '\\/');
}

function write(v: JsonValue): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Num) return v.text;
  if (v instanceof Obj) return `{${v.fields.map(([k, x]) => `${quote(k)}:${write(x)}`).join(',')}}`;
  return `[${v.map(write).join(',')}]`;
}

/** An object without its `undefined` fields. */
const obj = (fields: readonly (readonly [string, JsonValue | undefined])[]): Obj => new Obj(fields.filter((f): f is readonly [string, JsonValue] => f[1] !== undefined));

/** A list, or undefined when empty (keepalived writes no field for an empty list). */
const list = (items: readonly JsonValue[]): JsonValue | undefined => (items.length === 0 ? undefined : items);

const SCRIPT_FIELDS: readonly (readonly [string, keyof NotifyScripts])[] = [
  ['script_backup', 'backup'],
  ['script_master', 'master'],
  ['script_fault', 'fault'],
  ['script_stop', 'stop'],
  ['script_deleted', 'deleted'],
  ['script', 'generic'],
  ['script_master_rx_lower_pri', 'masterRxLowerPri'],
];

function dataObject(i: InstanceSnapshot, d: DumpSnapshot, version: JsonVersion): Obj {
  const { cfg, fsm } = i;
  const wall = (ms: number): number => d.clock.wallMs + (ms - d.clock.nowMs);
  const ifname = cfg.interface ?? '';
  const vipset = fsm.state === 'MASTER';
  const scriptCmd = new Map(d.scripts.map((s) => [s.cfg.name, quoteArgv(s.cfg.script)]));
  return obj([
    ['iname', str(cfg.name)],
    ['dont_track_primary', flag(cfg.dontTrackPrimary)],
    ['skip_check_adv_addr', flag(cfg.skipCheckAdvAddr)],
    ['strict_mode', flag(cfg.strict)],
    ['vmac_ifname', str(cfg.useVmac?.ifname ?? '')],
    ['ifp_ifname', cfg.interface !== undefined ? str(cfg.interface) : undefined],
    ['master_priority', uint(fsm.lastMasterPriority ?? 0)],
    ['last_transition', new Num(fsm.lastTransitionAtMs === null ? '0.000000' : formatSecondsF(wall(fsm.lastTransitionAtMs)))],
    ['garp_delay', new Num(formatG(cfg.garp.masterDelayMs / 1000))],
    ['garp_refresh', uint(secs(cfg.garp.masterRefreshMs))],
    ['garp_rep', uint(cfg.garp.masterRepeat)],
    ['garp_refresh_rep', uint(cfg.garp.masterRefreshRepeat)],
    ['garp_lower_prio_delay', uint(secs(cfg.garp.lowerPrioDelayMs))],
    ['garp_lower_prio_rep', uint(cfg.garp.lowerPrioRepeat)],
    ['lower_prio_no_advert', flag(cfg.lowerPrioNoAdvert)],
    ['higher_prio_send_advert', flag(cfg.higherPrioSendAdvert)],
    ['vrid', uint(cfg.vrid)],
    ['base_priority', uint(cfg.priority)],
    ['effective_priority', uint(fsm.effectivePriority)],
    ['vipset', vipset],
    ['promote_secondaries', cfg.promoteSecondaries],
    ['adver_int', new Num(formatG(cfg.advertIntCs / 100))],
    ['master_adver_int', new Num(formatG(fsm.masterAdverIntervalCs / 100))],
    ['accept', flag(cfg.accept)],
    ['nopreempt', cfg.nopreempt],
    ['preempt_delay', uint(secs(cfg.preemptDelayMs))],
    ['state', uint(JSON_STATE[fsm.state])],
    ['wantstate', uint(JSON_STATE[fsm.wantState])],
    ['version', uint(cfg.version)],
    ['smtp_alert', cfg.smtpAlert],
    ['notify_deleted', cfg.notify.deleted !== undefined],
    ...SCRIPT_FIELDS.map(([k, key]): readonly [string, JsonValue | undefined] => {
      const s = cfg.notify[key];
      return [k, s ? str(quoteArgv(s)) : undefined];
    }),
    ['vips', list(cfg.vips.map((v) => str(vipText(v, ifname, vipset))))],
    ['evips', list(cfg.excludedVips.map((v) => str(vipText(v, ifname, vipset))))],
    ['track_ifp', list(i.tracking.interfaces.map((t) => str(t.name)))],
    ['track_script', list(i.tracking.scripts.map((t) => str(scriptCmd.get(t.name) ?? t.name)))],
    ['track_process', version === 2 ? list(i.tracking.processes.map((t) => str(t.name))) : undefined],
    ['auth_type', uint(cfg.version === 2 && cfg.auth ? (cfg.auth.type === 'PASS' ? 1 : 2) : 0)],
    ['auth_data', cfg.version === 2 && cfg.auth?.type === 'PASS' ? str(cfg.auth.pass) : undefined],
  ]);
}

function statsObject(i: InstanceSnapshot): Obj {
  const c = i.fsm.counters;
  const k = keepalivedStats(i.drops);
  return obj([
    ['advert_rcvd', uint(c.advertRcvd)],
    ['advert_sent', uint(c.advertSent)],
    ['become_master', uint(c.becameMaster)],
    ['release_master', uint(c.releasedMaster)],
    ['packet_len_err', uint(k.packet_len_err)],
    ['advert_interval_err', uint(k.advert_interval_err)],
    ['ip_ttl_err', uint(k.ip_ttl_err)],
    ['invalid_type_rcvd', uint(k.invalid_type_rcvd)],
    ['addr_list_err', uint(k.addr_list_err)],
    ['invalid_authtype', uint(k.invalid_authtype)],
    ['authtype_mismatch', uint(k.authtype_mismatch)],
    ['auth_failure', uint(k.auth_failure)],
    ['pri_zero_rcvd', uint(c.priZeroRcvd)],
    ['pri_zero_sent', uint(c.priZeroSent)],
  ]);
}

/** keepalived's "unlimited" quorum_max (UINT_MAX): no max_processes field. */
const QUORUM_MAX_UNLIMITED = 4294967295;

function trackProcessObject(p: TrackProcessSnapshot): Obj {
  const { cfg, runtime } = p;
  return obj([
    ['process', str(cfg.process)],
    ['parameters', cfg.params.length > 0 ? str(cfg.params.join(' ')) : undefined],
    ['param_match', str(cfg.params.length === 0 ? 'none' : cfg.paramMatch)],
    ['min_processes', uint(cfg.quorum)],
    ['max_processes', cfg.quorumMax < QUORUM_MAX_UNLIMITED ? uint(cfg.quorumMax) : undefined],
    ['current_processes', runtime ? uint(runtime.currentProcesses) : undefined],
    ['have_quorum', runtime?.haveQuorum],
    ['weight', new Num(String(cfg.reverse ? -cfg.weight : cfg.weight))],
    ['terminate_delay', new Num(formatG(cfg.terminateDelayMs / 1000))],
    ['fork_delay', new Num(formatG(cfg.forkDelayMs / 1000))],
    ['fork_delay_timer_running', runtime?.forkDelayTimerRunning],
    ['terminate_delay_timer_running', runtime?.terminateDelayTimerRunning],
    ['full_command', cfg.fullCommand],
  ]);
}

/** The keepalived.json text in global_defs' json_version (1 when unset); one line, as keepalived writes it. */
export function formatJsonDump(d: DumpSnapshot): string {
  const version: JsonVersion = d.globalDefs.jsonVersion ?? 1;
  const instances = d.instances.map((i) => obj([['data', dataObject(i, d, version)], ['stats', statsObject(i)]]));
  const doc = version === 1 ? instances : obj([['vrrp', instances], ['track_process', list(d.trackProcesses.map(trackProcessObject))]]);
  return `${write(doc)}\n`;
}
