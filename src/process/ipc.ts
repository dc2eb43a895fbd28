/**
 * Messages between the watchdog parent and its children (child_process.fork, serialization
 * 'advanced'): one discriminated union per direction. Every message received is validated
 * here before anyone looks at it; an unknown type or a malformed body is a protocol error
 * (the receiver logs it with KA_ERR_IPC_PROTOCOL and ignores the message).
 */
import { fail, ok, type Result } from '../core/result.js';
import { CHILD_KINDS, DEFAULT_OPTIONS, type ChildKind, type CliOptions } from './options.js';
import { parseStatusUpdate, type StatusUpdate } from './status.js';

/** 2: status carries a StatusUpdate (src/process/status.ts); ping/pong heartbeat; hello title. */
export const IPC_PROTOCOL_VERSION = 2;

export type ParentToChild =
  /** First message: what the child must run. */
  | {
      readonly type: 'hello';
      readonly protocol: number;
      readonly child: ChildKind;
      readonly configPath: string;
      readonly options: CliOptions;
      readonly parentPid: number;
      /** process.title for the child (keepalived's vrrp_process_name / checker_process_name). */
      readonly title?: string;
    }
  /** SIGHUP at the parent: re-read the configuration. */
  | { readonly type: 'cfg-reload' }
  /** Graceful stop (same as SIGTERM to the child). */
  | { readonly type: 'ctl-shutdown' }
  /** SIGUSR1 at the parent: write the .data dump. */
  | { readonly type: 'dump-data' }
  /** SIGUSR2 at the parent: write the .stats dump. */
  | { readonly type: 'dump-stats' }
  /** Heartbeat: answer with a pong of the same seq from the child's event loop. */
  | { readonly type: 'ping'; readonly seq: number }
  /** Send a full status update (a gap in seq, or a reader wants fresh advert times). */
  | { readonly type: 'status-request' }
  /** A real-time signal function at the parent (keepalived(8) SIGNALS): JSON, STATS_CLEAR or TDUMP. */
  | { readonly type: 'signal-function'; readonly fn: RealtimeSignalFunction };

/** keepalived's real-time signal functions (`keepalived --signum=NAME`). */
export type RealtimeSignalFunction = 'JSON' | 'STATS_CLEAR' | 'TDUMP';
export const REALTIME_SIGNAL_FUNCTIONS: readonly RealtimeSignalFunction[] = ['JSON', 'STATS_CLEAR', 'TDUMP'];

export type ChildToParent =
  | { readonly type: 'hello'; readonly protocol: number; readonly child: ChildKind; readonly pid: number }
  /** The runner started (config loaded, sockets open). */
  | { readonly type: 'ready' }
  /** What changed since the last update (coalesced per event-loop turn), or everything. */
  | { readonly type: 'status'; readonly update: StatusUpdate }
  | { readonly type: 'pong'; readonly seq: number }
  | { readonly type: 'reload-done'; readonly ok: boolean; readonly reason?: string };

type Obj = Readonly<Record<string, unknown>>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isChildKind = (v: unknown): v is ChildKind => CHILD_KINDS.some((k) => k === v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** CliOptions arrive as plain data: every known key must have the default's type. */
export function validateOptions(v: unknown): Result<CliOptions> {
  if (!isObj(v)) return fail('options: not an object');
  for (const [k, def] of Object.entries(DEFAULT_OPTIONS)) {
    if (typeof v[k] !== typeof def) return fail(`options.${k}: expected ${typeof def}`);
  }
  for (const k of ['logFile', 'logJson', 'namespace', 'configId', 'snmpAgentSocket', 'coreDumpPattern', 'debug'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'string') return fail(`options.${k}: expected string`);
  }
  for (const k of ['umask', 'configFd'] as const) {
    if (v[k] !== undefined && !isInt(v[k])) return fail(`options.${k}: expected integer`);
  }
  if (v['perf'] !== undefined && v['perf'] !== 'all' && v['perf'] !== 'run' && v['perf'] !== 'end') return fail('options.perf: bad value');
  if (v['child'] !== undefined && !isChildKind(v['child'])) return fail('options.child: bad value');
  return ok(v as unknown as CliOptions);
}

function typeOf(msg: unknown): Result<{ o: Obj; type: string }> {
  if (!isObj(msg)) return fail('message is not an object');
  const type = msg['type'];
  if (typeof type !== 'string') return fail('message has no type');
  return ok({ o: msg, type });
}

export function parseParentToChild(msg: unknown): Result<ParentToChild> {
  const t = typeOf(msg);
  if (!t.ok) return t;
  const { o, type } = t.value;
  switch (type) {
    case 'hello': {
      if (!isInt(o['protocol'])) return fail('hello: protocol');
      if (o['protocol'] !== IPC_PROTOCOL_VERSION) return fail(`hello: protocol ${String(o['protocol'])} not supported (want ${IPC_PROTOCOL_VERSION})`);
      if (!isChildKind(o['child'])) return fail('hello: child');
      if (typeof o['configPath'] !== 'string') return fail('hello: configPath');
      if (!isInt(o['parentPid'])) return fail('hello: parentPid');
      const opts = validateOptions(o['options']);
      if (!opts.ok) return fail(`hello: ${opts.reason}`);
      const title = o['title'];
      if (title !== undefined && typeof title !== 'string') return fail('hello: title');
      const base = { type, protocol: o['protocol'], child: o['child'], configPath: o['configPath'], options: opts.value, parentPid: o['parentPid'] } as const;
      return ok(title === undefined ? base : { ...base, title });
    }
    case 'ping':
      return isInt(o['seq']) ? ok({ type, seq: o['seq'] }) : fail('ping: seq');
    case 'cfg-reload':
    case 'ctl-shutdown':
    case 'dump-data':
    case 'dump-stats':
    case 'status-request':
      return ok({ type });
    case 'signal-function': {
      const fn = REALTIME_SIGNAL_FUNCTIONS.find((f) => f === o['fn']);
      return fn === undefined ? fail('signal-function: fn') : ok({ type, fn });
    }
    default:
      return fail(`unknown message type '${type}'`);
  }
}

export function parseChildToParent(msg: unknown): Result<ChildToParent> {
  const t = typeOf(msg);
  if (!t.ok) return t;
  const { o, type } = t.value;
  switch (type) {
    case 'hello':
      if (!isInt(o['protocol']) || o['protocol'] !== IPC_PROTOCOL_VERSION) return fail('hello: protocol');
      if (!isChildKind(o['child'])) return fail('hello: child');
      if (!isInt(o['pid'])) return fail('hello: pid');
      return ok({ type, protocol: o['protocol'], child: o['child'], pid: o['pid'] });
    case 'ready':
      return ok({ type });
    case 'status': {
      const update = parseStatusUpdate(o['update']);
      return update.ok ? ok({ type, update: update.value }) : update;
    }
    case 'pong':
      return isInt(o['seq']) ? ok({ type, seq: o['seq'] }) : fail('pong: seq');
    case 'reload-done': {
      if (typeof o['ok'] !== 'boolean') return fail('reload-done: ok');
      const reason = o['reason'];
      if (reason !== undefined && typeof reason !== 'string') return fail('reload-done: reason');
      return ok(reason === undefined ? { type, ok: o['ok'] } : { type, ok: o['ok'], reason });
    }
    default:
      return fail(`unknown message type '${type}'`);
  }
}
