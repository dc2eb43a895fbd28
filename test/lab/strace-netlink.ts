/**
 * Reads the netlink requests a traced process sent out of an `strace -f -xx -e write=all`
 * log: every sendto/sendmsg line strace decodes as nf_tables (NFNL_SUBSYS_NFTABLES or a
 * NFNL_MSG_BATCH_BEGIN batch) followed by its hex dump (`| 00000  14 00 …`). The capture
 * tools use it to record what keepalived sends, byte for byte, as golden fixtures.
 */
import { readFileSync } from 'node:fs';

export interface TracedSend {
  /** The pid strace printed first on the line. */
  readonly pid: number;
  /** What was sent, in one buffer (one datagram). */
  readonly bytes: Uint8Array;
}

/** ` | 00010  00 00 00 0a 20 00 00 00  00 0a 05 04 0c 2f 17 6b  .... ...` : offset, 16 bytes in two groups, text. */
const DUMP = /^ \| [0-9a-f]{5}  (.{49})/;

/** Every nf_tables datagram in the log, in the order they were sent. */
export function nftSendsFromStrace(path: string): TracedSend[] {
  return netlinkSendsFromStrace(path, /NFNL_SUBSYS_NFTABLES|NFNL_MSG_BATCH_BEGIN/);
}

/** Every datagram whose decoded strace line matches `which` (`/RTM_(NEW|DEL)(ROUTE|RULE)/`). */
export function netlinkSendsFromStrace(path: string, which: RegExp): TracedSend[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: TracedSend[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = /^(\d+)\s+send(?:to|msg)\(\d+, /.exec(line);
    if (!m || !which.test(line)) continue;
    const hex: string[] = [];
    while (i + 1 < lines.length) {
      const next = lines[i + 1] ?? '';
      // sendmsg dumps each iovec after a ` * N bytes in buffer K` line.
      const d = DUMP.exec(next);
      if (!d && !next.startsWith(' * ')) break;
      if (d) hex.push((d[1] ?? '').replace(/ /g, ''));
      i++;
    }
    if (hex.length > 0) out.push({ pid: Number(m[1]), bytes: Uint8Array.from(Buffer.from(hex.join(''), 'hex')) });
  }
  return out;
}

/** Split a datagram into its netlink messages (little-endian hosts), each as its own copy. */
export function splitNetlink(buf: Uint8Array): Uint8Array[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Uint8Array[] = [];
  let off = 0;
  while (off + 16 <= buf.length) {
    const len = dv.getUint32(off, true);
    if (len < 16 || off + len > buf.length) throw new Error(`bad netlink length ${len} at ${off}`);
    out.push(buf.slice(off, off + len));
    off += (len + 3) & ~3;
  }
  return out;
}

/** The message with nlmsg_seq and nlmsg_pid set to 0, so captures compare across runs. */
export function withoutSequence(msg: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(msg);
  copy.fill(0, 8, 16);
  return copy;
}

/**
 * Zero the padding after every attribute (recursing into NLA_F_NESTED ones): libnftnl leaves
 * whatever was in its buffer there, so captures differ from run to run in those bytes only.
 * `headerLen`: bytes before the first attribute (nlmsghdr + nfgenmsg = 20).
 */
export function zeroAttributePadding(msg: Uint8Array, headerLen = 20): Uint8Array {
  const copy = Uint8Array.from(msg);
  const walk = (start: number, end: number): void => {
    const dv = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
    let off = start;
    while (off + 4 <= end) {
      const len = dv.getUint16(off, true);
      const type = dv.getUint16(off + 2, true);
      if (len < 4 || off + len > end) return;
      if ((type & 0x8000) !== 0) walk(off + 4, off + len);
      const padded = Math.min(end, off + ((len + 3) & ~3));
      copy.fill(0, off + len, padded);
      off = padded;
    }
  };
  if (copy.length >= headerLen) walk(headerLen, copy.length);
  return copy;
}

/** RTA_METRICS and RTA_ENCAP hold attributes; RTA_MULTIPATH holds struct rtnexthop entries. */
const RTA_METRICS = 8;
const RTA_MULTIPATH = 9;
const RTA_ENCAP = 22;
const RTM_NEWLINK = 16;
const RTM_SETLINK = 19;

/** True when `len` bytes at `start` are exactly a list of attributes (a link attribute's container). */
function isAttrList(dv: DataView, start: number, end: number): boolean {
  let off = start;
  while (off + 4 <= end) {
    const len = dv.getUint16(off, true);
    if (len < 4 || off + len > end) return false;
    off += (len + 3) & ~3;
  }
  return off >= end && end - start >= 4;
}

/**
 * zeroAttributePadding for route, rule and link requests, whose containers carry no
 * NLA_F_NESTED: keepalived's own builder leaves stack bytes in the padding of short
 * attributes too. Routes and rules have a 12-byte header after nlmsghdr, links 16.
 */
export function zeroRtnlPadding(msg: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(msg);
  const dv = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  const type = copy.length >= 6 ? dv.getUint16(4, true) : 0;
  const link = type >= RTM_NEWLINK && type <= RTM_SETLINK;
  const walk = (start: number, end: number, top: boolean): void => {
    let off = start;
    while (off + 4 <= end) {
      const len = dv.getUint16(off, true);
      const t = dv.getUint16(off + 2, true) & 0x3fff;
      if (len < 4 || off + len > end) return;
      if (link ? isAttrList(dv, off + 4, off + len) : top && (t === RTA_METRICS || t === RTA_ENCAP)) walk(off + 4, off + len, false);
      if (!link && top && t === RTA_MULTIPATH) {
        let nh = off + 4;
        while (nh + 8 <= off + len) {
          const nhLen = dv.getUint16(nh, true);
          if (nhLen < 8) break;
          walk(nh + 8, Math.min(off + len, nh + nhLen), true);
          nh += (nhLen + 3) & ~3;
        }
      }
      const padded = Math.min(end, off + ((len + 3) & ~3));
      copy.fill(0, off + len, padded);
      off = padded;
    }
  };
  const headerLen = 16 + (link ? 16 : 12);
  if (copy.length >= headerLen) walk(headerLen, copy.length, true);
  return copy;
}
