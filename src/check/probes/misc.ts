/**
 * MISC_CHECK probe (checker child): runs the configured script once per attempt in its own
 * process group, bounded by misc_timeout (SIGTERM to the group, SIGKILL 2 s later), and
 * maps its exit status (keepalived.conf(5) MISC_CHECK): 0 = success; with misc_dynamic 1 =
 * failure and 2..255 = success with weight status − 2; otherwise any non-zero = failure. A
 * script that cannot be executed, is killed by a signal or times out fails the check.
 */
import type { MiscCheckConfig } from '../../config/lvs/model.js';
import { runTimedScript, type ScriptExit, type TimedScript } from '../../notify/runner.js';
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

export function createMiscProbe(config: MiscCheckConfig, env: ProbeEnv): Probe {
  // What the daemon's script pass cleared (resolved path, user); without one (probe tests)
  // the script runs as configured, as the daemon's user.
  const vetted = env.scriptFor?.(config.script);
  const argv = vetted?.argv ?? config.script.argv;
  const running = new Set<TimedScript>();
  return {
    async run(attempt: ProbeAttempt): Promise<ProbeOutcome> {
      const script = runTimedScript(argv, {
        timeoutMs: config.timeoutMs,
        ...(vetted === undefined ? {} : { uid: vetted.uid, gid: vetted.gid, ...(vetted.umask === undefined ? {} : { umask: vetted.umask }) }),
        ...(attempt.signal === undefined ? {} : { signal: attempt.signal }),
      });
      running.add(script);
      const exit = await script.done;
      running.delete(script);
      const outcome = miscOutcome(exit, config.dynamic);
      if (exit.type === 'timeout') env.log.warn(`Misc check for [${config.script.text}] timed out`);
      else if (exit.type === 'spawn-error') env.log.warn(exit.message);
      return outcome;
    },
    close(): void {
      for (const s of running) s.kill();
      running.clear();
    },
  };
}
