/**
 * Syslog transport: RFC 3164 datagrams to the AF_UNIX SOCK_DGRAM socket /dev/log, as
 * syslog(3) does. Node has no unix datagram sockets, so this rides on the native addon
 * (socket + sendto with a sockaddr_un encoded here). Until the addon exposes those calls,
 * or when /dev/log is absent (containers, this VM), openSyslogTransport returns undefined
 * and the caller logs to stderr instead. Used by every process (parent and children).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SyslogTransport } from '../core/log-sinks.js';

export const AF_UNIX = 1;
export const SOCK_DGRAM = 2;
const SUN_PATH_MAX = 108;

/**
 * The three native calls the transport needs. INTEGRATION SEAM: branch `native` decides the
 * real names; adapt loadUnixDgramNative() below (this interface can stay).
 */
export interface UnixDgramNative {
  socket(domain: number, type: number, protocol: number): number;
  /** sendto(2) with a raw `struct sockaddr` buffer; returns bytes sent, throws on error. */
  sendto(fd: number, data: Uint8Array, addr: Uint8Array): number;
  close(fd: number): void;
}

/** struct sockaddr_un: sa_family_t (host order, little-endian here) + NUL-terminated path. */
export function encodeSockaddrUn(path: string): Buffer {
  const bytes = Buffer.from(path, 'utf8');
  if (bytes.length >= SUN_PATH_MAX) throw new RangeError(`unix socket path too long: ${path}`);
  const out = Buffer.alloc(2 + bytes.length + 1);
  out.writeUInt16LE(AF_UNIX, 0);
  bytes.copy(out, 2);
  return out;
}

/** The addon if it is built and exposes the calls, else undefined. */
export function loadUnixDgramNative(): UnixDgramNative | undefined {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('../../../native/build/Release/nio.node') as Partial<Record<keyof UnixDgramNative, unknown>>;
    if (typeof mod.socket === 'function' && typeof mod.sendto === 'function' && typeof mod.close === 'function') return mod as UnixDgramNative;
  } catch {
    /* not built */
  }
  return undefined;
}

export function openSyslogTransport(native: UnixDgramNative | undefined = loadUnixDgramNative(), path = '/dev/log'): SyslogTransport | undefined {
  if (!native || !existsSync(path)) return undefined;
  let fd: number;
  try {
    fd = native.socket(AF_UNIX, SOCK_DGRAM, 0);
  } catch {
    return undefined;
  }
  const addr = encodeSockaddrUn(path);
  return {
    send: (datagram) => {
      try {
        native.sendto(fd, Buffer.from(datagram, 'utf8'), addr);
        return true;
      } catch {
        return false;
      }
    },
    close: () => native.close(fd),
  };
}
