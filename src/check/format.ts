/**
 * keepalived's names for virtual servers, real servers and checkers in logs, FIFO lines and
 * SMTP alerts (FMT_VS, FMT_RS, FMT_CHK: `[IP]:proto:PORT`, as keepalived 2.2.7 logs them),
 * and the checker child's log wording. Wording marked "2.2.7" was read from Debian's
 * keepalived 2.2.7 running a TCP_CHECK/HTTP_GET config against a real IPVS kernel (qemu).
 */
import type { CheckerConfig, CheckerType, LvsEndpoint, VirtualServerConfig } from '../config/lvs/model.js';

/** A fwmark VS has no protocol (the model leaves it undefined): keepalived prints `none`. */
const protoName = (vs: Pick<VirtualServerConfig, 'protocol'>): string => vs.protocol?.toLowerCase() ?? 'none';

/** FMT_VS: the model already carries keepalived's name (`[IP]:tcp:PORT`, `FWM N`, `[GROUP]:0`). */
export function formatVs(vs: Pick<VirtualServerConfig, 'name'>): string {
  return vs.name;
}

/** FMT_RS: `[IP]:proto:PORT` with the protocol of the VS. */
export function formatRs(rs: Pick<LvsEndpoint, 'address' | 'port'>, vs: Pick<VirtualServerConfig, 'protocol'>): string {
  return `[${rs.address}]:${protoName(vs)}:${rs.port}`;
}

/** FMT_CHK: where the checker connects (connect_ip/connect_port), else the RS. */
export function formatChecker(c: CheckerConfig, rs: Pick<LvsEndpoint, 'address' | 'port'>, vs: Pick<VirtualServerConfig, 'protocol'>): string {
  if ('connection' in c) return formatRs({ address: c.connection.connectIp, port: c.connection.connectPort }, vs);
  return formatRs(rs, vs);
}

/** The `<X>_CHECK` word of keepalived's failure lines and the `<X> CHECK` of SMTP bodies. */
export function checkerLabel(type: CheckerType): string {
  switch (type) {
    case 'TCP_CHECK':
      return 'TCP';
    case 'HTTP_GET':
    case 'SSL_GET':
      return 'HTTP';
    case 'SMTP_CHECK':
      return 'SMTP';
    case 'DNS_CHECK':
      return 'DNS';
    case 'UDP_CHECK':
      return 'UDP';
    case 'PING_CHECK':
      return 'PING';
    case 'MISC_CHECK':
      return 'MISC';
    case 'FILE_CHECK':
      return 'FILE';
    case 'BFD_CHECK':
      return 'BFD';
  }
}

/** A checker came up (2.2.7: TCP and HTTP wording; the others follow keepalived's sources). */
export function checkerUpLine(c: CheckerConfig, chk: string): string {
  switch (c.type) {
    case 'TCP_CHECK':
      return `TCP connection to ${chk} success.`;
    case 'UDP_CHECK':
      return `UDP connection to ${chk} success.`;
    case 'HTTP_GET':
    case 'SSL_GET':
      return `Remote Web server ${chk} succeed on service.`;
    case 'SMTP_CHECK':
      return `Remote SMTP server ${chk} succeed on service.`;
    case 'MISC_CHECK':
      return `Misc check for [${c.script.text}] success.`;
    default:
      return `${checkerLabel(c.type)}_CHECK on service ${chk} succeed.`;
  }
}

/** A checker went down: `TCP_CHECK on service [ip]:tcp:port failed after 2 retries.` (2.2.7). */
export function checkerDownLine(c: CheckerConfig, chk: string, retries: number): string {
  const what = c.type === 'MISC_CHECK' ? `Misc check for [${c.script.text}]` : `${checkerLabel(c.type)}_CHECK on service ${chk}`;
  return retries > 0 ? `${what} failed after ${retries} retries.` : `${what} failed.`;
}

/** HTTP_GET/SSL_GET: one url passed while the checker is not up (2.2.7). */
export function urlPassedLine(chk: string, path: string, digest: boolean): string {
  return digest ? `MD5 digest success to ${chk} url(${path}).` : `HTTP status code success to ${chk} url(${path})`;
}

export const LINES = {
  activating: (rs: string, vs: string) => `Activating healthchecker for service ${rs} for VS ${vs}`,
  rsAdd: (rs: string, vs: string, inhibit: boolean) => (inhibit ? `Enabling service ${rs} of VS ${vs}` : `Adding service ${rs} to VS ${vs}`),
  rsRemove: (rs: string, vs: string, inhibit: boolean) => (inhibit ? `Disabling service ${rs} of VS ${vs}` : `Removing service ${rs} from VS ${vs}`),
  rsShutdown: (rs: string, vs: string) => `Shutting down service ${rs} from VS ${vs}`,
  weightChange: (from: number, to: number, rs: string, vs: string) => `Changing weight from ${from} to ${to} for active service ${rs} of VS ${vs}`,
  gained: (q: number, h: number, live: number, vs: string) => `Gained quorum ${q}+${h}=${q + h} <= ${live} for VS ${vs}`,
  lost: (q: number, h: number, live: number, vs: string) => `Lost quorum ${q}-${h}=${q - h} > ${live} for VS ${vs}`,
  sorryAdd: (s: string, vs: string) => `Adding sorry server ${s} to VS ${vs}`,
  sorryRemove: (s: string, vs: string) => `Removing sorry server ${s} from VS ${vs}`,
  poolRemove: (vs: string) => `Removing alive servers from the pool for VS ${vs}`,
  poolAdd: (vs: string) => `Adding alive servers to the pool for VS ${vs}`,
} as const;
