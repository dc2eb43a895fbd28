/**
 * nf_tables rule expressions (nf_tables.h enum nft_*_attributes): the ones keepalived's
 * no_accept and VMAC rules use — payload, meta, cmp, bitwise, lookup, immediate (verdicts),
 * counter, dup — and ct. Each is NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA { … } } with
 * big-endian integers; attributes go out in the order libnftnl writes them, so our messages
 * are byte-identical to keepalived's (test/fixtures/nft). Decoding reads kernel dumps.
 */
import { attr, attrMap, attrNested, attrString, attrU32BE, attrU64BE, optional, parseAttrs, protocolError, readBytes, readI32BE, readString, readU32BE, readU64BE } from './attr.js';
import {
  NF_ACCEPT,
  NF_DROP,
  NFT_CONTINUE,
  NFT_GOTO,
  NFT_JUMP,
  NFT_RETURN,
  NFTA_BITWISE_DREG,
  NFTA_BITWISE_LEN,
  NFTA_BITWISE_MASK,
  NFTA_BITWISE_SREG,
  NFTA_BITWISE_XOR,
  NFTA_CMP_DATA,
  NFTA_CMP_OP,
  NFTA_CMP_SREG,
  NFTA_COUNTER_BYTES,
  NFTA_COUNTER_PACKETS,
  NFTA_CT_DIRECTION,
  NFTA_CT_DREG,
  NFTA_CT_KEY,
  NFTA_DATA_VALUE,
  NFTA_DATA_VERDICT,
  NFTA_DUP_SREG_ADDR,
  NFTA_DUP_SREG_DEV,
  NFTA_EXPR_DATA,
  NFTA_EXPR_NAME,
  NFTA_IMMEDIATE_DATA,
  NFTA_IMMEDIATE_DREG,
  NFTA_LIST_ELEM,
  NFTA_LOOKUP_DREG,
  NFTA_LOOKUP_FLAGS,
  NFTA_LOOKUP_SET,
  NFTA_LOOKUP_SET_ID,
  NFTA_LOOKUP_SREG,
  NFTA_META_DREG,
  NFTA_META_KEY,
  NFTA_PAYLOAD_BASE,
  NFTA_PAYLOAD_DREG,
  NFTA_PAYLOAD_LEN,
  NFTA_PAYLOAD_OFFSET,
  NFTA_VERDICT_CHAIN,
  NFTA_VERDICT_CODE,
  NFT_REG_VERDICT,
} from './nft-constants.js';

/** A verdict by name; `jump`/`goto` name their target chain. */
export type NftVerdict =
  | { readonly kind: 'accept' | 'drop' | 'continue' | 'return' }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string };

export type NftExpr =
  /** Load `len` bytes at `offset` of header `base` (NFT_PAYLOAD_*) into `dreg`. */
  | { readonly type: 'payload'; readonly dreg: number; readonly base: number; readonly offset: number; readonly len: number }
  /** Load packet metadata NFT_META_* into `dreg`. */
  | { readonly type: 'meta'; readonly key: number; readonly dreg: number }
  | { readonly type: 'cmp'; readonly sreg: number; readonly op: number; readonly data: Uint8Array }
  /** dreg = (sreg & mask) ^ xor over `len` bytes. */
  | { readonly type: 'bitwise'; readonly sreg: number; readonly dreg: number; readonly len: number; readonly mask: Uint8Array; readonly xor: Uint8Array }
  /** Set membership of sreg (a map loads the value into `dreg`); `setId` names a set of the same batch. */
  | { readonly type: 'lookup'; readonly sreg: number; readonly set: string; readonly dreg?: number; readonly setId?: number; readonly flags?: number }
  /** immediate into NFT_REG_VERDICT: the rule's verdict. */
  | { readonly type: 'verdict'; readonly verdict: NftVerdict }
  /** immediate data into a data register. */
  | { readonly type: 'immediate'; readonly dreg: number; readonly value: Uint8Array }
  /** Counters come back from dumps; requests leave them out (start at zero). */
  | { readonly type: 'counter'; readonly bytes?: bigint; readonly packets?: bigint }
  /** Duplicate the packet to the address in sregAddr through the device in sregDev. */
  | { readonly type: 'dup'; readonly sregAddr: number; readonly sregDev: number }
  | { readonly type: 'ct'; readonly key: number; readonly dreg: number; readonly direction?: number }
  /** An expression this codec does not model (decode only). */
  | { readonly type: 'unknown'; readonly name: string; readonly data: Uint8Array };

const VERDICT_CODES = { accept: NF_ACCEPT, drop: NF_DROP, continue: NFT_CONTINUE, return: NFT_RETURN, jump: NFT_JUMP, goto: NFT_GOTO } as const;

function verdictData(v: NftVerdict): Uint8Array {
  const parts = [attrU32BE(NFTA_VERDICT_CODE, VERDICT_CODES[v.kind])];
  if (v.kind === 'jump' || v.kind === 'goto') parts.push(attrString(NFTA_VERDICT_CHAIN, v.chain));
  return attrNested(NFTA_DATA_VERDICT, parts);
}

const value = (type: number, data: Uint8Array): Uint8Array => attrNested(type, [attr(NFTA_DATA_VALUE, data)]);

function exprData(e: Exclude<NftExpr, { type: 'unknown' }>): [string, Uint8Array[]] {
  switch (e.type) {
    case 'payload':
      return ['payload', [attrU32BE(NFTA_PAYLOAD_DREG, e.dreg), attrU32BE(NFTA_PAYLOAD_BASE, e.base), attrU32BE(NFTA_PAYLOAD_OFFSET, e.offset), attrU32BE(NFTA_PAYLOAD_LEN, e.len)]];
    case 'meta':
      return ['meta', [attrU32BE(NFTA_META_KEY, e.key), attrU32BE(NFTA_META_DREG, e.dreg)]];
    case 'cmp':
      return ['cmp', [attrU32BE(NFTA_CMP_SREG, e.sreg), attrU32BE(NFTA_CMP_OP, e.op), value(NFTA_CMP_DATA, e.data)]];
    case 'bitwise':
      return [
        'bitwise',
        [attrU32BE(NFTA_BITWISE_SREG, e.sreg), attrU32BE(NFTA_BITWISE_DREG, e.dreg), attrU32BE(NFTA_BITWISE_LEN, e.len), value(NFTA_BITWISE_MASK, e.mask), value(NFTA_BITWISE_XOR, e.xor)],
      ];
    case 'lookup': {
      const p = [attrU32BE(NFTA_LOOKUP_SREG, e.sreg)];
      if (e.dreg !== undefined) p.push(attrU32BE(NFTA_LOOKUP_DREG, e.dreg));
      p.push(attrString(NFTA_LOOKUP_SET, e.set));
      if (e.setId !== undefined) p.push(attrU32BE(NFTA_LOOKUP_SET_ID, e.setId));
      if (e.flags !== undefined) p.push(attrU32BE(NFTA_LOOKUP_FLAGS, e.flags));
      return ['lookup', p];
    }
    case 'verdict':
      return ['immediate', [attrU32BE(NFTA_IMMEDIATE_DREG, NFT_REG_VERDICT), attrNested(NFTA_IMMEDIATE_DATA, [verdictData(e.verdict)])]];
    case 'immediate':
      return ['immediate', [attrU32BE(NFTA_IMMEDIATE_DREG, e.dreg), value(NFTA_IMMEDIATE_DATA, e.value)]];
    case 'counter': {
      const p: Uint8Array[] = [];
      if (e.bytes !== undefined) p.push(attrU64BE(NFTA_COUNTER_BYTES, e.bytes));
      if (e.packets !== undefined) p.push(attrU64BE(NFTA_COUNTER_PACKETS, e.packets));
      return ['counter', p];
    }
    case 'dup':
      return ['dup', [attrU32BE(NFTA_DUP_SREG_ADDR, e.sregAddr), attrU32BE(NFTA_DUP_SREG_DEV, e.sregDev)]];
    case 'ct': {
      const p = [attrU32BE(NFTA_CT_KEY, e.key), attrU32BE(NFTA_CT_DREG, e.dreg)];
      if (e.direction !== undefined) p.push(attr(NFTA_CT_DIRECTION, Uint8Array.of(e.direction)));
      return ['ct', p];
    }
  }
}

/** One NFTA_LIST_ELEM; throws RangeError for 'unknown' (it has no encoding of its own). */
export function encodeExpr(e: NftExpr): Uint8Array {
  if (e.type === 'unknown') throw new RangeError(`cannot encode the unmodelled nf_tables expression '${e.name}'`);
  const [name, data] = exprData(e);
  return attrNested(NFTA_LIST_ELEM, [attrString(NFTA_EXPR_NAME, name), attrNested(NFTA_EXPR_DATA, data)]);
}

/** NFTA_RULE_EXPRESSIONS payload. */
export const encodeExprs = (exprs: readonly NftExpr[]): Uint8Array[] => exprs.map(encodeExpr);

// ---------- decode ----------

function nestedValue(m: Map<number, Uint8Array>, type: number): Uint8Array {
  const d = m.get(type);
  if (d === undefined) throw protocolError(`nf_tables expression lacks attribute ${type}`);
  const v = attrMap(d).get(NFTA_DATA_VALUE);
  if (v === undefined) throw protocolError('nf_tables data without NFTA_DATA_VALUE');
  return readBytes(v);
}

function u32(m: Map<number, Uint8Array>, type: number, what: string): number {
  const d = m.get(type);
  if (d === undefined) throw protocolError(`nf_tables ${what} lacks attribute ${type}`);
  return readU32BE(d);
}

function decodeVerdict(data: Uint8Array): NftVerdict {
  const v = attrMap(data);
  const code = optional(v, NFTA_VERDICT_CODE, readI32BE);
  const chain = optional(v, NFTA_VERDICT_CHAIN, readString);
  switch (code) {
    case NF_ACCEPT:
      return { kind: 'accept' };
    case NF_DROP:
      return { kind: 'drop' };
    case NFT_CONTINUE:
      return { kind: 'continue' };
    case NFT_RETURN:
      return { kind: 'return' };
    case NFT_JUMP:
    case NFT_GOTO:
      if (chain === undefined) throw protocolError('jump/goto verdict without a chain');
      return { kind: code === NFT_JUMP ? 'jump' : 'goto', chain };
    default:
      throw protocolError(`unknown verdict code ${String(code)}`);
  }
}

function decodeOne(name: string, data: Uint8Array): NftExpr {
  const m = attrMap(data);
  switch (name) {
    case 'payload':
      return { type: 'payload', dreg: u32(m, NFTA_PAYLOAD_DREG, name), base: u32(m, NFTA_PAYLOAD_BASE, name), offset: u32(m, NFTA_PAYLOAD_OFFSET, name), len: u32(m, NFTA_PAYLOAD_LEN, name) };
    case 'meta':
      return { type: 'meta', key: u32(m, NFTA_META_KEY, name), dreg: u32(m, NFTA_META_DREG, name) };
    case 'cmp':
      return { type: 'cmp', sreg: u32(m, NFTA_CMP_SREG, name), op: u32(m, NFTA_CMP_OP, name), data: nestedValue(m, NFTA_CMP_DATA) };
    case 'bitwise':
      return {
        type: 'bitwise',
        sreg: u32(m, NFTA_BITWISE_SREG, name),
        dreg: u32(m, NFTA_BITWISE_DREG, name),
        len: u32(m, NFTA_BITWISE_LEN, name),
        mask: nestedValue(m, NFTA_BITWISE_MASK),
        xor: nestedValue(m, NFTA_BITWISE_XOR),
      };
    case 'lookup': {
      const set = m.get(NFTA_LOOKUP_SET);
      if (set === undefined) throw protocolError('lookup without a set name');
      const dreg = optional(m, NFTA_LOOKUP_DREG, readU32BE);
      const flags = optional(m, NFTA_LOOKUP_FLAGS, readU32BE);
      return { type: 'lookup', sreg: u32(m, NFTA_LOOKUP_SREG, name), set: readString(set), ...(dreg !== undefined ? { dreg } : {}), ...(flags ? { flags } : {}) };
    }
    case 'immediate': {
      const dreg = u32(m, NFTA_IMMEDIATE_DREG, name);
      const d = attrMap(m.get(NFTA_IMMEDIATE_DATA) ?? new Uint8Array(0));
      const verdict = d.get(NFTA_DATA_VERDICT);
      if (dreg === NFT_REG_VERDICT && verdict !== undefined) return { type: 'verdict', verdict: decodeVerdict(verdict) };
      const v = d.get(NFTA_DATA_VALUE);
      if (v === undefined) throw protocolError('immediate without data');
      return { type: 'immediate', dreg, value: readBytes(v) };
    }
    case 'counter': {
      const bytes = optional(m, NFTA_COUNTER_BYTES, readU64BE);
      const packets = optional(m, NFTA_COUNTER_PACKETS, readU64BE);
      return { type: 'counter', ...(bytes !== undefined ? { bytes } : {}), ...(packets !== undefined ? { packets } : {}) };
    }
    case 'dup':
      return { type: 'dup', sregAddr: u32(m, NFTA_DUP_SREG_ADDR, name), sregDev: u32(m, NFTA_DUP_SREG_DEV, name) };
    case 'ct': {
      const dir = m.get(NFTA_CT_DIRECTION);
      return { type: 'ct', key: u32(m, NFTA_CT_KEY, name), dreg: u32(m, NFTA_CT_DREG, name), ...(dir !== undefined && dir.length > 0 ? { direction: dir[0] ?? 0 } : {}) };
    }
    default:
      return { type: 'unknown', name, data: readBytes(data) };
  }
}

/** NFTA_RULE_EXPRESSIONS (a list of NFTA_LIST_ELEM) → expressions, in rule order. */
export function decodeExprs(list: Uint8Array): NftExpr[] {
  return parseAttrs(list)
    .filter((a) => a.type === NFTA_LIST_ELEM)
    .map((a) => {
      const m = attrMap(a.data);
      const name = m.get(NFTA_EXPR_NAME);
      if (name === undefined) throw protocolError('nf_tables expression without a name');
      return decodeOne(readString(name), m.get(NFTA_EXPR_DATA) ?? new Uint8Array(0));
    });
}

/** Expressions as nft's debug output names them (for messages and test diffs). */
export function describeExpr(e: NftExpr): string {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  switch (e.type) {
    case 'payload':
      return `payload load ${e.len}b @ base ${e.base} + ${e.offset} => reg ${e.dreg}`;
    case 'meta':
      return `meta load ${e.key} => reg ${e.dreg}`;
    case 'cmp':
      return `cmp op ${e.op} reg ${e.sreg} 0x${hex(e.data)}`;
    case 'bitwise':
      return `bitwise reg ${e.dreg} = (reg ${e.sreg} & 0x${hex(e.mask)}) ^ 0x${hex(e.xor)}`;
    case 'lookup':
      return `lookup reg ${e.sreg} set ${e.set}${e.dreg !== undefined ? ` dreg ${e.dreg}` : ''}${e.flags ? ` flags ${e.flags}` : ''}`;
    case 'verdict':
      return `immediate ${e.verdict.kind}${'chain' in e.verdict ? ` -> ${e.verdict.chain}` : ''}`;
    case 'immediate':
      return `immediate reg ${e.dreg} 0x${hex(e.value)}`;
    case 'counter':
      return `counter pkts ${e.packets ?? 0n} bytes ${e.bytes ?? 0n}`;
    case 'dup':
      return `dup sreg_addr ${e.sregAddr} sreg_dev ${e.sregDev}`;
    case 'ct':
      return `ct load ${e.key} => reg ${e.dreg}`;
    case 'unknown':
      return `${e.name} (${hex(e.data)})`;
  }
}
