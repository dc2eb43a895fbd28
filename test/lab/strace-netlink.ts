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
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: TracedSend[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = /^(\d+)\s+send(?:to|msg)\(\d+, /.exec(line);
    if (!m || !/NFNL_SUBSYS_NFTABLES|NFNL_MSG_BATCH_BEGIN/.test(line)) continue;
    const hex: string[] = [];
    while (i + 1 < lines.length) {
      const d = DUMP.exec(lines[i + 1] ?? '');
      if (!d) break;
      hex.push((d[1] ?? '').replace(/ /g, ''));
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
