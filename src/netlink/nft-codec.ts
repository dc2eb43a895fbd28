/**
 * nf_tables messages (NETLINK_NETFILTER, subsystem NFNL_SUBSYS_NFTABLES): struct nfgenmsg
 * (u8 nfgen_family, u8 version, __be16 res_id) then NFTA_* attributes, big-endian integers.
 * Changes go in one transaction: NFNL_MSG_BATCH_BEGIN, the messages, NFNL_MSG_BATCH_END in
 * one datagram, which the kernel applies all or nothing. Attribute order and flags follow
 * libnftnl, so a batch built here is byte-identical to keepalived's (test/fixtures/nft).
 * Decoders read the kernel's dump replies. Pure; nft-client.ts does the I/O.
 */
import {
  attr,
  attrMap,
  attrNested,
  attrString,
  attrU32BE,
  attrU64BE,
  compact,
  optional,
  parseAttrs,
  protocolError,
  readBytes,
  readI32BE,
  readString,
  readU32BE,
  readU64BE,
  view,
} from './attr.js';
import { NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from './constants.js';
import { encodeMessage, type NlMessage } from './message.js';
import { decodeExprs, encodeExprs, type NftExpr } from './nft-expr.js';
import {
  NFGENMSG_LEN,
  NFNETLINK_V0,
  NFNL_MSG_BATCH_BEGIN,
  NFNL_MSG_BATCH_END,
  NFNL_SUBSYS_NFTABLES,
  NFPROTO_UNSPEC,
  NFTA_CHAIN_HANDLE,
  NFTA_CHAIN_HOOK,
  NFTA_CHAIN_NAME,
  NFTA_CHAIN_POLICY,
  NFTA_CHAIN_TABLE,
  NFTA_CHAIN_TYPE,
  NFTA_DATA_VALUE,
  NFTA_HOOK_HOOKNUM,
  NFTA_HOOK_PRIORITY,
  NFTA_RULE_CHAIN,
  NFTA_RULE_EXPRESSIONS,
  NFTA_RULE_HANDLE,
  NFTA_RULE_TABLE,
  NFTA_SET_DATA_LEN,
  NFTA_SET_DATA_TYPE,
  NFTA_SET_ELEM_DATA,
  NFTA_SET_ELEM_KEY,
  NFTA_SET_ELEM_LIST_ELEMENTS,
  NFTA_SET_ELEM_LIST_SET,
  NFTA_SET_ELEM_LIST_SET_ID,
  NFTA_SET_ELEM_LIST_TABLE,
  NFTA_SET_FLAGS,
  NFTA_SET_HANDLE,
  NFTA_SET_ID,
  NFTA_SET_KEY_LEN,
  NFTA_SET_KEY_TYPE,
  NFTA_SET_NAME,
  NFTA_SET_TABLE,
  NFTA_SET_USERDATA,
  NFTA_TABLE_FLAGS,
  NFTA_TABLE_HANDLE,
  NFTA_TABLE_NAME,
  NFT_MSG_DELCHAIN,
  NFT_MSG_DELRULE,
  NFT_MSG_DELSET,
  NFT_MSG_DELSETELEM,
  NFT_MSG_DELTABLE,
  NFT_MSG_GETCHAIN,
  NFT_MSG_GETRULE,
  NFT_MSG_GETSET,
  NFT_MSG_GETSETELEM,
  NFT_MSG_GETTABLE,
  NFT_MSG_NEWCHAIN,
  NFT_MSG_NEWRULE,
  NFT_MSG_NEWSET,
  NFT_MSG_NEWSETELEM,
  NFT_MSG_NEWTABLE,
  nftMsgType,
} from './nft-constants.js';

/** nfgen_family: NFPROTO_IPV4 (2), NFPROTO_IPV6 (10), NFPROTO_INET (1) … */
export type NftFamily = number;

export interface NftTable {
  readonly family: NftFamily;
  readonly name: string;
  readonly flags?: number;
  /** Dump only. */
  readonly handle?: bigint;
}

export interface NftChainHook {
  /** NF_INET_* */
  readonly hooknum: number;
  /** Signed: filter is 0, keepalived's default is -1. */
  readonly priority: number;
}

export interface NftChain {
  readonly family: NftFamily;
  readonly table: string;
  readonly name: string;
  /** Base chains only. */
  readonly hook?: NftChainHook;
  /** NF_ACCEPT / NF_DROP (base chains). */
  readonly policy?: number;
  /** 'filter', 'nat', 'route' (base chains). */
  readonly type?: string;
  readonly handle?: bigint;
}

export interface NftSet {
  readonly family: NftFamily;
  readonly table: string;
  readonly name: string;
  /** NFT_SET_* */
  readonly flags?: number;
  /** nftables datatype (NFT_TYPE_*; concatenations shift by NFT_TYPE_BITS). */
  readonly keyType: number;
  readonly keyLen: number;
  /** Maps only. */
  readonly dataType?: number;
  readonly dataLen?: number;
  /** Names the set to later messages of the same batch (NFTA_SET_ID). */
  readonly id?: number;
  /** libnftnl userdata (byte orders of key/data, for `nft list` to print values right). */
  readonly userdata?: Uint8Array;
  readonly handle?: bigint;
}

export interface NftSetElement {
  readonly key: Uint8Array;
  /** Map value. */
  readonly data?: Uint8Array;
}

export interface NftSetElements {
  readonly family: NftFamily;
  readonly table: string;
  readonly set: string;
  /** The set's NFTA_SET_ID when it is created in the same batch. */
  readonly setId?: number;
  readonly elements: readonly NftSetElement[];
}

export interface NftRule {
  readonly family: NftFamily;
  readonly table: string;
  readonly chain: string;
  readonly exprs: readonly NftExpr[];
  readonly handle?: bigint;
}

/** One change in a transaction. */
export type NftOp =
  | { readonly op: 'newtable'; readonly table: NftTable }
  | { readonly op: 'deltable'; readonly family: NftFamily; readonly name: string }
  | { readonly op: 'newchain'; readonly chain: NftChain }
  | { readonly op: 'delchain'; readonly family: NftFamily; readonly table: string; readonly name: string }
  | { readonly op: 'newset'; readonly set: NftSet }
  | { readonly op: 'delset'; readonly family: NftFamily; readonly table: string; readonly name: string }
  /** `exclusive`: NLM_F_EXCL, an element already present fails the batch with EEXIST. */
  | { readonly op: 'newsetelem'; readonly elems: NftSetElements; readonly exclusive: boolean }
  | { readonly op: 'delsetelem'; readonly elems: NftSetElements }
  | { readonly op: 'newrule'; readonly rule: NftRule }
  | { readonly op: 'delrule'; readonly family: NftFamily; readonly table: string; readonly chain: string; readonly handle: bigint };

// ---------- encode ----------

/** struct nfgenmsg; res_id is big-endian (the subsystem for batch messages, else 0). */
export function encodeNfgenmsg(family: number, resId = 0): Uint8Array {
  const b = new Uint8Array(NFGENMSG_LEN);
  b[0] = family;
  b[1] = NFNETLINK_V0;
  view(b).setUint16(2, resId, false);
  return b;
}

function nftMessage(msg: number, flags: number, family: number, attrs: readonly Uint8Array[]): Uint8Array {
  return encodeMessage({ type: nftMsgType(msg), flags: NLM_F_REQUEST | flags, seq: 0, pid: 0 }, [encodeNfgenmsg(family), ...attrs]);
}

function elementsAttr(elements: readonly NftSetElement[]): Uint8Array {
  // libnftnl numbers the list entries 1, 2, 3 … (the kernel ignores the type of list entries).
  return attrNested(
    NFTA_SET_ELEM_LIST_ELEMENTS,
    elements.map((e, i) => {
      const parts = [attrNested(NFTA_SET_ELEM_KEY, [attr(NFTA_DATA_VALUE, e.key)])];
      if (e.data !== undefined) parts.push(attrNested(NFTA_SET_ELEM_DATA, [attr(NFTA_DATA_VALUE, e.data)]));
      return attrNested(i + 1, parts);
    }),
  );
}

function setElemsAttrs(e: NftSetElements): Uint8Array[] {
  const a = [attrString(NFTA_SET_ELEM_LIST_SET, e.set)];
  if (e.setId !== undefined) a.push(attrU32BE(NFTA_SET_ELEM_LIST_SET_ID, e.setId));
  a.push(attrString(NFTA_SET_ELEM_LIST_TABLE, e.table), elementsAttr(e.elements));
  return a;
}

function setAttrs(s: NftSet): Uint8Array[] {
  const a = [attrString(NFTA_SET_TABLE, s.table), attrString(NFTA_SET_NAME, s.name)];
  if (s.flags !== undefined) a.push(attrU32BE(NFTA_SET_FLAGS, s.flags));
  a.push(attrU32BE(NFTA_SET_KEY_TYPE, s.keyType), attrU32BE(NFTA_SET_KEY_LEN, s.keyLen));
  if (s.dataType !== undefined) a.push(attrU32BE(NFTA_SET_DATA_TYPE, s.dataType));
  if (s.dataLen !== undefined) a.push(attrU32BE(NFTA_SET_DATA_LEN, s.dataLen));
  if (s.id !== undefined) a.push(attrU32BE(NFTA_SET_ID, s.id));
  if (s.userdata !== undefined) a.push(attr(NFTA_SET_USERDATA, s.userdata));
  return a;
}

function chainAttrs(c: NftChain): Uint8Array[] {
  const a = [attrString(NFTA_CHAIN_TABLE, c.table), attrString(NFTA_CHAIN_NAME, c.name)];
  if (c.hook !== undefined) a.push(attrNested(NFTA_CHAIN_HOOK, [attrU32BE(NFTA_HOOK_HOOKNUM, c.hook.hooknum), attrU32BE(NFTA_HOOK_PRIORITY, c.hook.priority)]));
  if (c.policy !== undefined) a.push(attrU32BE(NFTA_CHAIN_POLICY, c.policy));
  if (c.type !== undefined) a.push(attrString(NFTA_CHAIN_TYPE, c.type));
  return a;
}

/** One request message (sequence 0: the socket numbers it). */
export function encodeNftOp(o: NftOp): Uint8Array {
  const ack = NLM_F_ACK;
  switch (o.op) {
    case 'newtable': {
      const a = [attrString(NFTA_TABLE_NAME, o.table.name)];
      if (o.table.flags !== undefined) a.push(attrU32BE(NFTA_TABLE_FLAGS, o.table.flags));
      return nftMessage(NFT_MSG_NEWTABLE, ack | NLM_F_CREATE, o.table.family, a);
    }
    case 'deltable':
      return nftMessage(NFT_MSG_DELTABLE, ack, o.family, [attrString(NFTA_TABLE_NAME, o.name)]);
    case 'newchain':
      return nftMessage(NFT_MSG_NEWCHAIN, ack | NLM_F_CREATE, o.chain.family, chainAttrs(o.chain));
    case 'delchain':
      return nftMessage(NFT_MSG_DELCHAIN, ack, o.family, [attrString(NFTA_CHAIN_TABLE, o.table), attrString(NFTA_CHAIN_NAME, o.name)]);
    case 'newset':
      return nftMessage(NFT_MSG_NEWSET, ack | NLM_F_CREATE, o.set.family, setAttrs(o.set));
    case 'delset':
      return nftMessage(NFT_MSG_DELSET, ack, o.family, [attrString(NFTA_SET_TABLE, o.table), attrString(NFTA_SET_NAME, o.name)]);
    case 'newsetelem':
      return nftMessage(NFT_MSG_NEWSETELEM, ack | NLM_F_CREATE | (o.exclusive ? NLM_F_EXCL : 0), o.elems.family, setElemsAttrs(o.elems));
    case 'delsetelem':
      return nftMessage(NFT_MSG_DELSETELEM, ack, o.elems.family, setElemsAttrs(o.elems));
    case 'newrule':
      return nftMessage(NFT_MSG_NEWRULE, ack | NLM_F_CREATE | NLM_F_APPEND, o.rule.family, [
        attrString(NFTA_RULE_TABLE, o.rule.table),
        attrString(NFTA_RULE_CHAIN, o.rule.chain),
        attrNested(NFTA_RULE_EXPRESSIONS, encodeExprs(o.rule.exprs)),
      ]);
    case 'delrule':
      return nftMessage(NFT_MSG_DELRULE, ack, o.family, [attrString(NFTA_RULE_TABLE, o.table), attrString(NFTA_RULE_CHAIN, o.chain), attrU64BE(NFTA_RULE_HANDLE, o.handle)]);
  }
}

/** NFNL_MSG_BATCH_BEGIN / _END: nfgenmsg with res_id = NFNL_SUBSYS_NFTABLES, no ack. */
function batchMarker(type: number): Uint8Array {
  return encodeMessage({ type, flags: NLM_F_REQUEST, seq: 0, pid: 0 }, [encodeNfgenmsg(NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES)]);
}

/** A transaction: BEGIN, one message per op, END; each message separately (the socket numbers them). */
export function encodeBatch(ops: readonly NftOp[]): Uint8Array[] {
  return [batchMarker(NFNL_MSG_BATCH_BEGIN), ...ops.map(encodeNftOp), batchMarker(NFNL_MSG_BATCH_END)];
}

/** GETTABLE of one table (keepalived asks before its first setup), acked or ENOENT. */
export function encodeGetTable(family: number, name: string): Uint8Array {
  return nftMessage(NFT_MSG_GETTABLE, NLM_F_ACK, family, [attrString(NFTA_TABLE_NAME, name)]);
}

export type NftObjectKind = 'table' | 'chain' | 'set' | 'rule';
const GET: Readonly<Record<NftObjectKind, number>> = { table: NFT_MSG_GETTABLE, chain: NFT_MSG_GETCHAIN, set: NFT_MSG_GETSET, rule: NFT_MSG_GETRULE };

/** Dump every object of a kind (family NFPROTO_UNSPEC = all families). */
export function encodeDump(kind: NftObjectKind, family: number = NFPROTO_UNSPEC): Uint8Array {
  return nftMessage(GET[kind], NLM_F_DUMP, family, []);
}

/** Dump the elements of one set. */
export function encodeGetSetElems(family: number, table: string, set: string): Uint8Array {
  return nftMessage(NFT_MSG_GETSETELEM, NLM_F_DUMP, family, [attrString(NFTA_SET_ELEM_LIST_TABLE, table), attrString(NFTA_SET_ELEM_LIST_SET, set)]);
}

// ---------- decode (kernel replies) ----------

function body(msg: NlMessage): { family: number; a: Map<number, Uint8Array> } {
  if (msg.payload.length < NFGENMSG_LEN) throw protocolError(`nf_tables message of ${msg.payload.length} byte(s)`);
  return { family: msg.payload[0] ?? 0, a: attrMap(msg.payload.subarray(NFGENMSG_LEN)) };
}

function str(a: Map<number, Uint8Array>, type: number, what: string): string {
  const d = a.get(type);
  if (d === undefined) throw protocolError(`${what} without attribute ${type}`);
  return readString(d);
}

const handleOf = (a: Map<number, Uint8Array>, type: number): { handle?: bigint } => {
  const h = optional(a, type, readU64BE);
  return h !== undefined ? { handle: h } : {};
};

export function decodeTable(msg: NlMessage): NftTable {
  const { family, a } = body(msg);
  const flags = optional(a, NFTA_TABLE_FLAGS, readU32BE);
  return { family, name: str(a, NFTA_TABLE_NAME, 'table'), ...(flags !== undefined ? { flags } : {}), ...handleOf(a, NFTA_TABLE_HANDLE) };
}

export function decodeChain(msg: NlMessage): NftChain {
  const { family, a } = body(msg);
  const hook = optional(a, NFTA_CHAIN_HOOK, attrMap);
  const hooknum = hook && optional(hook, NFTA_HOOK_HOOKNUM, readU32BE);
  const priority = hook && optional(hook, NFTA_HOOK_PRIORITY, readI32BE);
  const policy = optional(a, NFTA_CHAIN_POLICY, readU32BE);
  const type = optional(a, NFTA_CHAIN_TYPE, readString);
  return {
    family,
    table: str(a, NFTA_CHAIN_TABLE, 'chain'),
    name: str(a, NFTA_CHAIN_NAME, 'chain'),
    ...(hooknum !== undefined && priority !== undefined ? { hook: { hooknum, priority } } : {}),
    ...(policy !== undefined ? { policy } : {}),
    ...(type !== undefined ? { type } : {}),
    ...handleOf(a, NFTA_CHAIN_HANDLE),
  };
}

export function decodeSet(msg: NlMessage): NftSet {
  const { family, a } = body(msg);
  const num = (t: number): number | undefined => optional(a, t, readU32BE);
  return {
    family,
    table: str(a, NFTA_SET_TABLE, 'set'),
    name: str(a, NFTA_SET_NAME, 'set'),
    keyType: num(NFTA_SET_KEY_TYPE) ?? 0,
    keyLen: num(NFTA_SET_KEY_LEN) ?? 0,
    ...compact({
      flags: num(NFTA_SET_FLAGS),
      dataType: num(NFTA_SET_DATA_TYPE),
      dataLen: num(NFTA_SET_DATA_LEN),
      userdata: optional(a, NFTA_SET_USERDATA, readBytes),
      handle: optional(a, NFTA_SET_HANDLE, readU64BE),
    }),
  };
}

/** GETSETELEM replies and NEWSETELEM/DELSETELEM notifications. */
export function decodeSetElems(msg: NlMessage): NftSetElements {
  const { family, a } = body(msg);
  const list = a.get(NFTA_SET_ELEM_LIST_ELEMENTS);
  const elements: NftSetElement[] = [];
  for (const e of list ? parseAttrs(list) : []) {
    const m = attrMap(e.data);
    const key = optional(m, NFTA_SET_ELEM_KEY, attrMap)?.get(NFTA_DATA_VALUE);
    if (key === undefined) continue;
    const data = optional(m, NFTA_SET_ELEM_DATA, attrMap)?.get(NFTA_DATA_VALUE);
    elements.push({ key: readBytes(key), ...(data !== undefined ? { data: readBytes(data) } : {}) });
  }
  return { family, table: str(a, NFTA_SET_ELEM_LIST_TABLE, 'set element list'), set: str(a, NFTA_SET_ELEM_LIST_SET, 'set element list'), elements };
}

export function decodeRule(msg: NlMessage): NftRule {
  const { family, a } = body(msg);
  const exprs = a.get(NFTA_RULE_EXPRESSIONS);
  return {
    family,
    table: str(a, NFTA_RULE_TABLE, 'rule'),
    chain: str(a, NFTA_RULE_CHAIN, 'rule'),
    exprs: exprs ? decodeExprs(exprs) : [],
    ...handleOf(a, NFTA_RULE_HANDLE),
  };
}

