/**
 * Which instances a VRRP child restarted after a crash takes back as MASTER at once (issue 11:
 * a crash of the child must cost no failover). The watchdog parent keeps each instance's last
 * reported state and hands it to the new child (ResumeInfo in the hello); an instance resumes
 * MASTER only when it is still the same instance (name, VRID, family, interface), stands alone
 * (a sync group starts as a whole), and the predecessor died less than its
 * Master_Down_Interval ago (RFC 5798 §6.1): later, a backup may already have taken over, and
 * starting over as BACKUP is what RFC 5798 §6.4.1 asks. keepalived cannot do this: its
 * restarted child starts over and the VIP moves to the backup and back. Pure.
 */
import type { VrrpInstanceConfig } from '../config/model.js';
import type { ResumeInfo } from '../process/ipc.js';
import { masterDownIntervalUs, skewPriority, usToMs } from './timers.js';

export function instancesToResume(configs: readonly VrrpInstanceConfig[], resume: ResumeInfo | undefined, inGroup: (name: string) => boolean, nowWallMs: number): Set<string> {
  const out = new Set<string>();
  if (resume === undefined) return out;
  const elapsedMs = nowWallMs - resume.exitedAtWallMs;
  if (elapsedMs < 0) return out;
  for (const held of resume.instances) {
    if (held.state !== 'MASTER') continue;
    const cfg = configs.find((c) => c.name === held.name);
    if (cfg === undefined || cfg.vrid !== held.vrid || cfg.family !== held.family || (cfg.interface ?? null) !== held.interface || inGroup(cfg.name)) continue;
    // Our own interval is the shortest a backup can have (its lower priority adds skew).
    const downMs = usToMs(masterDownIntervalUs(cfg.version, skewPriority(cfg.priority, cfg.priority), cfg.advertIntCs, cfg.downTimerAdverts));
    if (elapsedMs < downMs) out.add(cfg.name);
  }
  return out;
}
