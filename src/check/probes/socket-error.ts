/** Socket errors as the one short line a checker logs (TCP, HTTP, native connect). */

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

/** One short line for an I/O error ("connection refused", "EACCES …"). */
export function socketErrorReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return ERRNO_REASONS[code] ?? code.toLowerCase().replace(/^e/, '') + ` (${code})`;
  return e instanceof Error ? e.message : String(e);
}
