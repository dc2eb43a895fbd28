/** Socket errors as the one short line a checker logs (TCP, HTTP, SMTP, native connect, UDP, DNS). */
import { errorMessage } from '../../core/errors.js';

const ERRNO_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'cannot bind the local address',
  EADDRINUSE: 'local address in use',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'broken pipe',
};

/**
 * One short line for an I/O error ("connection refused", "EACCES …"). On a connected UDP
 * socket ECONNREFUSED is the kernel relaying an ICMP port unreachable, not a RST.
 */
export function socketErrorReason(e: unknown, transport: 'tcp' | 'udp' = 'tcp'): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (transport === 'udp' && code === 'ECONNREFUSED') return 'port unreachable (ICMP)';
  if (typeof code === 'string') return ERRNO_REASONS[code] ?? code.toLowerCase().replace(/^e/, '') + ` (${code})`;
  return errorMessage(e);
}
