/**
 * Fixed C structs of the netlink protocols as field tables (name, width) in declaration
 * order, padding included, so each layout reads like its kernel header and one encoder /
 * decoder serves them all. Host byte order; sizes are checked by the golden-byte tests.
 */
import { HOST_LE, protocolError, view } from './attr.js';

export type FieldKind = 'u8' | 'u16' | 'u32' | 's32';

/** `null` names a reserved/padding field: written as zero, not decoded. */
export type FieldSpec<K extends string> = readonly [K | null, FieldKind];

export interface Struct<K extends string> {
  readonly name: string;
  readonly size: number;
  encode(v: Readonly<Record<K, number>>): Uint8Array;
  /** Throws KA_ERR_NL_PROTOCOL when `b` is shorter than the struct. */
  decode(b: Uint8Array): Record<K, number>;
}

const WIDTH: Readonly<Record<FieldKind, number>> = { u8: 1, u16: 2, u32: 4, s32: 4 };

export function defineStruct<K extends string>(name: string, fields: readonly FieldSpec<K>[]): Struct<K> {
  const layout = fields.map(([key, kind], i) => ({ key, kind, off: fields.slice(0, i).reduce((n, [, k]) => n + WIDTH[k], 0) }));
  const size = fields.reduce((n, [, k]) => n + WIDTH[k], 0);
  return {
    name,
    size,
    encode(v) {
      const out = new Uint8Array(size);
      const dv = view(out);
      for (const { key, kind, off } of layout) {
        if (key === null) continue;
        const x = v[key];
        if (kind === 'u8') dv.setUint8(off, x & 0xff);
        else if (kind === 'u16') dv.setUint16(off, x & 0xffff, HOST_LE);
        else if (kind === 'u32') dv.setUint32(off, x >>> 0, HOST_LE);
        else dv.setInt32(off, x | 0, HOST_LE);
      }
      return out;
    },
    decode(b) {
      if (b.length < size) throw protocolError(`${name} of ${b.length} byte(s), needs ${size}`);
      const dv = view(b);
      const out = {} as Record<K, number>;
      for (const { key, kind, off } of layout) {
        if (key === null) continue;
        out[key] =
          kind === 'u8' ? dv.getUint8(off) : kind === 'u16' ? dv.getUint16(off, HOST_LE) : kind === 'u32' ? dv.getUint32(off, HOST_LE) : dv.getInt32(off, HOST_LE);
      }
      return out;
    },
  };
}
