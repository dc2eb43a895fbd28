/**
 * Netlink attributes (struct nlattr: u16 nla_len, u16 nla_type, payload, padded to 4).
 * Encoders return finished byte chunks; nesting is a chunk whose payload is other chunks,
 * so lengths are always computed, never patched. Decoding is over kernel output (trusted):
 * a violated invariant throws KA_ERR_NL_PROTOCOL, and every loop advances by at least
 * one header so a malformed length can never spin.
 *
 * Multi-byte fields are in host byte order, as netlink defines them (NLA_F_NET_BYTEORDER
 * is not used by rtnetlink).
 */
import { KaError } from '../core/errors.js';
import { NLA_F_NESTED, NLA_HDRLEN, NLA_TYPE_MASK } from './constants.js';

/** Netlink is host-endian; this is the host's endianness for DataView calls. */
export const HOST_LE = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

export const align4 = (n: number): number => (n + 3) & ~3;

export function protocolError(message: string): KaError {
  return new KaError('KA_ERR_NL_PROTOCOL', `netlink: ${message}`);
}

export function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

// ---------- encode ----------

/** One attribute: header, payload, zero padding to a 4-byte boundary. */
export function attr(type: number, payload: Uint8Array): Uint8Array {
  const len = NLA_HDRLEN + payload.length;
  if (len > 0xffff) throw new RangeError(`netlink attribute ${type} too long (${len} bytes)`);
  const out = new Uint8Array(align4(len));
  const dv = view(out);
  dv.setUint16(0, len, HOST_LE);
  dv.setUint16(2, type, HOST_LE);
  out.set(payload, NLA_HDRLEN);
  return out;
}

export function attrU8(type: number, v: number): Uint8Array {
  return attr(type, Uint8Array.of(v & 0xff));
}

export function attrU16(type: number, v: number): Uint8Array {
  const b = new Uint8Array(2);
  view(b).setUint16(0, v, HOST_LE);
  return attr(type, b);
}

export function attrU32(type: number, v: number): Uint8Array {
  const b = new Uint8Array(4);
  view(b).setUint32(0, v >>> 0, HOST_LE);
  return attr(type, b);
}

export function attrI32(type: number, v: number): Uint8Array {
  const b = new Uint8Array(4);
  view(b).setInt32(0, v, HOST_LE);
  return attr(type, b);
}

/** Network byte order u32 (nfnetlink subsystems such as nf_tables use it for every integer). */
export function attrU32BE(type: number, v: number): Uint8Array {
  const b = new Uint8Array(4);
  view(b).setUint32(0, v >>> 0, false);
  return attr(type, b);
}

/** Network byte order u64 (nf_tables handles, counters). */
export function attrU64BE(type: number, v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  view(b).setBigUint64(0, v, false);
  return attr(type, b);
}

/** NUL-terminated string (NLA_NUL_STRING/NLA_STRING both accept the trailing NUL). */
export function attrString(type: number, s: string): Uint8Array {
  const text = new TextEncoder().encode(s);
  const b = new Uint8Array(text.length + 1);
  b.set(text);
  return attr(type, b);
}

/** Nested attribute; NLA_F_NESTED is set, which strict-validating kernels require for new attributes. */
export function attrNested(type: number, children: readonly Uint8Array[]): Uint8Array {
  return attr(type | NLA_F_NESTED, concatBytes(children));
}

// ---------- decode ----------

export interface NlAttr {
  /** nla_type without the NESTED/NET_BYTEORDER flags. */
  readonly type: number;
  readonly nested: boolean;
  /** Payload only (no header, no padding); a view into the received buffer. */
  readonly data: Uint8Array;
}

/** Split `buf` into attributes. Throws on a length below the header or past the end. */
export function parseAttrs(buf: Uint8Array): NlAttr[] {
  const dv = view(buf);
  const out: NlAttr[] = [];
  let off = 0;
  while (off < buf.length) {
    const rest = buf.length - off;
    if (rest < NLA_HDRLEN) throw protocolError(`${rest} trailing byte(s) after attributes`);
    const len = dv.getUint16(off, HOST_LE);
    const rawType = dv.getUint16(off + 2, HOST_LE);
    if (len < NLA_HDRLEN) throw protocolError(`attribute ${rawType & NLA_TYPE_MASK} has length ${len} < ${NLA_HDRLEN}`);
    if (len > rest) throw protocolError(`attribute ${rawType & NLA_TYPE_MASK} length ${len} overruns the ${rest} byte(s) left`);
    out.push({ type: rawType & NLA_TYPE_MASK, nested: (rawType & NLA_F_NESTED) !== 0, data: buf.subarray(off + NLA_HDRLEN, off + len) });
    // The last attribute's padding may be cut off by the enclosing length.
    off = Math.min(buf.length, off + align4(len));
  }
  return out;
}

/** Attributes by type; the first occurrence wins (rtnetlink never repeats the ones we read). */
export function attrMap(buf: Uint8Array): Map<number, Uint8Array> {
  const m = new Map<number, Uint8Array>();
  for (const a of parseAttrs(buf)) if (!m.has(a.type)) m.set(a.type, a.data);
  return m;
}

function need(data: Uint8Array, n: number, what: string): DataView {
  if (data.length < n) throw protocolError(`${what} attribute has ${data.length} byte(s), needs ${n}`);
  return view(data);
}

export const readU8 = (data: Uint8Array): number => need(data, 1, 'u8').getUint8(0);
export const readU16 = (data: Uint8Array): number => need(data, 2, 'u16').getUint16(0, HOST_LE);
export const readU32 = (data: Uint8Array): number => need(data, 4, 'u32').getUint32(0, HOST_LE);
export const readI32 = (data: Uint8Array): number => need(data, 4, 'i32').getInt32(0, HOST_LE);
export const readU32BE = (data: Uint8Array): number => need(data, 4, 'u32').getUint32(0, false);
export const readI32BE = (data: Uint8Array): number => need(data, 4, 'i32').getInt32(0, false);
export const readU64BE = (data: Uint8Array): bigint => need(data, 8, 'u64').getBigUint64(0, false);

/** String attribute: up to the first NUL (or the whole payload when unterminated). */
export function readString(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? data.subarray(0, nul) : data);
}

/** A copy, so callers can keep it after the receive buffer is reused. */
export const readBytes = (data: Uint8Array): Uint8Array => Uint8Array.from(data);

/** Drop undefined fields so decoded objects fit exactOptionalPropertyTypes interfaces. */
export function compact<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Read an optional attribute through `read`, or undefined when it is absent. */
export function optional<T>(m: Map<number, Uint8Array>, type: number, read: (d: Uint8Array) => T): T | undefined {
  const v = m.get(type);
  return v === undefined ? undefined : read(v);
}
