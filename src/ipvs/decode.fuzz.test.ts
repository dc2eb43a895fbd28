/**
 * Fuzzing the generic netlink and IPVS decoders (docs/reliability.md): the controller's
 * CTRL_CMD_NEWFAMILY and IPVS's service, destination, info and config replies, built as the
 * kernel sends them (include/uapi/linux/ip_vs.h: stats, connection counters and the other
 * attributes we skip included), then mutated as trees and as bytes
 * (src/test-kit/netlink-fuzz.ts). Properties: the decoders never throw; a failure caught
 * inside them is one they mean (a netlink length, a short be16 or netmask), never a
 * TypeError or RangeError of their own; they accept exactly the replies an oracle written
 * apart from ipvs-codec.ts accepts (required attributes present and long enough, a known
 * family, an address of its size) and read the same values from them; unmutated replies
 * decode to what they were built from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { formatIp, type Family } from '../core/ip.js';
import type { Result } from '../core/result.js';
import { formatFuzzStats, fuzzPlan, runFuzz } from '../test-kit/fuzz.js';
import { hex } from '../test-kit/hex.js';
import { leaf, mutateMessages, nest, str, u16, u32, u8, type MsgTree, type Tlv } from '../test-kit/netlink-fuzz.js';
import type { Prng } from '../test-kit/prng.js';
import { CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_HDRSIZE, CTRL_ATTR_MAXATTR, CTRL_ATTR_VERSION, CTRL_CMD_NEWFAMILY, decodeFamily, GENL_ID_CTRL } from './genl-codec.js';
import { decodeConfigMessage, decodeDestMessage, decodeInfoMessage, decodeServiceMessage } from './ipvs-codec.js';
import * as C from './ipvs-constants.js';
import { IP_VS_CONN_F_TUNNEL, type IpvsDest, type IpvsService } from './ipvs-types.js';

const FILE = fileURLToPath(import.meta.url);
const CASES = 40_000;

const be16 = (v: number): Uint8Array => Uint8Array.of((v >>> 8) & 0xff, v & 0xff);
const genl = (cmd: number): Uint8Array => Uint8Array.of(cmd, 1, 0, 0);
const msg = (type: number, cmd: number, attrs: Tlv[]): MsgTree => ({ type, flags: 0x2, seq: 1, pid: 0, fixed: genl(cmd), attrs });
const stats = (rng: Prng, type: number): Tlv => nest(type, Array.from({ length: 5 }, (_, i) => leaf(i + 1, u32(rng.nextU32()))));

function randomAddress(rng: Prng, family: Family): { text: string; union: Uint8Array } {
  const bytes = family === 4 ? Uint8Array.of(rng.pick([192, 198, 203]), 0, 2, rng.int(1, 254)) : Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...rng.bytes(12));
  const union = new Uint8Array(16);
  union.set(bytes);
  return { text: formatIp(bytes), union };
}

/** Each builder: a reply as the kernel sends it, the decoder for it, and what it must decode to. */
interface Case {
  readonly tree: MsgTree;
  readonly decode: (payload: Uint8Array) => Result<unknown>;
  /** The label the decoder puts before a failure it caught. */
  readonly what: string;
  readonly expect: unknown;
  /** The oracle for any payload of this kind, mutated or not. */
  readonly oracle: (payload: Uint8Array) => Verdict;
}

function familyReply(rng: Prng): Case {
  const id = rng.int(0x10, 0xffff);
  const maxAttr = rng.int(0, 20);
  const ops = nest(6, [nest(1, [leaf(1, u32(1)), leaf(2, u32(0xa))])]);
  const tree = msg(GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, [leaf(CTRL_ATTR_FAMILY_ID, u16(id)), leaf(CTRL_ATTR_FAMILY_NAME, str('IPVS')), leaf(CTRL_ATTR_VERSION, u32(1)), leaf(CTRL_ATTR_HDRSIZE, u32(0)), leaf(CTRL_ATTR_MAXATTR, u32(maxAttr)), ops]);
  return { tree, decode: decodeFamily, what: 'CTRL_CMD_NEWFAMILY', oracle: expectFamily, expect: { id, name: 'IPVS', version: 1, hdrSize: 0, maxAttr } };
}

function serviceReply(rng: Prng): Case {
  const family: Family = rng.chance(0.5) ? 4 : 6;
  const fw = rng.chance(0.2);
  const addr = randomAddress(rng, family);
  const protocol = rng.pick([6, 17, 132]);
  const port = rng.int(0, 65535);
  const fwmark = rng.int(1, 0xffffffff);
  const scheduler = rng.pick(['rr', 'wlc', 'mh', 'sh']);
  const flags = rng.pick([0, 1, 8, 0x18]);
  const netmask = family === 4 ? 0xffffffff : 128;
  const nm = new Uint8Array(4);
  new DataView(nm.buffer).setUint32(0, netmask, family === 6);
  const pe = rng.chance(0.2) ? 'sip' : undefined;
  const timeoutS = rng.pick([0, 300, 86400]);
  const key: IpvsService['key'] = fw ? { type: 'fwmark', family, fwmark } : { type: 'addr', family, protocol, address: addr.text, port };
  const flagBytes = new Uint8Array(8);
  new DataView(flagBytes.buffer).setUint32(0, flags | 0x2, true); // the kernel reports HASHED; the decoder drops it
  new DataView(flagBytes.buffer).setUint32(4, 0xffffffff, true);
  const attrs: Tlv[] = [
    leaf(C.IPVS_SVC_ATTR_AF, u16(family === 4 ? 2 : 10)),
    ...(fw ? [leaf(C.IPVS_SVC_ATTR_FWMARK, u32(fwmark))] : [leaf(C.IPVS_SVC_ATTR_PROTOCOL, u16(protocol)), leaf(C.IPVS_SVC_ATTR_ADDR, addr.union), leaf(C.IPVS_SVC_ATTR_PORT, be16(port))]),
    leaf(C.IPVS_SVC_ATTR_SCHED_NAME, str(scheduler)),
    ...(pe !== undefined ? [leaf(C.IPVS_SVC_ATTR_PE_NAME, str(pe))] : []),
    leaf(C.IPVS_SVC_ATTR_FLAGS, flagBytes),
    leaf(C.IPVS_SVC_ATTR_TIMEOUT, u32(timeoutS)),
    leaf(C.IPVS_SVC_ATTR_NETMASK, nm),
    stats(rng, C.IPVS_SVC_ATTR_STATS),
    stats(rng, C.IPVS_SVC_ATTR_STATS64),
  ];
  const expect: IpvsService = { key, scheduler, flags, timeoutS, netmask, ...(pe !== undefined ? { peName: pe } : {}) };
  return { tree: msg(0x20, C.IPVS_CMD_NEW_SERVICE, [nest(C.IPVS_CMD_ATTR_SERVICE, attrs)]), decode: decodeServiceMessage, what: 'IPVS service', oracle: expectService, expect };
}

function destReply(rng: Prng): Case {
  const family: Family = rng.chance(0.5) ? 4 : 6;
  const addr = randomAddress(rng, family);
  const port = rng.int(0, 65535);
  const fwdMethod = rng.pick([0, 1, 2, 3]);
  const weight = rng.int(0, 65535);
  const tunnel = fwdMethod === IP_VS_CONN_F_TUNNEL;
  const attrs: Tlv[] = [
    leaf(C.IPVS_DEST_ATTR_ADDR, addr.union),
    leaf(C.IPVS_DEST_ATTR_PORT, be16(port)),
    leaf(C.IPVS_DEST_ATTR_FWD_METHOD, u32(fwdMethod)),
    leaf(C.IPVS_DEST_ATTR_WEIGHT, u32(weight)),
    leaf(C.IPVS_DEST_ATTR_U_THRESH, u32(0)),
    leaf(C.IPVS_DEST_ATTR_L_THRESH, u32(0)),
    leaf(C.IPVS_DEST_ATTR_ACTIVE_CONNS, u32(rng.nextU32())),
    leaf(C.IPVS_DEST_ATTR_INACT_CONNS, u32(rng.nextU32())),
    leaf(C.IPVS_DEST_ATTR_PERSIST_CONNS, u32(0)),
    stats(rng, C.IPVS_DEST_ATTR_STATS),
    leaf(C.IPVS_DEST_ATTR_ADDR_FAMILY, u16(family === 4 ? 2 : 10)),
    stats(rng, C.IPVS_DEST_ATTR_STATS64),
    leaf(C.IPVS_DEST_ATTR_TUN_TYPE, u8(tunnel ? 1 : 0)),
    leaf(C.IPVS_DEST_ATTR_TUN_PORT, be16(tunnel ? 6080 : 0)),
    leaf(C.IPVS_DEST_ATTR_TUN_FLAGS, u16(0)),
  ];
  const expect: IpvsDest = { family, address: addr.text, port, fwdMethod, weight, upperThreshold: 0, lowerThreshold: 0, ...(tunnel ? { tunType: 1, tunPort: 6080, tunFlags: 0 } : {}) };
  return { tree: msg(0x20, C.IPVS_CMD_NEW_DEST, [nest(C.IPVS_CMD_ATTR_DEST, attrs)]), decode: (p) => decodeDestMessage(p, family), what: 'IPVS destination', oracle: (p) => expectDest(p, family), expect };
}

function infoReply(rng: Prng): Case {
  const version = (1 << 16) | (2 << 8) | rng.int(0, 9);
  const connTabSize = rng.pick([4096, 1 << 20]);
  const expect = { version, versionText: `1.2.${version & 0xff}`, connTabSize };
  return { tree: msg(0x20, C.IPVS_CMD_SET_INFO, [leaf(C.IPVS_INFO_ATTR_VERSION, u32(version)), leaf(C.IPVS_INFO_ATTR_CONN_TAB_SIZE, u32(connTabSize))]), decode: decodeInfoMessage, what: 'IPVS info', oracle: expectInfo, expect };
}

function configReply(rng: Prng): Case {
  const t = { tcpS: rng.int(0, 900), tcpfinS: rng.int(0, 120), udpS: rng.int(0, 300) };
  const attrs = [leaf(C.IPVS_CMD_ATTR_TIMEOUT_TCP, u32(t.tcpS)), leaf(C.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, u32(t.tcpfinS)), leaf(C.IPVS_CMD_ATTR_TIMEOUT_UDP, u32(t.udpS))];
  return { tree: msg(0x20, C.IPVS_CMD_SET_CONFIG, attrs), decode: decodeConfigMessage, what: 'IPVS config', oracle: expectConfig, expect: t };
}

const BUILDERS = [familyReply, serviceReply, serviceReply, destReply, destReply, infoReply, configReply];
/** The failures a decoder may catch from the attribute readers (attr.ts, ipvs-codec.ts). */
const MEANT = /^(netlink: |be16 attribute has |netmask attribute has )/;

// ---------- the oracle: the same replies read again, apart from ipvs-codec.ts ----------

type Attrs = Map<number, Uint8Array>;
const REJECT = { ok: false } as const;
type Verdict = { readonly ok: true; readonly value: unknown } | typeof REJECT;

/** First occurrence of each attribute type, or null when the nlattr framing is broken anywhere. */
function walk(buf: Uint8Array): Attrs | null {
  const m: Attrs = new Map();
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 4) return null;
    const len = buf[off]! | (buf[off + 1]! << 8);
    if (len < 4 || len > buf.length - off) return null;
    const type = (buf[off + 2]! | (buf[off + 3]! << 8)) & 0x3fff;
    if (!m.has(type)) m.set(type, buf.subarray(off + 4, off + len));
    off += (len + 3) & ~3;
  }
  return m;
}

/** A little-endian u8/u16/u32 from an attribute that must be long enough. */
function le(d: Uint8Array, n: 1 | 2 | 4): number {
  if (d.length < n) throw REJECTED;
  return n === 1 ? d[0]! : n === 2 ? d[0]! | (d[1]! << 8) : (d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24)) >>> 0;
}
/** An optional attribute: absent → `dflt`, present → it must be long enough. */
const opt = (m: Attrs, t: number, n: 1 | 2 | 4, dflt: number): number => {
  const d = m.get(t);
  return d === undefined ? dflt : le(d, n);
};
const text = (d: Uint8Array): string => {
  const nul = d.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? d.subarray(0, nul) : d);
};
const familyOf = (af: number): Family | null => (af === 2 ? 4 : af === 10 ? 6 : null);

/** The genl header with the command `cmd`, then top-level attributes. */
function top(payload: Uint8Array, cmd: number): Attrs | null {
  if (payload.length < 4 || payload[0] !== cmd) return null;
  return walk(payload.subarray(4));
}

/** Thrown (without a stack: millions of cases) by a reader that says the reply must be rejected. */
const REJECTED: unique symbol = Symbol('rejected');
function need<T>(v: T | null): T {
  if (v === null) throw REJECTED;
  return v;
}
function verdict(f: () => unknown): Verdict {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e === REJECTED) return REJECT;
    throw e;
  }
}
const required = (m: Attrs, t: number): Uint8Array => need(m.get(t) ?? null);
const addrText = (family: Family, d: Uint8Array): string => formatIp(Uint8Array.from(need(d.length >= (family === 4 ? 4 : 16) ? d : null).subarray(0, family === 4 ? 4 : 16)));
const portOf = (d: Uint8Array): number => need(d.length >= 2 ? (d[0]! << 8) | d[1]! : null);

function expectFamily(p: Uint8Array): Verdict {
  return verdict(() => {
    const m = need(top(p, CTRL_CMD_NEWFAMILY));
    return { id: le(required(m, CTRL_ATTR_FAMILY_ID), 2), name: text(required(m, CTRL_ATTR_FAMILY_NAME)), version: opt(m, CTRL_ATTR_VERSION, 4, 0), hdrSize: opt(m, CTRL_ATTR_HDRSIZE, 4, 0), maxAttr: opt(m, CTRL_ATTR_MAXATTR, 4, 0) };
  });
}

function expectService(p: Uint8Array): Verdict {
  return verdict(() => {
    const m = need(walk(required(need(top(p, C.IPVS_CMD_NEW_SERVICE)), C.IPVS_CMD_ATTR_SERVICE)));
    const family = need(familyOf(le(required(m, C.IPVS_SVC_ATTR_AF), 2)));
    const fw = m.get(C.IPVS_SVC_ATTR_FWMARK);
    const key =
      fw !== undefined
        ? { type: 'fwmark', family, fwmark: le(fw, 4) }
        : { type: 'addr', family, protocol: le(required(m, C.IPVS_SVC_ATTR_PROTOCOL), 2), address: addrText(family, required(m, C.IPVS_SVC_ATTR_ADDR)), port: portOf(required(m, C.IPVS_SVC_ATTR_PORT)) };
    const nm = m.get(C.IPVS_SVC_ATTR_NETMASK);
    const sched = m.get(C.IPVS_SVC_ATTR_SCHED_NAME);
    const pe = m.get(C.IPVS_SVC_ATTR_PE_NAME);
    return {
      key,
      scheduler: sched === undefined ? '' : text(sched),
      flags: opt(m, C.IPVS_SVC_ATTR_FLAGS, 4, 0) & ~0x2, // HASHED is the kernel's own
      timeoutS: opt(m, C.IPVS_SVC_ATTR_TIMEOUT, 4, 0),
      netmask: nm === undefined ? (family === 4 ? 0xffffffff : 128) : need(nm.length >= 4 ? new DataView(nm.buffer, nm.byteOffset, 4).getUint32(0, family === 6) : null),
      ...(pe !== undefined ? { peName: text(pe) } : {}),
    };
  });
}

function expectDest(p: Uint8Array, serviceFamily: Family): Verdict {
  return verdict(() => {
    const m = need(walk(required(need(top(p, C.IPVS_CMD_NEW_DEST)), C.IPVS_CMD_ATTR_DEST)));
    const af = m.get(C.IPVS_DEST_ATTR_ADDR_FAMILY);
    const family = af === undefined ? serviceFamily : need(familyOf(le(af, 2)));
    const addr = required(m, C.IPVS_DEST_ATTR_ADDR);
    const port = required(m, C.IPVS_DEST_ATTR_PORT);
    const fwdMethod = le(required(m, C.IPVS_DEST_ATTR_FWD_METHOD), 4) & 7;
    const tunnel = fwdMethod === IP_VS_CONN_F_TUNNEL;
    // Tunnel fields mean something for TUN only; the kernel sends them (as zeros) for every dest.
    const tun = (t: number, read: (d: Uint8Array) => number): number | undefined => {
      const d = m.get(t);
      return tunnel && d !== undefined ? read(d) : undefined;
    };
    const tunType = tun(C.IPVS_DEST_ATTR_TUN_TYPE, (d) => le(d, 1));
    const tunPort = tun(C.IPVS_DEST_ATTR_TUN_PORT, portOf);
    const tunFlags = tun(C.IPVS_DEST_ATTR_TUN_FLAGS, (d) => le(d, 2));
    return {
      family,
      address: addrText(family, addr),
      port: portOf(port),
      fwdMethod,
      weight: opt(m, C.IPVS_DEST_ATTR_WEIGHT, 4, 0),
      upperThreshold: opt(m, C.IPVS_DEST_ATTR_U_THRESH, 4, 0),
      lowerThreshold: opt(m, C.IPVS_DEST_ATTR_L_THRESH, 4, 0),
      ...(tunType !== undefined ? { tunType } : {}),
      ...(tunPort !== undefined ? { tunPort } : {}),
      ...(tunFlags !== undefined ? { tunFlags } : {}),
    };
  });
}

function expectInfo(p: Uint8Array): Verdict {
  return verdict(() => {
    const m = need(top(p, C.IPVS_CMD_SET_INFO));
    const version = le(required(m, C.IPVS_INFO_ATTR_VERSION), 4);
    return { version, versionText: `${(version >>> 16) & 0xff}.${(version >>> 8) & 0xff}.${version & 0xff}`, connTabSize: opt(m, C.IPVS_INFO_ATTR_CONN_TAB_SIZE, 4, 0) };
  });
}

function expectConfig(p: Uint8Array): Verdict {
  return verdict(() => {
    const m = need(top(p, C.IPVS_CMD_SET_CONFIG));
    const t = (a: number): number => opt(m, a, 4, 0);
    return { tcpS: t(C.IPVS_CMD_ATTR_TIMEOUT_TCP), tcpfinS: t(C.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN), udpS: t(C.IPVS_CMD_ATTR_TIMEOUT_UDP) };
  });
}

test('genl/IPVS decoder fuzz: never throw, fail only for the reasons they mean, accept and read exactly what an oracle does, unmutated replies round-trip', (t) => {
  const counts = { replies: 0, accepted: 0, rejected: 0, roundTrips: 0 };
  const fuzzStats = runFuzz(fuzzPlan('ipvs', CASES), FILE, (rng) => {
    const c = rng.pick(BUILDERS)(rng);
    const { bytes, mutated } = mutateMessages(rng, [c.tree]);
    const payload = bytes.subarray(Math.min(16, bytes.length));
    counts.replies++;
    let r: Result<unknown>;
    try {
      r = c.decode(payload);
    } catch (e) {
      return assert.fail(`${c.what} decoder threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\npayload ${hex(payload)}`);
    }
    const o = c.oracle(payload);
    if (r.ok !== o.ok) assert.fail(`${c.what}: the decoder ${r.ok ? `accepted ${JSON.stringify(r.value)}` : `rejected (${r.reason})`}, the oracle ${o.ok ? `reads ${JSON.stringify(o.value)}` : 'rejects it'}\npayload ${hex(payload)}`);
    if (!r.ok) {
      const prefix = `${c.what}: `;
      if (r.reason.startsWith(prefix) && !MEANT.test(r.reason.slice(prefix.length))) assert.fail(`${c.what} caught an exception it does not mean: ${r.reason}\npayload ${hex(payload)}`);
      if (!mutated) assert.fail(`an unmutated ${c.what} reply failed: ${r.reason}\npayload ${hex(payload)}`);
      counts.rejected++;
      return;
    }
    assert.deepEqual(r.value, o.ok ? o.value : undefined, `payload ${hex(payload)}`);
    counts.accepted++;
    if (!mutated) {
      assert.deepEqual(r.value, c.expect, `payload ${hex(payload)}`);
      counts.roundTrips++;
    }
  });
  t.diagnostic(`${formatFuzzStats(fuzzStats)}; ${JSON.stringify(counts)}`);
  if (fuzzStats.cases < CASES) return;
  for (const [k, v] of Object.entries(counts)) assert.ok(v > fuzzStats.cases / 20, `${k}: only ${v} of ${fuzzStats.cases} cases`);
});
