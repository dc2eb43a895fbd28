/* spawn.c: keepalived-style script processes (see there). */
#ifndef NIO_SPAWN_H
#define NIO_SPAWN_H
#include <node_api.h>
#include <stdbool.h>

/* nio.c: an Error shaped like Node's system errors (code, errno, syscall) for errno `e`. */
napi_value nio_errno_error(napi_env env, const char *syscall, int e);

/* Adds spawn() and reap() to the addon's exports. */
bool nio_spawn_init(napi_env env, napi_value exports);

#endif
