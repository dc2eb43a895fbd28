/**
 * `keepalived-ts status [--json] [--socket PATH] [INSTANCE]`: asks the running daemon over
 * its control socket (docs/status-api.md) instead of signalling it and reading /tmp files.
 * The socket is found beside the pid file given with -p (default /run/keepalived.pid → 
 * /run/keepalived.ctl), as the daemon was started, or named with --socket. Exit status: 0 on
 * an answer, 1 when the daemon cannot be asked or refuses, 3 when the instance is unknown.
 */
import { createConnection } from 'node:net';
import { controlSocketPath, encodeRequest, type ControlResponse } from '../process/control-protocol.js';
import type { CliOptions } from '../process/options.js';
import { formatInstance, formatStatus } from './status-format.js';

export interface StatusCommand {
  readonly options: CliOptions;
  readonly json: boolean;
  readonly socket?: string;
  readonly instance?: string;
}

export interface StatusOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

const TIMEOUT_MS = 10_000;

/** One request, the whole response line (the daemon closes after it). */
export function askDaemon(path: string, request: string, timeoutMs = TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    let data = '';
    sock.setEncoding('utf8');
    sock.setTimeout(timeoutMs, () => sock.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    sock.on('connect', () => sock.write(request));
    sock.on('data', (chunk: string) => (data += chunk));
    sock.on('error', reject);
    sock.on('end', () => resolve(data));
  });
}

function explain(path: string, e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  if (code === 'ENOENT' || code === 'ECONNREFUSED') return `keepalived-ts does not seem to run: no control socket answers at ${path} (start the daemon, or give its -p / --socket)`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied on ${path}: the control socket is for root`;
  return `cannot ask the daemon at ${path}: ${e instanceof Error ? e.message : String(e)}`;
}

export async function runStatus(cmd: StatusCommand, out: StatusOutput): Promise<number> {
  const path = cmd.socket ?? controlSocketPath(cmd.options.pidFile);
  let raw: string;
  try {
    raw = await askDaemon(path, encodeRequest({ version: 1, command: 'status', ...(cmd.instance !== undefined ? { instance: cmd.instance } : {}) }));
  } catch (e) {
    out.stderr(`${explain(path, e)}\n`);
    return 1;
  }
  let res: ControlResponse;
  try {
    res = JSON.parse(raw.trim()) as ControlResponse;
  } catch {
    out.stderr(`unreadable answer from ${path}\n`);
    return 1;
  }
  if (!res.ok) {
    out.stderr(`${res.error.message} (${res.error.code})\n`);
    return res.error.code === 'KA_ERR_CTL_NOT_FOUND' ? 3 : 1;
  }
  if (cmd.json) {
    out.stdout(`${JSON.stringify(res.status, null, 2)}\n`);
    return 0;
  }
  const one = cmd.instance !== undefined ? res.status.instances[0] : undefined;
  out.stdout(one ? formatInstance(res.status, one) : formatStatus(res.status));
  return 0;
}
