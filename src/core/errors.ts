/**
 * Errors with a stable code (KA_ERR_<AREA>_<WHAT>); callers switch on `code`, never on
 * the message. System-call failures keep `syscall` and the errno name in `errnoCode`.
 * Every code is listed in docs/errors.md.
 */
export type ErrorCode =
  | 'KA_ERR_CFG_INVALID'
  | 'KA_ERR_CFG_MISSING_FILE'
  | 'KA_ERR_CLI_USAGE'
  | 'KA_ERR_SYS_NATIVE'
  | 'KA_ERR_SYS_PIDFILE'
  | 'KA_ERR_SYS_ALREADY_RUNNING'
  | 'KA_ERR_NL_REQUEST'
  | 'KA_ERR_NL_PROTOCOL'
  | 'KA_ERR_VRRP_SOCKET'
  | 'KA_ERR_VRRP_CONFIG'
  | 'KA_ERR_IPC_PROTOCOL'
  | 'KA_ERR_IPVS_UNAVAILABLE'
  | 'KA_ERR_IPVS_REQUEST';

export class KaError extends Error {
  readonly code: ErrorCode;
  readonly syscall: string | undefined;
  readonly errnoCode: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; syscall?: string; errnoCode?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KaError';
    this.code = code;
    this.syscall = opts.syscall;
    this.errnoCode = opts.errnoCode;
  }
}

/** Error thrown by the native addon: carries errno name and failing syscall. */
export interface SyscallError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
}

export function isSyscallError(e: unknown, code?: string): e is SyscallError {
  return e instanceof Error && typeof (e as SyscallError).code === 'string' && (code === undefined || (e as SyscallError).code === code);
}

/** The message of anything thrown (Error or not), for log lines and failure reasons. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
