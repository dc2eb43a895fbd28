/**
 * VRRP timer arithmetic: Skew_Time and Master_Down_Interval (RFC 3768 §6.1, RFC 5798 §6.1),
 * with keepalived's integer microsecond rounding so dumps match (`Master down timer = 3414062 usecs`).
 * Pure; used by the FSM (vrrp child) and by dumps.
 *
 * keepalived differences from the RFC text (keepalived.conf(5) `down_timer_adverts`; the values
 * match keepalived 2.2.7's keepalived.data dumps, test/fixtures/keepalived-dumps):
 * - VRRPv2 skew is (256 − prio)/256 s, NOT scaled by the advertisement interval;
 * - VRRPv3 skew is (256 − prio) × Master_Adver_Interval / 256;
 * - master-down is down_timer_adverts (default 3) × Master_Adver_Interval + skew;
 * - the address owner (base 255) always uses 255 in the skew.
 */

export const VRRP_PRIO_OWNER = 255;
export const VRRP_PRIO_STOP = 0;

const US_PER_S = 1_000_000;
const US_PER_CS = 10_000;

export function csToUs(cs: number): number {
  return cs * US_PER_CS;
}

export function usToMs(us: number): number {
  return us / 1000;
}

/** The priority that enters the skew: 255 for the address owner, else the effective priority. */
export function skewPriority(basePriority: number, effectivePriority: number): number {
  return basePriority === VRRP_PRIO_OWNER ? VRRP_PRIO_OWNER : effectivePriority;
}

/**
 * Skew_Time in whole microseconds (truncated, as keepalived's unsigned arithmetic does).
 * @param masterAdverIntervalCs only used by VRRPv3.
 */
export function skewTimeUs(version: 2 | 3, priority: number, masterAdverIntervalCs: number): number {
  const weight = 256 - priority;
  if (version === 3) return Math.floor((weight * csToUs(masterAdverIntervalCs)) / 256);
  return Math.floor((weight * US_PER_S) / 256);
}

/** Master_Down_Interval in whole microseconds: downTimerAdverts × Master_Adver_Interval + Skew_Time. */
export function masterDownIntervalUs(
  version: 2 | 3,
  priority: number,
  masterAdverIntervalCs: number,
  downTimerAdverts: number,
): number {
  return downTimerAdverts * csToUs(masterAdverIntervalCs) + skewTimeUs(version, priority, masterAdverIntervalCs);
}
