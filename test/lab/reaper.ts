/**
 * Runs a daemon under a tiny child-subreaper wrapper (python3, prctl PR_SET_CHILD_SUBREAPER)
 * that forwards signals to it and reaps every orphan at once. Why: after a SIGKILL of a
 * daemon tree the orphans are reparented to PID 1, which on this VM reaps only now and
 * then; a zombie still answers kill(pid, 0), so a relaunched keepalived 2.2.7 reads its old
 * child's pid file and says "daemon is already running" (lab README, "Zombies").
 * The wrapper exits with the daemon's status once the daemon and all orphans are gone.
 */
const CODE = `
import ctypes, os, signal, sys
if ctypes.CDLL("libc.so.6", use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
    sys.exit("reaper: PR_SET_CHILD_SUBREAPER failed")
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
def forward(sig, _frame):
    try: os.kill(pid, sig)
    except ProcessLookupError: pass
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
    signal.signal(s, forward)
status = 0
while True:
    try:
        p, st = os.wait()
    except ChildProcessError:
        break
    except InterruptedError:
        continue
    if p == pid:
        status = os.waitstatus_to_exitcode(st)
sys.exit(status if status >= 0 else 128 - status)
`;

/** argv that runs `argv` under the reaper (its first child is the daemon's main process). */
export function reaperArgv(argv: readonly string[]): string[] {
  return ['python3', '-c', CODE, ...argv];
}
