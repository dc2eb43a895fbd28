/**
 * Syslog transport: RFC 3164 datagrams to the AF_UNIX SOCK_DGRAM socket /dev/log, as
 * syslog(3) does. Node has no unix datagram sockets, so this rides on the native addon
 * (socket + sendmsg with a sockaddr_un encoded here). When /dev/log is absent
 * (containers, this VM), openSyslogTransport returns undefined and the caller logs to
 * stderr instead. Used by every process (parent and children).
 */
import { existsSync } from 'node:fs';
import { nio } from './nio.js';
import type { SyslogTransport } from '../core/log-sinks.js';

export const AF_UNIX = 1;
export const SOCK_DGRAM = 2;
const SUN_PATH_MAX = 108;

/** The three native calls the transport needs (a seam so tests can inject a fake). */
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

/** The addon's socket/sendmsg/close as a unix datagram client, or undefined if it is not built. */
export function loadUnixDgramNative(): UnixDgramNative | undefined {
  try {
    const n = nio();
    return {
      socket: (domain, type, protocol) => n.socket(domain, type, protocol),
      sendto: (fd, data, addr) => n.sendmsg(fd, data, addr),
      close: (fd) => n.close(fd),
    };
  } catch {
    return undefined;
  }
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
