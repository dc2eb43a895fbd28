/**
 * MISC_CHECK probe (checker child): runs the configured script once per attempt in its own
 * process group, bounded by misc_timeout (SIGTERM to the group, SIGKILL 2 s later), and
 * maps its exit status (keepalived.conf(5) MISC_CHECK): 0 = success; with misc_dynamic 1 =
 * failure and 2..255 = success with weight status − 2; otherwise any non-zero = failure. A
 * script that cannot be executed, is killed by a signal or times out fails the check.
 */
import { readFileSync } from 'node:fs';
import type { MiscCheckConfig } from '../../config/lvs/model.js';
import { runTimedScript, scriptEnv, type ScriptExit, type TimedScript } from '../../notify/runner.js';
import { assertNever } from '../../core/result.js';
import type { Probe, ProbeAttempt, ProbeEnv, ProbeOutcome } from '../probe.js';

/** Pure mapping of a script's end to a probe outcome. */
export function miscOutcome(exit: ScriptExit, dynamic: boolean): ProbeOutcome {
  switch (exit.type) {
    case 'exited':
      if (exit.status === 0) return { type: 'success' };
      if (dynamic && exit.status >= 2) return { type: 'success', dynamicWeight: Math.min(exit.status, 255) - 2 };
      return { type: 'failure', reason: `exit status ${exit.status}` };
    case 'signaled':
      return { type: 'failure', reason: `killed by ${exit.signal}` };
    case 'timeout':
      return { type: 'failure', reason: 'timeout' };
    case 'aborted':
      return { type: 'failure', reason: 'aborted' };
    case 'spawn-error':
      return { type: 'failure', reason: `cannot execute: ${exit.message}` };
    default:
      return assertNever(exit);
  }
}

/** uid/gid of `user [group]` from /etc/passwd and /etc/group; undefined fields when not found. */
export function lookupUserGroup(user: string | undefined, group: string | undefined, files = { passwd: '/etc/passwd', group: '/etc/group' }): { uid?: number; gid?: number } {
  const find = (path: string, name: string, field: number): number | undefined => {
    if (/^\d+$/.test(name)) return Number(name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[field] !== undefined && /^\d+$/.test(f[field])) return Number(f[field]);
    }
    return undefined;
  };
  const out: { uid?: number; gid?: number } = {};
  if (user !== undefined) {
    const uid = find(files.passwd, user, 2);
    if (uid !== undefined) out.uid = uid;
    const gid = group === undefined ? find(files.passwd, user, 3) : find(files.group, group, 2);
    if (gid !== undefined) out.gid = gid;
  }
  return out;
}

export function createMiscProbe(config: MiscCheckConfig, env: ProbeEnv): Probe {
  const ids = lookupUserGroup(config.script.user, config.script.group);
  const childEnv = scriptEnv();
  const running = new Set<TimedScript>();
  return {
    async run(attempt: ProbeAttempt): Promise<ProbeOutcome> {
      const script = runTimedScript(config.script.argv, {
        timeoutMs: config.timeoutMs,
        env: childEnv,
        ...ids,
        ...(attempt.signal === undefined ? {} : { signal: attempt.signal }),
      });
      running.add(script);
      const exit = await script.done;
      running.delete(script);
      const outcome = miscOutcome(exit, config.dynamic);
      if (exit.type === 'timeout') env.log.warn(`Misc check for [${config.script.text}] timed out`);
      else if (exit.type === 'spawn-error') env.log.warn(`Misc check for [${config.script.text}] cannot be executed: ${exit.message}`);
      return outcome;
    },
    close(): void {
      for (const s of running) s.kill();
      running.clear();
    },
  };
}
