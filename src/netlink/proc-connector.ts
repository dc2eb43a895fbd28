/**
 * The kernel's process events connector (linux/connector.h, linux/cn_proc.h): the message that
 * subscribes a NETLINK_CONNECTOR socket to process events (PROC_CN_MCAST_LISTEN) and the
 * decoding of the events it then receives (fork, exec, comm change, exit). Pure codec; the
 * socket is proc-connector-client.ts. keepalived's vrrp_track_process uses the same events
 * (keepalived.conf(5) "VRRP track processes").
 */
import { HOST_LE } from './attr.js';

/** linux/netlink.h */
export const NETLINK_CONNECTOR = 11;
/** linux/connector.h: the proc connector's id, which is also its multicast group. */
export const CN_IDX_PROC = 1;
export const CN_VAL_PROC = 1;
/** linux/cn_proc.h enum proc_cn_mcast_op */
export const PROC_CN_MCAST_LISTEN = 1;
export const PROC_CN_MCAST_IGNORE = 2;

const NLMSG_HDRLEN = 16;
const CN_MSG_LEN = 20;
const NLMSG_DONE = 3;

/** linux/cn_proc.h enum what */
export const PROC_EVENT = { NONE: 0, FORK: 0x1, EXEC: 0x2, COMM: 0x200, EXIT: 0x80000000 } as const;

/** nlmsghdr + cn_msg + the mcast op: subscribe (`listen`) or unsubscribe. */
export function procListenMessage(listen: boolean, portId = 0): Uint8Array {
  const b = new Uint8Array(NLMSG_HDRLEN + CN_MSG_LEN + 4);
  const v = new DataView(b.buffer);
  v.setUint32(0, b.length, HOST_LE);
  v.setUint16(4, NLMSG_DONE, HOST_LE);
  v.setUint32(12, portId, HOST_LE);
  v.setUint32(16, CN_IDX_PROC, HOST_LE);
  v.setUint32(20, CN_VAL_PROC, HOST_LE);
  v.setUint16(32, 4, HOST_LE);
  v.setUint32(36, listen ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE, HOST_LE);
  return b;
}

/** A process event; thread events (pid ≠ tgid) are left out, as keepalived leaves them. */
export type ProcConnectorEvent =
  | { readonly type: 'fork'; readonly parentTgid: number; readonly childTgid: number }
  | { readonly type: 'exec'; readonly tgid: number }
  | { readonly type: 'comm'; readonly tgid: number; readonly comm: string }
  | { readonly type: 'exit'; readonly tgid: number };

/** Every process event in one datagram (several netlink messages may share it). */
export function decodeProcEvents(data: Uint8Array): ProcConnectorEvent[] {
  const out: ProcConnectorEvent[] = [];
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let off = 0;
  while (off + NLMSG_HDRLEN <= data.length) {
    const len = v.getUint32(off, HOST_LE);
    if (len < NLMSG_HDRLEN || off + len > data.length) break;
    const cn = off + NLMSG_HDRLEN;
    // cn_msg: id.idx, id.val, seq, ack, len (u16), flags (u16); then struct proc_event.
    if (len >= NLMSG_HDRLEN + CN_MSG_LEN + 16 && v.getUint32(cn, HOST_LE) === CN_IDX_PROC && v.getUint32(cn + 4, HOST_LE) === CN_VAL_PROC && v.getUint32(cn + 12, HOST_LE) === 0) {
      const ev = cn + CN_MSG_LEN;
      const what = v.getUint32(ev, HOST_LE);
      const d = ev + 16; // what, cpu, timestamp_ns
      const u = (i: number): number => (d + 4 * i + 4 <= off + len ? v.getUint32(d + 4 * i, HOST_LE) : -1);
      switch (what) {
        case PROC_EVENT.FORK:
          if (u(2) === u(3) && u(3) >= 0) out.push({ type: 'fork', parentTgid: u(1), childTgid: u(3) });
          break;
        case PROC_EVENT.EXEC:
          if (u(0) === u(1) && u(1) >= 0) out.push({ type: 'exec', tgid: u(1) });
          break;
        case PROC_EVENT.COMM:
          if (u(0) === u(1) && u(1) >= 0 && d + 24 <= off + len) {
            const raw = data.subarray(d + 8, d + 24);
            const end = raw.indexOf(0);
            out.push({ type: 'comm', tgid: u(1), comm: Buffer.from(raw.subarray(0, end < 0 ? raw.length : end)).toString('latin1') });
          }
          break;
        case PROC_EVENT.EXIT:
          if (u(0) === u(1) && u(1) >= 0) out.push({ type: 'exit', tgid: u(1) });
          break;
        default:
          break;
      }
    }
    off += (len + 3) & ~3;
  }
  return out;
}
