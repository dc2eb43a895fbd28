/*
 * nio: the project's only native code. Thin N-API wrappers over socket syscalls plus a
 * uv_poll watcher, so raw IPv4/IPv6 (VRRP), AF_PACKET (GARP), ICMPv6 (NA) and netlink
 * sockets live on Node's event loop, and a uv_signal watcher for the signals Node cannot
 * name (real-time ones). No protocol knowledge here: sockaddrs, cmsg
 * payloads and packets are raw bytes encoded and decoded in TypeScript (src/sys/).
 *
 * Conventions: every fd is SOCK_NONBLOCK|SOCK_CLOEXEC; a failing syscall throws an
 * Error with `code` (errno name), `errno` (negative) and `syscall`; the hot paths
 * (sendmsg, recvmsg) return a sentinel on EAGAIN instead of throwing.
 * docs/native-addon.md describes the design and the kernel behaviours it relies on.
 */
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/icmp6.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>

#define MAX_IOV 64
#define MAX_CONTROL 65536

#define CHECK(call)                                                                  \
  do {                                                                               \
    if ((call) != napi_ok) {                                                         \
      throw_napi_failure(env);                                                       \
      return NULL;                                                                   \
    }                                                                                \
  } while (0)

#define ARGS(n)                                                                      \
  size_t argc = (n);                                                                 \
  napi_value argv[(n) > 0 ? (n) : 1];                                                \
  napi_value self;                                                                   \
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));                      \
  (void)self

static void throw_napi_failure(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info *ei = NULL;
  napi_get_last_error_info(env, &ei);
  napi_throw_error(env, "ERR_NIO_NAPI", ei && ei->error_message ? ei->error_message : "N-API call failed");
}

/* Error shaped like Node's system errors: message "syscall CODE (text)". */
static napi_value make_sys_error(napi_env env, const char *syscall, const char *code, int neg_errno,
                                 const char *text) {
  char msg[256];
  napi_value js_code, js_msg, err, v;
  snprintf(msg, sizeof msg, "%s %s (%s)", syscall, code, text);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &js_code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &js_msg);
  napi_create_error(env, js_code, js_msg, &err);
  napi_create_int32(env, neg_errno, &v);
  napi_set_named_property(env, err, "errno", v);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, err, "syscall", v);
  return err;
}

static napi_value throw_errno(napi_env env, const char *syscall, int e) {
  const char *name = strerrorname_np(e);
  napi_throw(env, make_sys_error(env, syscall, name ? name : "EUNKNOWN", -e, strerror(e)));
  return NULL;
}

static bool arg_int(napi_env env, napi_value v, const char *what, int32_t *out) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  if (t == napi_boolean) {
    bool b;
    napi_get_value_bool(env, v, &b);
    *out = b ? 1 : 0;
    return true;
  }
  if (t != napi_number) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a number", what);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
    return false;
  }
  napi_get_value_int32(env, v, out);
  return true;
}

static bool is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_undefined || t == napi_null;
}

/* Any TypedArray (Buffer included) or DataView, as a byte range. */
static bool arg_bytes(napi_env env, napi_value v, const char *what, void **data, size_t *len) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (is) {
    napi_typedarray_type type;
    size_t n;
    napi_get_typedarray_info(env, v, &type, &n, data, NULL, NULL);
    size_t sz = 1;
    switch (type) {
      case napi_int16_array: case napi_uint16_array: sz = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: sz = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: sz = 8; break;
      default: sz = 1; break;
    }
    *len = n * sz;
    return true;
  }
  napi_is_dataview(env, v, &is);
  if (is) {
    napi_get_dataview_info(env, v, len, data, NULL, NULL);
    return true;
  }
  char msg[96];
  snprintf(msg, sizeof msg, "%s must be a Uint8Array", what);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return false;
}

static napi_value num(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

/* ---- socket calls ------------------------------------------------------------- */

static napi_value nio_socket(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t domain, type, proto;
  if (!arg_int(env, argv[0], "domain", &domain) || !arg_int(env, argv[1], "type", &type) ||
      !arg_int(env, argv[2], "protocol", &proto))
    return NULL;
  int fd = socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) return throw_errno(env, "socket", errno);
  return num(env, fd);
}

static napi_value nio_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t fd;
  if (!arg_int(env, argv[0], "fd", &fd)) return NULL;
  /* Linux releases the fd even when close() reports EINTR: never retry. */
  if (close(fd) < 0 && errno != EINTR) return throw_errno(env, "close", errno);
  return NULL;
}

static napi_value nio_setsockopt(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t fd, level, name, ival;
  if (!arg_int(env, argv[0], "fd", &fd) || !arg_int(env, argv[1], "level", &level) ||
      !arg_int(env, argv[2], "name", &name))
    return NULL;
  napi_valuetype t;
  napi_typeof(env, argv[3], &t);
  void *data;
  size_t len;
  if (t == napi_number || t == napi_boolean) {
    if (!arg_int(env, argv[3], "value", &ival)) return NULL;
    data = &ival;
    len = sizeof ival;
  } else if (!arg_bytes(env, argv[3], "value", &data, &len)) {
    return NULL;
  }
  if (setsockopt(fd, level, name, data, (socklen_t)len) < 0) return throw_errno(env, "setsockopt", errno);
  return NULL;
}

static napi_value nio_getsockopt(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t fd, level, name;
  void *data;
  size_t len;
  if (!arg_int(env, argv[0], "fd", &fd) || !arg_int(env, argv[1], "level", &level) ||
      !arg_int(env, argv[2], "name", &name) || !arg_bytes(env, argv[3], "inout", &data, &len))
    return NULL;
  socklen_t optlen = (socklen_t)len;
  if (getsockopt(fd, level, name, data, &optlen) < 0) return throw_errno(env, "getsockopt", errno);
  return num(env, optlen);
}

static napi_value nio_bind(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd;
  void *sa;
  size_t len;
  if (!arg_int(env, argv[0], "fd", &fd) || !arg_bytes(env, argv[1], "sockaddr", &sa, &len)) return NULL;
  if (bind(fd, (const struct sockaddr *)sa, (socklen_t)len) < 0) return throw_errno(env, "bind", errno);
  return NULL;
}

/* Non-blocking connect: 0 = connected, 1 = in progress (wait for POLLOUT, then SO_ERROR). */
static napi_value nio_connect(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd;
  void *sa;
  size_t len;
  if (!arg_int(env, argv[0], "fd", &fd) || !arg_bytes(env, argv[1], "sockaddr", &sa, &len)) return NULL;
  if (connect(fd, (const struct sockaddr *)sa, (socklen_t)len) == 0) return num(env, 0);
  if (errno == EINPROGRESS) return num(env, 1);
  return throw_errno(env, "connect", errno);
}

/* Stream listeners (the parent's control socket): listen(2) and accept4(2). */
static napi_value nio_listen(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd, backlog;
  if (!arg_int(env, argv[0], "fd", &fd) || !arg_int(env, argv[1], "backlog", &backlog)) return NULL;
  if (listen(fd, backlog) < 0) return throw_errno(env, "listen", errno);
  return NULL;
}

/* Returns the new fd (non-blocking, close-on-exec), or -1 when no connection is pending. */
static napi_value nio_accept(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t fd;
  if (!arg_int(env, argv[0], "fd", &fd)) return NULL;
  int c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (c >= 0) return num(env, c);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED || errno == EINTR) return num(env, -1);
  return throw_errno(env, "accept4", errno);
}

static napi_value nio_getsockname(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t fd;
  if (!arg_int(env, argv[0], "fd", &fd)) return NULL;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  memset(&ss, 0, sizeof ss);
  if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return throw_errno(env, "getsockname", errno);
  napi_value out;
  CHECK(napi_create_buffer_copy(env, len < sizeof ss ? len : sizeof ss, &ss, NULL, &out));
  return out;
}

/* Packs [{level, type, data}] into a native control buffer (caller frees). */
static bool build_cmsgs(napi_env env, napi_value arr, struct msghdr *msg) {
  bool is_arr = false;
  napi_is_array(env, arr, &is_arr);
  if (!is_arr) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "cmsgs must be an array");
    return false;
  }
  uint32_t n;
  napi_get_array_length(env, arr, &n);
  if (n == 0) return true;
  size_t total = 0;
  for (uint32_t pass = 0; pass < 2; pass++) {
    struct cmsghdr *c = pass ? CMSG_FIRSTHDR(msg) : NULL;
    for (uint32_t i = 0; i < n; i++) {
      napi_value el, v;
      int32_t level, type;
      void *data;
      size_t len;
      napi_get_element(env, arr, i, &el);
      napi_get_named_property(env, el, "level", &v);
      if (!arg_int(env, v, "cmsg.level", &level)) return false;
      napi_get_named_property(env, el, "type", &v);
      if (!arg_int(env, v, "cmsg.type", &type)) return false;
      napi_get_named_property(env, el, "data", &v);
      if (!arg_bytes(env, v, "cmsg.data", &data, &len)) return false;
      if (!pass) {
        total += CMSG_SPACE(len);
        continue;
      }
      c->cmsg_level = level;
      c->cmsg_type = type;
      c->cmsg_len = CMSG_LEN(len);
      memcpy(CMSG_DATA(c), data, len);
      c = CMSG_NXTHDR(msg, c);
    }
    if (!pass) {
      msg->msg_control = calloc(1, total);
      msg->msg_controllen = total;
      if (!msg->msg_control) {
        napi_throw_error(env, "ENOMEM", "cmsg buffer");
        return false;
      }
    }
  }
  return true;
}

static napi_value nio_sendmsg(napi_env env, napi_callback_info info) {
  ARGS(5);
  int32_t fd, flags = 0;
  if (!arg_int(env, argv[0], "fd", &fd)) return NULL;
  if (argc > 4 && !is_nullish(env, argv[4]) && !arg_int(env, argv[4], "flags", &flags)) return NULL;
  struct iovec iov[MAX_IOV];
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  bool is_arr = false;
  napi_is_array(env, argv[1], &is_arr);
  if (is_arr) {
    uint32_t n;
    napi_get_array_length(env, argv[1], &n);
    if (n > MAX_IOV) {
      napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "too many data chunks");
      return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
      napi_value el;
      napi_get_element(env, argv[1], i, &el);
      if (!arg_bytes(env, el, "data[i]", &iov[i].iov_base, &iov[i].iov_len)) return NULL;
    }
    msg.msg_iovlen = n;
  } else {
    if (!arg_bytes(env, argv[1], "data", &iov[0].iov_base, &iov[0].iov_len)) return NULL;
    msg.msg_iovlen = 1;
  }
  if (argc > 2 && !is_nullish(env, argv[2])) {
    size_t len;
    if (!arg_bytes(env, argv[2], "sockaddr", &msg.msg_name, &len)) return NULL;
    msg.msg_namelen = (socklen_t)len;
  }
  if (argc > 3 && !is_nullish(env, argv[3]) && !build_cmsgs(env, argv[3], &msg)) {
    free(msg.msg_control);
    return NULL;
  }
  ssize_t r;
  do {
    r = sendmsg(fd, &msg, flags | MSG_NOSIGNAL);
  } while (r < 0 && errno == EINTR);
  int e = errno;
  free(msg.msg_control);
  if (r < 0) {
    if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS) return num(env, -1);
    return throw_errno(env, "sendmsg", e);
  }
  return num(env, r);
}

/* One recvmsg into `iov`, the peer into `ss`, cmsgs into `control`; retried on EINTR. */
static ssize_t recv_one(int fd, struct msghdr *msg, struct sockaddr_storage *ss, struct iovec *iov, void *control,
                        int32_t control_len, int flags) {
  memset(msg, 0, sizeof *msg);
  msg->msg_name = ss;
  msg->msg_namelen = sizeof *ss;
  msg->msg_iov = iov;
  msg->msg_iovlen = 1;
  msg->msg_control = control;
  msg->msg_controllen = control ? (size_t)control_len : 0;
  ssize_t r;
  do {
    r = recvmsg(fd, msg, flags);
  } while (r < 0 && errno == EINTR);
  return r;
}

static napi_value nio_recvmsg(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t fd, control_len = 0, flags = 0;
  void *buf;
  size_t buf_len;
  if (!arg_int(env, argv[0], "fd", &fd) || !arg_bytes(env, argv[1], "buf", &buf, &buf_len)) return NULL;
  if (argc > 2 && !is_nullish(env, argv[2]) && !arg_int(env, argv[2], "controlLen", &control_len)) return NULL;
  if (argc > 3 && !is_nullish(env, argv[3]) && !arg_int(env, argv[3], "flags", &flags)) return NULL;
  if (control_len < 0 || control_len > MAX_CONTROL) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "controlLen out of range");
    return NULL;
  }
  struct sockaddr_storage ss;
  struct iovec iov = {.iov_base = buf, .iov_len = buf_len};
  struct msghdr msg;
  memset(&ss, 0, sizeof ss);
  void *control = NULL;
  if (control_len > 0 && !(control = calloc(1, (size_t)control_len))) return throw_errno(env, "recvmsg", ENOMEM);
  ssize_t r = recv_one(fd, &msg, &ss, &iov, control, control_len, flags);
  if (r < 0) {
    int e = errno;
    free(msg.msg_control);
    if (e == EAGAIN || e == EWOULDBLOCK) {
      napi_value nul;
      napi_get_null(env, &nul);
      return nul;
    }
    return throw_errno(env, "recvmsg", e);
  }
  napi_value out, addr, cmsgs, v;
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "bytes", num(env, r));
  size_t nlen = msg.msg_namelen < sizeof ss ? msg.msg_namelen : sizeof ss;
  napi_create_buffer_copy(env, nlen, &ss, NULL, &addr);
  napi_set_named_property(env, out, "addr", addr);
  napi_create_array(env, &cmsgs);
  uint32_t i = 0;
  for (struct cmsghdr *c = msg.msg_control ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c)) {
    napi_value o;
    napi_create_object(env, &o);
    napi_set_named_property(env, o, "level", num(env, c->cmsg_level));
    napi_set_named_property(env, o, "type", num(env, c->cmsg_type));
    size_t dlen = c->cmsg_len - CMSG_LEN(0);
    napi_create_buffer_copy(env, dlen, CMSG_DATA(c), NULL, &v);
    napi_set_named_property(env, o, "data", v);
    napi_set_element(env, cmsgs, i++, o);
  }
  free(msg.msg_control);
  napi_set_named_property(env, out, "cmsgs", cmsgs);
  napi_set_named_property(env, out, "flags", num(env, msg.msg_flags));
  return out;
}

/*
 * recvmsgInto(fd, buf, meta, controlLen?, flags?): recvmsg without creating a JS object per
 * datagram (the object, Buffers and property names of nio_recvmsg were most of the VRRP
 * receive cost at 1000 instances, bench/RESULTS.md). Returns the datagram length, or -1 on
 * EAGAIN. `meta` receives, as host-order int32s: [0] length, [1] msg_flags, [2] namelen,
 * [3] number of cmsg records; the sockaddr at RECV_META_NAME; then one record per cmsg at
 * RECV_META_CMSGS: level, type, data length, the data padded to 4 bytes. A cmsg that does
 * not fit in `meta` is left out and MSG_CTRUNC set.
 */
#define RECV_META_NAME 16
#define RECV_META_CMSGS (RECV_META_NAME + (int)sizeof(struct sockaddr_storage))
#define RECV_STACK_CONTROL 1024

static napi_value nio_recvmsg_into(napi_env env, napi_callback_info info) {
  ARGS(5);
  int32_t fd, control_len = 0, flags = 0;
  void *buf, *meta_v;
  size_t buf_len, meta_len;
  if (!arg_int(env, argv[0], "fd", &fd) || !arg_bytes(env, argv[1], "buf", &buf, &buf_len) ||
      !arg_bytes(env, argv[2], "meta", &meta_v, &meta_len))
    return NULL;
  if (argc > 3 && !is_nullish(env, argv[3]) && !arg_int(env, argv[3], "controlLen", &control_len)) return NULL;
  if (argc > 4 && !is_nullish(env, argv[4]) && !arg_int(env, argv[4], "flags", &flags)) return NULL;
  if (control_len < 0 || control_len > MAX_CONTROL) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "controlLen out of range");
    return NULL;
  }
  if (meta_len < (size_t)RECV_META_CMSGS) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "meta buffer too small");
    return NULL;
  }
  unsigned char *meta = meta_v;
  union {
    struct cmsghdr align;
    unsigned char b[RECV_STACK_CONTROL];
  } stack_control;
  struct sockaddr_storage ss;
  struct iovec iov = {.iov_base = buf, .iov_len = buf_len};
  struct msghdr msg;
  void *control = NULL;
  if (control_len > 0) {
    control = control_len <= RECV_STACK_CONTROL ? stack_control.b : calloc(1, (size_t)control_len);
    if (!control) return throw_errno(env, "recvmsg", ENOMEM);
  }
  ssize_t r = recv_one(fd, &msg, &ss, &iov, control, control_len, flags);
  int e = errno;
  int32_t hdr[4] = {0, 0, 0, 0};
  if (r >= 0) {
    size_t nlen = msg.msg_namelen < sizeof ss ? msg.msg_namelen : sizeof ss;
    memcpy(meta + RECV_META_NAME, &ss, nlen);
    size_t off = RECV_META_CMSGS;
    int32_t mflags = msg.msg_flags, count = 0;
    for (struct cmsghdr *c = msg.msg_control ? CMSG_FIRSTHDR(&msg) : NULL; c; c = CMSG_NXTHDR(&msg, c)) {
      size_t dlen = c->cmsg_len - CMSG_LEN(0);
      size_t need = 12 + ((dlen + 3) & ~(size_t)3);
      if (off + need > meta_len) {
        mflags |= MSG_CTRUNC;
        break;
      }
      int32_t rec[3] = {c->cmsg_level, c->cmsg_type, (int32_t)dlen};
      memcpy(meta + off, rec, sizeof rec);
      memcpy(meta + off + 12, CMSG_DATA(c), dlen);
      off += need;
      count++;
    }
    hdr[0] = (int32_t)r;
    hdr[1] = mflags;
    hdr[2] = (int32_t)nlen;
    hdr[3] = count;
    memcpy(meta, hdr, sizeof hdr);
  }
  if (msg.msg_control != stack_control.b) free(msg.msg_control);
  if (r < 0) {
    if (e == EAGAIN || e == EWOULDBLOCK) return num(env, -1);
    return throw_errno(env, "recvmsg", e);
  }
  return num(env, r);
}

static napi_value nio_if_name_to_index(napi_env env, napi_callback_info info) {
  ARGS(1);
  char name[IF_NAMESIZE + 1];
  size_t len;
  CHECK(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len));
  if (len >= IF_NAMESIZE) return throw_errno(env, "if_nametoindex", ENODEV);
  unsigned idx = if_nametoindex(name);
  if (idx == 0) return throw_errno(env, "if_nametoindex", errno ? errno : ENODEV);
  return num(env, idx);
}

static napi_value nio_if_index_to_name(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t idx;
  if (!arg_int(env, argv[0], "ifindex", &idx)) return NULL;
  char name[IF_NAMESIZE];
  if (!if_indextoname((unsigned)idx, name)) return throw_errno(env, "if_indextoname", errno);
  napi_value out;
  CHECK(napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value nio_setns(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd, nstype;
  if (!arg_int(env, argv[0], "fd", &fd) || !arg_int(env, argv[1], "nstype", &nstype)) return NULL;
  if (setns(fd, nstype) < 0) return throw_errno(env, "setns", errno);
  return NULL;
}

/* ---- Watchers: uv_poll_t (Poller) and uv_signal_t (SignalWatcher) on the env's loop ---- */

enum { P_OPEN, P_CLOSING, P_CLOSED };

typedef struct {
  union {
    uv_handle_t base;
    uv_poll_t poll;
    uv_signal_t signal;
  } h;
  bool is_signal;
  napi_env env;
  napi_ref self; /* strong while the handle is open, so the JS object outlives it */
  napi_ref cb;
  napi_async_context actx;
  int state;
  bool finalized; /* env teardown freed the JS side while the handle was open */
} watcher_t;

static void watcher_on_close(uv_handle_t *h) {
  watcher_t *p = h->data;
  p->state = P_CLOSED;
  if (p->finalized) {
    free(p);
    return;
  }
  napi_delete_reference(p->env, p->cb);
  napi_async_destroy(p->env, p->actx);
  napi_delete_reference(p->env, p->self); /* the finalizer frees p once the object is collected */
}

static void watcher_close(watcher_t *p) {
  if (p->state != P_OPEN) return;
  if (p->is_signal)
    uv_signal_stop(&p->h.signal);
  else
    uv_poll_stop(&p->h.poll);
  p->state = P_CLOSING;
  uv_close(&p->h.base, watcher_on_close);
}

static void watcher_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  watcher_t *p = data;
  if (p->state == P_CLOSED) {
    free(p);
    return;
  }
  p->finalized = true;
  watcher_close(p);
}

/* Calls the JS callback with make_callback (not call_function) so nextTick/promise jobs
 * run after each event; an exception is reported as uncaught. */
static void watcher_call(watcher_t *p, size_t argc, napi_value *argv) {
  napi_env env = p->env;
  napi_value self, cb, result;
  napi_get_reference_value(env, p->self, &self);
  napi_get_reference_value(env, p->cb, &cb);
  if (napi_make_callback(env, p->actx, self, cb, argc, argv, &result) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc);
    }
  }
}

static void poller_on_event(uv_poll_t *h, int status, int events) {
  watcher_t *p = h->data;
  napi_env env = p->env;
  if (p->state != P_OPEN || p->finalized) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[2];
  if (status < 0)
    argv[0] = make_sys_error(env, "uv_poll", uv_err_name(status), status, uv_strerror(status));
  else
    napi_get_null(env, &argv[0]);
  napi_create_int32(env, events, &argv[1]);
  watcher_call(p, 2, argv);
  napi_close_handle_scope(env, scope);
}

static void signal_on_event(uv_signal_t *h, int signum) {
  watcher_t *p = h->data;
  napi_env env = p->env;
  if (p->state != P_OPEN || p->finalized) return;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[1];
  napi_create_int32(env, signum, &argv[0]);
  watcher_call(p, 1, argv);
  napi_close_handle_scope(env, scope);
}

static watcher_t *watcher_unwrap(napi_env env, napi_value self) {
  watcher_t *p = NULL;
  if (napi_unwrap(env, self, (void **)&p) != napi_ok || !p) {
    napi_throw_type_error(env, "ERR_INVALID_THIS", "not a native watcher");
    return NULL;
  }
  return p;
}

/* Shared constructor checks: called with new, argv[0] an int, argv[1] a function. */
static bool watcher_ctor_args(napi_env env, napi_callback_info info, napi_value *argv, const char *what,
                              const char *arg0, int32_t *n) {
  napi_value target;
  if (napi_get_new_target(env, info, &target) != napi_ok || !target) {
    napi_throw_type_error(env, "ERR_CONSTRUCT_CALL_REQUIRED", what);
    return false;
  }
  if (!arg_int(env, argv[0], arg0, n)) return false;
  napi_valuetype t;
  napi_typeof(env, argv[1], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "callback must be a function");
    return false;
  }
  return true;
}

/* Ties an initialised handle to its JS object; the handle's data is set here. */
static napi_value watcher_wrap(napi_env env, napi_value self, watcher_t *p, napi_value cb, const char *name) {
  p->h.base.data = p;
  p->env = env;
  napi_value js_name;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &js_name);
  if (napi_wrap(env, self, p, watcher_finalize, NULL, NULL) != napi_ok ||
      napi_create_reference(env, self, 1, &p->self) != napi_ok ||
      napi_create_reference(env, cb, 1, &p->cb) != napi_ok ||
      napi_async_init(env, self, js_name, &p->actx) != napi_ok) {
    /* Not reachable in practice; the handle is left to the finalizer path. */
    throw_napi_failure(env);
    return NULL;
  }
  return self;
}

static napi_value poller_ctor(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd;
  if (!watcher_ctor_args(env, info, argv, "Poller must be called with new", "fd", &fd)) return NULL;
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  watcher_t *p = calloc(1, sizeof *p);
  if (!p) return throw_errno(env, "uv_poll_init", ENOMEM);
  int r = uv_poll_init(loop, &p->h.poll, fd);
  if (r < 0) {
    free(p);
    napi_throw(env, make_sys_error(env, "uv_poll_init", uv_err_name(r), r, uv_strerror(r)));
    return NULL;
  }
  return watcher_wrap(env, self, p, argv[1], "nio.Poller");
}

/*
 * SignalWatcher(signum, cb): catches `signum` with libuv's process-wide handler (the one
 * Node uses for the signals it names), so signals Node has no name for — the real-time
 * ones keepalived(8) gives meanings to — neither kill the process nor go unseen. Started at
 * once, unref'd (it never keeps the loop alive); close() restores the default action.
 */
static napi_value signal_ctor(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t signum;
  if (!watcher_ctor_args(env, info, argv, "SignalWatcher must be called with new", "signum", &signum)) return NULL;
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  watcher_t *p = calloc(1, sizeof *p);
  if (!p) return throw_errno(env, "uv_signal_init", ENOMEM);
  p->is_signal = true;
  int r = uv_signal_init(loop, &p->h.signal);
  if (r < 0) {
    free(p);
    napi_throw(env, make_sys_error(env, "uv_signal_init", uv_err_name(r), r, uv_strerror(r)));
    return NULL;
  }
  p->h.base.data = p;
  r = uv_signal_start(&p->h.signal, signal_on_event, signum);
  if (r < 0) {
    /* The handle is initialised: it has to go through uv_close. */
    p->finalized = true;
    p->state = P_CLOSING;
    uv_close(&p->h.base, watcher_on_close);
    napi_throw(env, make_sys_error(env, "uv_signal_start", uv_err_name(r), r, uv_strerror(r)));
    return NULL;
  }
  uv_unref(&p->h.base);
  return watcher_wrap(env, self, p, argv[1], "nio.SignalWatcher");
}

static napi_value poller_start(napi_env env, napi_callback_info info) {
  ARGS(1);
  watcher_t *p = watcher_unwrap(env, self);
  int32_t events;
  if (!p || !arg_int(env, argv[0], "events", &events)) return NULL;
  if (p->state != P_OPEN || p->is_signal) {
    napi_throw_error(env, "ERR_NIO_CLOSED", "Poller is closed");
    return NULL;
  }
  int r = uv_poll_start(&p->h.poll, events, poller_on_event);
  if (r < 0) napi_throw(env, make_sys_error(env, "uv_poll_start", uv_err_name(r), r, uv_strerror(r)));
  return NULL;
}

static napi_value poller_stop(napi_env env, napi_callback_info info) {
  ARGS(0);
  watcher_t *p = watcher_unwrap(env, self);
  if (p && p->state == P_OPEN && !p->is_signal) uv_poll_stop(&p->h.poll);
  return NULL;
}

static napi_value watcher_ref(napi_env env, napi_callback_info info) {
  ARGS(0);
  watcher_t *p = watcher_unwrap(env, self);
  if (p && p->state == P_OPEN) uv_ref(&p->h.base);
  return NULL;
}

static napi_value watcher_unref(napi_env env, napi_callback_info info) {
  ARGS(0);
  watcher_t *p = watcher_unwrap(env, self);
  if (p && p->state == P_OPEN) uv_unref(&p->h.base);
  return NULL;
}

/* A Poller must be closed before close(fd): a reused fd under a live poll gets someone
 * else's events. */
static napi_value watcher_close_js(napi_env env, napi_callback_info info) {
  ARGS(0);
  watcher_t *p = watcher_unwrap(env, self);
  if (p) watcher_close(p);
  return NULL;
}

/* ---- constants ---------------------------------------------------------------- */

#ifndef IPPROTO_VRRP
#define IPPROTO_VRRP 112
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define C(name) {#name, name}
static const struct {
  const char *name;
  int64_t value;
} constants[] = {
  C(AF_UNSPEC), C(AF_INET), C(AF_INET6), C(AF_PACKET), C(AF_NETLINK), C(AF_UNIX),
  C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC),
  C(SOL_SOCKET), C(SOL_IP), C(SOL_IPV6), C(SOL_PACKET), C(SOL_NETLINK), C(SOL_ICMPV6),
  C(IPPROTO_IP), C(IPPROTO_IPV6), C(IPPROTO_ICMP), C(IPPROTO_ICMPV6), C(IPPROTO_TCP),
  C(IPPROTO_UDP), C(IPPROTO_RAW), C(IPPROTO_VRRP),
  C(IP_TOS), C(IP_TTL), C(IP_HDRINCL), C(IP_PKTINFO), C(IP_RECVTTL), C(IP_MULTICAST_IF),
  C(IP_MULTICAST_TTL), C(IP_MULTICAST_LOOP), C(IP_MULTICAST_ALL), C(IP_ADD_MEMBERSHIP),
  C(IP_DROP_MEMBERSHIP), C(IP_FREEBIND), C(IP_TRANSPARENT), C(IP_RECVERR), C(IP_MTU_DISCOVER),
  C(IP_PMTUDISC_DONT),
  C(IPV6_CHECKSUM), C(IPV6_UNICAST_HOPS), C(IPV6_MULTICAST_IF), C(IPV6_MULTICAST_HOPS),
  C(IPV6_MULTICAST_LOOP), C(IPV6_MULTICAST_ALL), C(IPV6_ADD_MEMBERSHIP), C(IPV6_DROP_MEMBERSHIP),
  C(IPV6_RECVHOPLIMIT), C(IPV6_HOPLIMIT), C(IPV6_RECVPKTINFO), C(IPV6_PKTINFO), C(IPV6_V6ONLY),
  C(IPV6_FREEBIND), C(IPV6_TRANSPARENT), C(IPV6_RECVERR),
  C(ICMP6_FILTER),
  C(SO_DEBUG), C(SO_REUSEADDR), C(SO_REUSEPORT), C(SO_TYPE), C(SO_ERROR), C(SO_BROADCAST),
  C(SO_SNDBUF), C(SO_RCVBUF), C(SO_SNDBUFFORCE), C(SO_RCVBUFFORCE), C(SO_KEEPALIVE),
  C(SO_PRIORITY), C(SO_BINDTODEVICE), C(SO_TIMESTAMPNS), C(SCM_TIMESTAMPNS), C(SO_MARK),
  C(SO_PROTOCOL), C(SO_DOMAIN), C(SO_ATTACH_FILTER), C(SO_PEERCRED), C(SO_PASSCRED),
  C(NETLINK_ROUTE), C(NETLINK_GENERIC), C(NETLINK_ADD_MEMBERSHIP), C(NETLINK_DROP_MEMBERSHIP),
  C(NETLINK_PKTINFO), C(NETLINK_BROADCAST_ERROR), C(NETLINK_NO_ENOBUFS),
  C(NETLINK_LISTEN_ALL_NSID), C(NETLINK_CAP_ACK), C(NETLINK_EXT_ACK), C(NETLINK_GET_STRICT_CHK),
  C(ETH_P_ALL), C(ETH_P_IP), C(ETH_P_ARP), C(ETH_P_IPV6), C(ETH_P_8021Q),
  C(PACKET_HOST), C(PACKET_BROADCAST), C(PACKET_MULTICAST), C(PACKET_OTHERHOST), C(PACKET_OUTGOING),
  C(PACKET_ADD_MEMBERSHIP), C(PACKET_DROP_MEMBERSHIP), C(PACKET_MR_PROMISC), C(PACKET_AUXDATA),
  C(MSG_PEEK), C(MSG_TRUNC), C(MSG_CTRUNC), C(MSG_DONTWAIT), C(MSG_DONTROUTE), C(MSG_ERRQUEUE),
  C(MSG_CONFIRM), C(MSG_NOSIGNAL),
  C(IFNAMSIZ), C(CLONE_NEWNET),
  /* uv_poll event bits (what Poller.start takes and reports), not poll(2) values. */
  {"POLLIN", UV_READABLE}, {"POLLOUT", UV_WRITABLE}, {"POLLPRI", UV_PRIORITIZED},
  {"POLLDISCONNECT", UV_DISCONNECT},
};

static napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor fns[] = {
    {"socket", NULL, nio_socket, NULL, NULL, NULL, napi_enumerable, NULL},
    {"close", NULL, nio_close, NULL, NULL, NULL, napi_enumerable, NULL},
    {"setsockopt", NULL, nio_setsockopt, NULL, NULL, NULL, napi_enumerable, NULL},
    {"getsockopt", NULL, nio_getsockopt, NULL, NULL, NULL, napi_enumerable, NULL},
    {"bind", NULL, nio_bind, NULL, NULL, NULL, napi_enumerable, NULL},
    {"connect", NULL, nio_connect, NULL, NULL, NULL, napi_enumerable, NULL},
    {"listen", NULL, nio_listen, NULL, NULL, NULL, napi_enumerable, NULL},
    {"accept", NULL, nio_accept, NULL, NULL, NULL, napi_enumerable, NULL},
    {"getsockname", NULL, nio_getsockname, NULL, NULL, NULL, napi_enumerable, NULL},
    {"sendmsg", NULL, nio_sendmsg, NULL, NULL, NULL, napi_enumerable, NULL},
    {"recvmsg", NULL, nio_recvmsg, NULL, NULL, NULL, napi_enumerable, NULL},
    {"recvmsgInto", NULL, nio_recvmsg_into, NULL, NULL, NULL, napi_enumerable, NULL},
    {"ifNameToIndex", NULL, nio_if_name_to_index, NULL, NULL, NULL, napi_enumerable, NULL},
    {"ifIndexToName", NULL, nio_if_index_to_name, NULL, NULL, NULL, napi_enumerable, NULL},
    {"setns", NULL, nio_setns, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns));

  const napi_property_descriptor methods[] = {
    {"start", NULL, poller_start, NULL, NULL, NULL, napi_default_method, NULL},
    {"stop", NULL, poller_stop, NULL, NULL, NULL, napi_default_method, NULL},
    {"ref", NULL, watcher_ref, NULL, NULL, NULL, napi_default_method, NULL},
    {"unref", NULL, watcher_unref, NULL, NULL, NULL, napi_default_method, NULL},
    {"close", NULL, watcher_close_js, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_value cls;
  CHECK(napi_define_class(env, "Poller", NAPI_AUTO_LENGTH, poller_ctor, NULL,
                          sizeof methods / sizeof methods[0], methods, &cls));
  CHECK(napi_set_named_property(env, exports, "Poller", cls));

  const napi_property_descriptor sig_methods[] = {
    {"close", NULL, watcher_close_js, NULL, NULL, NULL, napi_default_method, NULL},
  };
  CHECK(napi_define_class(env, "SignalWatcher", NAPI_AUTO_LENGTH, signal_ctor, NULL,
                          sizeof sig_methods / sizeof sig_methods[0], sig_methods, &cls));
  CHECK(napi_set_named_property(env, exports, "SignalWatcher", cls));

  napi_value consts;
  CHECK(napi_create_object(env, &consts));
  for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
    CHECK(napi_set_named_property(env, consts, constants[i].name, num(env, constants[i].value)));
  /* glibc's SIGRTMIN/SIGRTMAX are run-time values (NPTL keeps the first two for itself). */
  CHECK(napi_set_named_property(env, consts, "SIGRTMIN", num(env, SIGRTMIN)));
  CHECK(napi_set_named_property(env, consts, "SIGRTMAX", num(env, SIGRTMAX)));
  CHECK(napi_object_freeze(env, consts));
  CHECK(napi_set_named_property(env, exports, "constants", consts));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
