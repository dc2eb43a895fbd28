/**
 * The GET request HTTP_GET/SSL_GET and genhash send (keepalived.conf(5), genhash(1)), byte
 * for byte as keepalived: `User-Agent: KeepAliveClient`, `Connection: close` only for 1.0C
 * and 1.1, `Host:` = the effective virtualhost, else `ip:port` (`[ipv6]:port`). Pure.
 */
import type { Family } from '../../core/ip.js';
import type { HttpProtocolVersion } from '../../config/lvs/model.js';

export interface HttpRequestSpec {
  readonly path: string;
  readonly protocol: HttpProtocolVersion;
  /** Value of the Host: header (see hostHeader). */
  readonly host: string;
}

/** keepalived appends the port only when it falls back to the address. */
export function hostHeader(virtualhost: string | undefined, ip: string, port: number, family: Family): string {
  if (virtualhost !== undefined) return virtualhost;
  return family === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function buildHttpRequest(spec: HttpRequestSpec): string {
  const version = spec.protocol === '1.1' ? '1.1' : '1.0';
  const close = spec.protocol === '1.0' ? '' : 'Connection: close\r\n';
  return `GET ${spec.path} HTTP/${version}\r\nUser-Agent: KeepAliveClient\r\n${close}Host: ${spec.host}\r\n\r\n`;
}
