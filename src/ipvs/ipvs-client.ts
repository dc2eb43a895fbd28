/**
 * NetlinkIpvsClient: the checker child's IpvsClient over a NETLINK_GENERIC socket
 * (include/uapi/linux/ip_vs.h). open() resolves the "IPVS" generic netlink family (after
 * one `modprobe ip_vs`, like keepalived, when it is missing); apply() carries out IpvsOps
 * with keepalived's tolerance: EEXIST on add and ENOENT/ESRCH on delete are success,
 * SET_DEST failing with ENOENT is retried as NEW_DEST. Errors are KaErrors with the codes
 * KA_ERR_IPVS_UNAVAILABLE (no IPVS in the kernel) and KA_ERR_IPVS_REQUEST (the rest).
 */
import { spawn } from 'node:child_process';
import { KaError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Result } from '../core/result.js';
import type { NlMessage } from '../netlink/message.js';
import { NetlinkRequestError, NetlinkSocket } from '../netlink/netlink-socket.js';
import { K, openFailure } from '../sys/nio.js';
import { type GenlFamily, decodeFamily, encodeGetFamily } from './genl-codec.js';
import {
  type IpvsInfo,
  type IpvsTimeouts,
  decodeConfigMessage,
  decodeDestMessage,
  decodeInfoMessage,
  decodeServiceMessage,
  encodeDelDaemon,
  encodeGetConfig,
  encodeGetDests,
  encodeGetInfo,
  encodeGetServices,
  encodeIpvsOp,
  encodeNewDaemon,
  encodeSetTimeouts,
} from './ipvs-codec.js';
import { IPVS_GENL_NAME } from './ipvs-constants.js';
import { describeIpvsOp, describeServiceKey } from './ipvs-describe.js';
import type { IpvsClient, IpvsDest, IpvsOp, IpvsServiceEntry, IpvsSyncDaemonSpec } from './ipvs-types.js';

export interface IpvsClientOptions {
  /** Per-request deadline (default 5000 ms). */
  readonly timeoutMs?: number;
  /** Receive buffer (default 4 MiB: dumps of large tables). */
  readonly rcvbufBytes?: number;
  /**
   * Called once when the IPVS family is missing, before giving up; resolves with a short
   * description of what happened. Default: run `modprobe ip_vs` (failure ignored).
   */
  readonly loadModule?: () => Promise<string>;
  /**
   * The generic netlink family to resolve (default "IPVS"). Genl families are global to the
   * kernel, so the tests of the unavailable path name one that cannot exist instead of
   * depending on (or loading) the host's ip_vs.
   */
  readonly familyName?: string;
}

export const IPVS_UNAVAILABLE_MESSAGE = 'IPVS is not available in this kernel (no ip_vs module / generic netlink family IPVS)';

/** `modprobe ip_vs`, as keepalived does when the IPVS family is missing; never rejects. */
export function modprobeIpVs(timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (what: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(what);
    };
    const child = spawn('modprobe', ['ip_vs'], { stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(`modprobe ip_vs did not finish within ${timeoutMs} ms`);
    }, timeoutMs);
    child.on('error', (e) => finish(`modprobe ip_vs could not run: ${e.message}`));
    child.on('exit', (code, signal) => finish(code === 0 ? 'modprobe ip_vs succeeded' : `modprobe ip_vs failed (${signal ?? `exit ${code}`})`));
  });
}

const errnoOf = (e: unknown): string | undefined => (e instanceof NetlinkRequestError ? e.errnoCode : undefined);

/** Tolerated refusals, keepalived's semantics (the kernel answers ESRCH for a missing service). */
function tolerated(op: IpvsOp, errno: string | undefined): boolean {
  switch (op.type) {
    case 'add-service':
    case 'add-dest':
      return errno === 'EEXIST';
    case 'del-service':
    case 'del-dest':
      return errno === 'ENOENT' || errno === 'ESRCH';
    default:
      return false;
  }
}

function requestError(what: string, e: unknown): KaError {
  if (e instanceof KaError && (e.code === 'KA_ERR_IPVS_REQUEST' || e.code === 'KA_ERR_IPVS_UNAVAILABLE')) return e;
  const errno = errnoOf(e) ?? (e instanceof KaError ? e.errnoCode : undefined);
  const ext = e instanceof NetlinkRequestError && e.extAckMessage !== undefined ? `: ${e.extAckMessage}` : '';
  const why = e instanceof NetlinkRequestError ? `${errno ?? 'error'}${ext}` : errorMessage(e);
  return new KaError('KA_ERR_IPVS_REQUEST', `IPVS ${what} failed: ${why}`, { cause: e, ...(errno !== undefined ? { errnoCode: errno } : {}) });
}

function unwrap<T>(what: string, r: Result<T>): T {
  if (!r.ok) throw new KaError('KA_ERR_IPVS_REQUEST', `IPVS ${what}: ${r.reason}`, { errnoCode: 'EINVAL' });
  return r.value;
}

export class NetlinkIpvsClient implements IpvsClient {
  private constructor(
    private readonly sock: NetlinkSocket,
    /** The resolved "IPVS" family (its id is the message type of every request). */
    readonly family: GenlFamily,
    private readonly log: Logger,
  ) {}

  /** Opens a generic netlink socket in the calling thread's network namespace and resolves IPVS. */
  static async open(log: Logger, opts: IpvsClientOptions = {}): Promise<NetlinkIpvsClient> {
    let sock: NetlinkSocket;
    try {
      sock = NetlinkSocket.open({
        protocol: K().NETLINK_GENERIC,
        rcvbufBytes: opts.rcvbufBytes ?? 4 * 1024 * 1024,
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      });
    } catch (e) {
      throw openFailure('KA_ERR_SYS_NATIVE', 'IPVS: cannot open a generic netlink socket', e);
    }
    const name = opts.familyName ?? IPVS_GENL_NAME;
    try {
      let family = await resolveFamily(sock, name);
      if (family === null) {
        const loaded = await (opts.loadModule ?? modprobeIpVs)();
        log.debug(`IPVS family missing; ${loaded}`);
        family = await resolveFamily(sock, name);
        if (family === null) {
          throw new KaError(
            'KA_ERR_IPVS_UNAVAILABLE',
            `${IPVS_UNAVAILABLE_MESSAGE}: the generic netlink controller has no family "${name}" (ENOENT); ${loaded}`,
            { errnoCode: 'ENOENT' },
          );
        }
      }
      return new NetlinkIpvsClient(sock, family, log);
    } catch (e) {
      sock.close();
      throw e;
    }
  }

  async apply(op: IpvsOp): Promise<void> {
    const what = describeIpvsOp(op);
    const msg = unwrap(what, encodeIpvsOp(this.family.id, op));
    try {
      await this.sock.request(msg);
    } catch (e) {
      const errno = errnoOf(e);
      if (tolerated(op, errno)) {
        this.log.debug(`IPVS ${what}: ${errno} (already done)`);
        return;
      }
      if (op.type === 'edit-dest' && errno === 'ENOENT') {
        this.log.debug(`IPVS ${what}: ENOENT, adding it instead`);
        await this.apply({ type: 'add-dest', key: op.key, dest: op.dest });
        return;
      }
      throw requestError(what, e);
    }
  }

  async dump(): Promise<IpvsServiceEntry[]> {
    const msgs = await this.sock.dump(encodeGetServices(this.family.id)).catch((e: unknown) => {
      throw requestError('GET_SERVICE dump', e);
    });
    const out: IpvsServiceEntry[] = [];
    for (const m of msgs) {
      const svc = decodeServiceMessage(m.payload);
      if (!svc.ok) {
        this.log.warn(`IPVS: ignoring an undecodable service in the dump: ${svc.reason}`);
        continue;
      }
      const service = svc.value;
      const what = `GET_DEST dump for ${describeServiceKey(service.key)}`;
      const req = unwrap(what, encodeGetDests(this.family.id, service.key));
      const destMsgs = await this.sock.dump(req).catch((e: unknown) => {
        throw requestError(what, e);
      });
      const dests: IpvsDest[] = [];
      for (const dm of destMsgs) {
        const d = decodeDestMessage(dm.payload, service.key.family);
        if (d.ok) dests.push(d.value);
        else this.log.warn(`IPVS: ignoring an undecodable destination in the dump: ${d.reason}`);
      }
      out.push({ service, dests });
    }
    return out;
  }

  async startDaemon(spec: IpvsSyncDaemonSpec): Promise<void> {
    const what = `NEW_DAEMON ${spec.state} on ${spec.interface} syncid ${spec.syncId}`;
    try {
      await this.sock.request(unwrap(what, encodeNewDaemon(this.family.id, spec)));
    } catch (e) {
      if (errnoOf(e) === 'EEXIST') return;
      throw requestError(what, e);
    }
  }

  async stopDaemon(state: 'master' | 'backup'): Promise<void> {
    try {
      await this.sock.request(encodeDelDaemon(this.family.id, state));
    } catch (e) {
      if (errnoOf(e) === 'ESRCH') return; // not running
      throw requestError(`DEL_DAEMON ${state}`, e);
    }
  }

  async setTimeouts(t: IpvsTimeouts): Promise<void> {
    await this.sock.request(encodeSetTimeouts(this.family.id, t)).catch((e: unknown) => {
      throw requestError(`SET_CONFIG tcp ${t.tcpS} tcpfin ${t.tcpfinS} udp ${t.udpS}`, e);
    });
  }

  async getTimeouts(): Promise<IpvsTimeouts> {
    return this.single('GET_CONFIG', encodeGetConfig(this.family.id), decodeConfigMessage);
  }

  /** The kernel's IPVS version and connection table size (GET_INFO). */
  async getInfo(): Promise<IpvsInfo> {
    return this.single('GET_INFO', encodeGetInfo(this.family.id), decodeInfoMessage);
  }

  private async single<T>(what: string, msg: Uint8Array, decode: (p: Uint8Array) => Result<T>): Promise<T> {
    const msgs = await this.sock.query(msg).catch((e: unknown) => {
      throw requestError(what, e);
    });
    const first = msgs[0];
    if (first === undefined) throw new KaError('KA_ERR_IPVS_REQUEST', `IPVS ${what}: no reply`);
    return unwrap(what, decode(first.payload));
  }

  /** Keep (default) or stop the socket keeping the process alive. */
  ref(on = true): void {
    this.sock.ref(on);
  }

  close(): void {
    this.sock.close();
  }
}

/** The family (IPVS), or null when the controller does not know it (ENOENT). */
async function resolveFamily(sock: NetlinkSocket, name: string): Promise<GenlFamily | null> {
  let msgs: NlMessage[];
  try {
    msgs = await sock.query(encodeGetFamily(name));
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return null;
    throw requestError(`CTRL_CMD_GETFAMILY "${name}"`, e);
  }
  const first = msgs[0];
  if (first === undefined) throw new KaError('KA_ERR_IPVS_REQUEST', 'IPVS: CTRL_CMD_GETFAMILY got no reply');
  return unwrap(`CTRL_CMD_GETFAMILY "${name}"`, decodeFamily(first.payload));
}
