/*
 * spawn: start a script the way keepalived(8) starts its notify, tracking and check scripts,
 * which Node's child_process cannot: in the child, setgid (non-zero gid) + setgroups(1, [gid])
 * + setuid (non-zero uid), as keepalived 2.2.7 does, every signal back to its default and
 * unblocked, stdin/stdout/stderr on /dev/null, a process group of its own in the caller's
 * session (setpgid, not setsid), PR_SET_PDEATHSIG SIGTERM set after the credentials change
 * (a credential change clears it), an optional umask, then execve of the path the caller
 * resolved (no PATH search). The one native entry point for every script the daemon runs.
 *
 * The child is a clone(CLONE_VM | CLONE_VFORK) on a stack of its own, as glibc's posix_spawn
 * makes it: nothing of the caller's memory is copied (a fork's page-table copy costs in
 * proportion to the daemon's memory: bench/RESULTS.md, trackers), and the caller sleeps until
 * the child has called execve or exited. That wait is a scheduling delay on a loaded machine,
 * so callers make it on a thread (src/sys/spawn-thread.ts). The child shares the caller's
 * memory until execve: it makes raw system calls only (glibc's setuid/setgid would signal the
 * caller's threads) and reports a failure by storing errno where the caller reads it.
 *
 * PR_SET_PDEATHSIG fires when the *thread* that created the child ends: the spawning threads
 * live as long as the process.
 *
 * The child is returned with a pidfd (-1 on kernels without pidfd_open): the caller polls it
 * (uv_poll through the addon's Poller) and reaps with reap(pid), so libuv's SIGCHLD handling,
 * which only waits for its own children, never sees or steals it.
 */
#include <node_api.h>

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

/* Strings of a JS array, each malloc'd, plus the NULL-terminated vector over them. */
typedef struct {
  char **v;
  size_t n;
} strvec_t;

static void strvec_free(strvec_t *s) {
  if (!s->v) return;
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  s->v = NULL;
}

static char *js_string(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) return NULL;
  char *s = malloc(len + 1);
  if (!s) return NULL;
  if (napi_get_value_string_utf8(env, v, s, len + 1, &len) != napi_ok) {
    free(s);
    return NULL;
  }
  /* An embedded NUL would cut the argument silently: refuse it. */
  if (strlen(s) != len) {
    free(s);
    return NULL;
  }
  return s;
}

static bool js_strvec(napi_env env, napi_value arr, strvec_t *out) {
  bool is = false;
  uint32_t n = 0;
  if (napi_is_array(env, arr, &is) != napi_ok || !is || napi_get_array_length(env, arr, &n) != napi_ok) return false;
  out->v = calloc((size_t)n + 1, sizeof(char *));
  out->n = 0;
  if (!out->v) return false;
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    napi_valuetype t;
    if (napi_get_element(env, arr, i, &e) != napi_ok || napi_typeof(env, e, &t) != napi_ok || t != napi_string) return false;
    char *s = js_string(env, e);
    if (!s) return false;
    out->v[out->n++] = s;
  }
  return true;
}

static bool opt_int(napi_env env, napi_value obj, const char *name, int64_t dflt, int64_t *out) {
  bool has = false;
  *out = dflt;
  if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return true;
  napi_value v;
  napi_valuetype t;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_undefined || t == napi_null) return true;
  if (t == napi_boolean) {
    bool b;
    napi_get_value_bool(env, v, &b);
    *out = b ? 1 : 0;
    return true;
  }
  if (t != napi_number) return false;
  return napi_get_value_int64(env, v, out) == napi_ok;
}

/* What the child needs, prepared before the clone; `err` is written by the child on failure. */
typedef struct {
  const char *file;
  char *const *argv;
  char *const *envp;
  int64_t uid, gid, pdeathsig, mask;
  volatile int err;
} child_args_t;

/* The child between clone and execve: raw syscalls only. Never returns. */
static int child_exec(void *p) {
  child_args_t *a = p;
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  /* keepalived 2.2.7 sets the supplementary groups to [gid] for every script, gid 0 included;
   * gid < 0: the caller asked for no change. */
  if (a->gid >= 0) {
    gid_t g = (gid_t)a->gid;
    if ((a->gid > 0 && syscall(SYS_setgid, g) < 0) || syscall(SYS_setgroups, 1, &g) < 0) goto fail;
  }
  if (a->uid > 0 && syscall(SYS_setuid, (uid_t)a->uid) < 0) goto fail;
  /* Its own copy of the dispositions (no CLONE_SIGHAND): Node's handlers are not inherited. */
  for (int s = 1; s < NSIG; s++) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    sigaction(s, &dfl, NULL); /* fails harmlessly for the signals the C library reserves */
  }
  int null = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDWR);
  if (null < 0) goto fail;
  for (int fd = 0; fd < 3; fd++)
    if (null != fd && syscall(SYS_dup3, null, fd, 0) < 0) goto fail;
  if (null > 2) syscall(SYS_close, null);
  if (syscall(SYS_setpgid, 0, 0) < 0) goto fail;
  if (a->pdeathsig > 0 && syscall(SYS_prctl, PR_SET_PDEATHSIG, (unsigned long)a->pdeathsig, 0, 0, 0) < 0) goto fail;
  if (a->mask >= 0) syscall(SYS_umask, (mode_t)a->mask);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  syscall(SYS_execve, a->file, a->argv, a->envp);
fail:
  a->err = errno ? errno : EIO;
  syscall(SYS_exit, 127);
  return 127;
}

#define CHILD_STACK (64 * 1024)

/*
 * spawn(file, argv, env, { uid, gid, pdeathsig, umask }) → { pid, pidfd }
 * env null: the caller's environment as it is.
 */
static napi_value nio_spawn(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value args[4];
  napi_value result = NULL;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 4) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "spawn(file, argv, env, options)");
    return NULL;
  }
  char *file = NULL;
  strvec_t av = {0}, ev = {0};
  napi_valuetype t;
  int64_t uid, gid, pdeathsig, mask;
  bool use_env = napi_typeof(env, args[2], &t) == napi_ok && t != napi_null && t != napi_undefined;
  if (!(file = js_string(env, args[0])) || !js_strvec(env, args[1], &av) || av.n == 0 || (use_env && !js_strvec(env, args[2], &ev)) ||
      !opt_int(env, args[3], "uid", 0, &uid) || !opt_int(env, args[3], "gid", -1, &gid) ||
      !opt_int(env, args[3], "pdeathsig", 0, &pdeathsig) || !opt_int(env, args[3], "umask", -1, &mask) || uid < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "spawn: file string, argv non-empty string array, env string array or null, numeric options");
    goto out;
  }
  char *const *envp = use_env ? ev.v : environ;

  child_args_t ca = {file, av.v, envp, uid, gid, pdeathsig, mask, 0};
  void *stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    napi_throw(env, nio_errno_error(env, "mmap", errno));
    goto out;
  }
  /* No signal handler of ours may run in the child before its dispositions are reset. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = clone(child_exec, (char *)stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &ca);
  int clone_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  munmap(stack, CHILD_STACK);
  if (pid < 0) {
    napi_throw(env, nio_errno_error(env, "clone", clone_errno));
    goto out;
  }
  if (ca.err != 0) {
    /* The child never reached execve: it has exited (127); reap it now. */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    napi_throw(env, nio_errno_error(env, "execve", ca.err));
    goto out;
  }
  /* Without pidfd_open (Linux < 5.3) the caller polls reap() instead. */
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd >= 0) fcntl(pidfd, F_SETFD, FD_CLOEXEC);
  napi_value v;
  napi_create_object(env, &result);
  napi_create_int32(env, pid, &v);
  napi_set_named_property(env, result, "pid", v);
  napi_create_int32(env, pidfd, &v);
  napi_set_named_property(env, result, "pidfd", v);
out:
  free(file);
  strvec_free(&av);
  strvec_free(&ev);
  return result;
}

/*
 * reap(pid) → null while the child runs, else { code, signal } (one of them null):
 * waitid(P_PID, WNOHANG) for one child of ours (its pid cannot be reused before this).
 */
static napi_value nio_reap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  int32_t pid;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_int32(env, args[0], &pid) != napi_ok || pid <= 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "reap(pid)");
    return NULL;
  }
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r;
  do r = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r < 0) {
    napi_throw(env, nio_errno_error(env, "waitid", errno));
    return NULL;
  }
  napi_value result, code, sig;
  if (si.si_pid == 0) {
    napi_get_null(env, &result);
    return result;
  }
  napi_create_object(env, &result);
  napi_get_null(env, &code);
  napi_get_null(env, &sig);
  if (si.si_code == CLD_EXITED) napi_create_int32(env, si.si_status, &code);
  else napi_create_int32(env, si.si_status, &sig);
  napi_set_named_property(env, result, "code", code);
  napi_set_named_property(env, result, "signal", sig);
  return result;
}

bool nio_spawn_init(napi_env env, napi_value exports) {
  const napi_property_descriptor fns[] = {
    {"spawn", NULL, nio_spawn, NULL, NULL, NULL, napi_enumerable, NULL},
    {"reap", NULL, nio_reap, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns) == napi_ok;
}
