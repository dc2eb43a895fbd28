/**
 * The control socket's protocol (docs/status-api.md): the parent listens on a Unix stream
 * socket beside its pid file; a client sends one request line (JSON, at most
 * MAX_REQUEST_BYTES, ending in '\n') and reads one response line, then the parent closes the
 * connection. Requests are untrusted input: parsing returns `{ ok: false, reason }`, never
 * throws. Shared by the parent (server) and `keepalived-ts status` (client).
 */
import { fail, ok, type Result } from '../core/result.js';
import type { ChildKind } from './options.js';
import type { VirtualServerStatus, VrrpInstanceStatus } from './status.js';

export const CONTROL_PROTOCOL_VERSION = 1;
export const MAX_REQUEST_BYTES = 4096;
/** The file name of the socket, in the pid file's directory. */
export const CONTROL_SOCKET_SUFFIX = '.ctl';

export type ControlRequest =
  /** Everything, or the one instance named. */
  { readonly version: number; readonly command: 'status'; readonly instance?: string };

export type ControlErrorCode = 'KA_ERR_CTL_REQUEST' | 'KA_ERR_CTL_PERMISSION' | 'KA_ERR_CTL_NOT_FOUND';

export interface ChildInfo {
  readonly kind: ChildKind;
  readonly pid: number | null;
  /** The child reported that it started (config loaded, sockets open). */
  readonly ready: boolean;
  /** When it last answered the parent's heartbeat (null: not yet). */
  readonly lastHeartbeatWallMs: number | null;
  readonly restarts: number;
}

export interface ReloadInfo {
  readonly atWallMs: number;
  /** null while the children are still applying it. */
  readonly ok: boolean | null;
  readonly reason: string | null;
}

/** The whole status document, as `status --json` prints it (schema in docs/status-api.md). */
export interface StatusDocument {
  readonly schema: 'keepalived-ts/status';
  readonly version: number;
  readonly generatedAtWallMs: number;
  readonly daemon: {
    readonly pid: number;
    readonly version: string;
    readonly compatibleWith: string;
    readonly configFile: string;
    readonly startedAtWallMs: number;
    readonly ready: boolean;
    readonly lastReload: ReloadInfo | null;
    readonly children: readonly ChildInfo[];
  };
  readonly instances: readonly VrrpInstanceStatus[];
  readonly virtualServers: readonly VirtualServerStatus[];
}

export type ControlResponse =
  | { readonly version: number; readonly ok: true; readonly status: StatusDocument }
  | { readonly version: number; readonly ok: false; readonly error: { readonly code: ControlErrorCode; readonly message: string } };

export function errorResponse(code: ControlErrorCode, message: string): ControlResponse {
  return { version: CONTROL_PROTOCOL_VERSION, ok: false, error: { code, message } };
}

/** One request line (without its '\n'). */
export function parseControlRequest(line: string): Result<ControlRequest> {
  if (line.length > MAX_REQUEST_BYTES) return fail(`request longer than ${MAX_REQUEST_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return fail('request is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail('request is not a JSON object');
  const o = v as Readonly<Record<string, unknown>>;
  if (o['version'] !== CONTROL_PROTOCOL_VERSION) return fail(`version ${JSON.stringify(o['version'] ?? null)} not supported (want ${CONTROL_PROTOCOL_VERSION})`);
  if (o['command'] !== 'status') return fail(`unknown command ${JSON.stringify(o['command'] ?? null)}`);
  const inst = o['instance'];
  if (inst === undefined || inst === null) return ok({ version: CONTROL_PROTOCOL_VERSION, command: 'status' });
  if (typeof inst !== 'string' || inst.length === 0) return fail('instance: expected a non-empty string');
  return ok({ version: CONTROL_PROTOCOL_VERSION, command: 'status', instance: inst });
}

export function encodeRequest(req: ControlRequest): string {
  return `${JSON.stringify(req)}\n`;
}

/**
 * The control socket's path: beside the parent's pid file, named after it
 * (`/run/keepalived.pid` → `/run/keepalived.ctl`), so every daemon started with its own `-p`
 * (or `-i`-derived pid files) has its own socket, and the client finds it from the same flags.
 */
export function controlSocketPath(pidFile: string): string {
  const slash = pidFile.lastIndexOf('/');
  const dir = slash >= 0 ? pidFile.slice(0, slash + 1) : '';
  const base = slash >= 0 ? pidFile.slice(slash + 1) : pidFile;
  const stem = base.endsWith('.pid') ? base.slice(0, -'.pid'.length) : base;
  return `${dir}${stem}${CONTROL_SOCKET_SUFFIX}`;
}
