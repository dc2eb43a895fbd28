/**
 * Fuzzing the rtnetlink decoders (docs/reliability.md) along the path a received datagram
 * takes in the VRRP child: parseMessages → NLMSG_ERROR / NLMSG_DONE, link and address
 * notifications (decodeRtnlEvent), link/address/route/rule dump replies. Kernel-shaped
 * messages (with the attributes the kernel adds and we skip) are mutated as trees and as
 * bytes (src/test-kit/netlink-fuzz.ts). Properties: nothing but KA_ERR_NL_PROTOCOL is ever
 * thrown (the socket turns it into a resync or a rejected request); parseMessages and
 * parseAttrs throw exactly when the nlmsghdr / nlattr framing is broken; an address event
 * always carries an address of its family's size; an unmutated datagram decodes to what it
 * was built from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { formatIp } from '../core/ip.js';
import { formatFuzzStats, fuzzPlan, runFuzz } from '../test-kit/fuzz.js';
import { hex } from '../test-kit/hex.js';
import { attrsValid, framingValid, isProtocolError, leaf, mutateMessages, nest, str, u32, u8, type MsgTree, type Tlv } from '../test-kit/netlink-fuzz.js';
import type { Prng } from '../test-kit/prng.js';
import { encodeCacheInfo, encodeIfAddrMsg, decodeAddrMessage } from './addr.js';
import { parseAttrs } from './attr.js';
import * as K from './constants.js';
import { decodeLinkMessage, encodeIfInfoMsg } from './link.js';
import { parseDone, parseError, parseMessages } from './message.js';
import { decodeRuleMessage, encodeFibRuleHdr } from './fib-rule.js';
import { decodeRouteMessage, encodeRtMsg } from './route.js';
import { decodeRtnlEvent, toAddrInfo, toLinkInfo } from './rtnl-model.js';

const FILE = fileURLToPath(import.meta.url);
const CASES = 40_000;

/** What an unmutated message must decode to (a few fields per kind are enough to catch a shift). */
type Expect =
  | { kind: 'link'; index: number; name: string; mtu: number; kindName: string | undefined }
  | { kind: 'addr'; index: number; address: string; prefixLen: number; flags: number }
  | { kind: 'route'; oif: number; table: number; priority: number }
  | { kind: 'rule'; priority: number; table: number; iifName: string }
  | { kind: 'error'; error: number; requestSeq: number; message: string | undefined }
  | { kind: 'done'; error: number };

const extras = (rng: Prng): Tlv[] => (rng.chance(0.5) ? [leaf(rng.int(30, 60), rng.bytes(rng.int(0, 12))), nest(rng.int(30, 60), [leaf(1, u32(rng.nextU32()))])] : []);

function linkMsg(rng: Prng): [MsgTree, Expect] {
  const index = rng.int(1, 4096);
  const name = rng.pick(['eth0', 'vrrp.51', 'br0', 'x'.repeat(15), '']);
  const mtu = rng.pick([1500, 9000, 68, 65535]);
  const kindName = rng.pick([undefined, 'macvlan', 'veth', 'bridge']);
  const attrs: Tlv[] = [leaf(K.IFLA_IFNAME, str(name)), leaf(K.IFLA_TXQLEN, u32(1000)), leaf(K.IFLA_MTU, u32(mtu)), leaf(K.IFLA_OPERSTATE, u8(rng.pick([0, 2, 6]))), leaf(K.IFLA_ADDRESS, rng.bytes(6)), ...extras(rng)];
  if (rng.chance(0.3)) attrs.push(leaf(K.IFLA_LINK, u32(rng.int(1, 99))), leaf(K.IFLA_MASTER, u32(rng.int(1, 99))));
  if (kindName !== undefined) attrs.push(nest(K.IFLA_LINKINFO, [leaf(K.IFLA_INFO_KIND, str(kindName)), nest(K.IFLA_INFO_DATA, [leaf(K.IFLA_MACVLAN_MODE, u32(K.MACVLAN_MODE_PRIVATE))])]));
  const type = rng.chance(0.8) ? K.RTM_NEWLINK : K.RTM_DELLINK;
  const fixed = encodeIfInfoMsg({ family: K.AF_UNSPEC, type: 1, index, flags: rng.pick([0, K.IFF_UP, K.IFF_UP | K.IFF_RUNNING | K.IFF_LOWER_UP]), change: 0xffffffff });
  return [{ type, flags: 0, seq: 0, pid: 0, fixed, attrs }, { kind: 'link', index, name, mtu, kindName }];
}

function addrMsg(rng: Prng): [MsgTree, Expect] {
  const v6 = rng.chance(0.5);
  const bytes = v6 ? Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...rng.bytes(12)) : Uint8Array.of(192, 0, 2, rng.int(1, 254));
  const index = rng.int(1, 4096);
  const prefixLen = rng.int(0, v6 ? 128 : 32);
  const flags = rng.pick([0, K.IFA_F_PERMANENT, K.IFA_F_SECONDARY | K.IFA_F_NODAD, K.IFA_F_NOPREFIXROUTE]);
  const attrs: Tlv[] = [leaf(K.IFA_ADDRESS, bytes)];
  if (!v6) attrs.push(leaf(K.IFA_LOCAL, bytes), leaf(K.IFA_LABEL, str('eth0')), leaf(K.IFA_BROADCAST, Uint8Array.of(192, 0, 2, 255)));
  attrs.push(leaf(K.IFA_FLAGS, u32(flags)), leaf(K.IFA_CACHEINFO, encodeCacheInfo({ preferred: 0xffffffff, valid: 0xffffffff, cstampCs: 1, tstampCs: 2 })), ...extras(rng));
  const fixed = encodeIfAddrMsg({ family: v6 ? K.AF_INET6 : K.AF_INET, prefixLen, flags: flags & 0xff, scope: 0, index });
  return [{ type: rng.chance(0.8) ? K.RTM_NEWADDR : K.RTM_DELADDR, flags: 0, seq: 0, pid: 0, fixed, attrs }, { kind: 'addr', index, address: formatIp(bytes), prefixLen, flags }];
}

function routeMsg(rng: Prng): [MsgTree, Expect] {
  const oif = rng.int(1, 4096);
  const table = rng.pick([254, 255, 1000, 0x7fffffff]);
  const priority = rng.int(0, 1 << 20);
  const fixed = encodeRtMsg({ family: K.AF_INET, dstLen: 24, srcLen: 0, tos: 0, table: table > 255 ? 252 : table, protocol: K.RTPROT_KEEPALIVED, scope: 0, type: K.RTN_UNICAST, flags: 0 });
  const attrs = [leaf(K.RTA_TABLE, u32(table)), leaf(K.RTA_DST, Uint8Array.of(198, 51, 100, 0)), leaf(K.RTA_GATEWAY, Uint8Array.of(192, 0, 2, 1)), leaf(K.RTA_OIF, u32(oif)), leaf(K.RTA_PRIORITY, u32(priority)), leaf(K.RTA_PREFSRC, Uint8Array.of(192, 0, 2, 11)), ...extras(rng)];
  return [{ type: K.RTM_NEWROUTE, flags: K.NLM_F_MULTI, seq: 7, pid: 9, fixed, attrs }, { kind: 'route', oif, table, priority }];
}

function ruleMsg(rng: Prng): [MsgTree, Expect] {
  const priority = rng.int(0, 32766);
  const table = rng.pick([100, 254, 5000]);
  const iifName = rng.pick(['eth0', 'vrrp.51', '']);
  const fixed = encodeFibRuleHdr({ family: K.AF_INET6, dstLen: 0, srcLen: 64, tos: 0, table: table > 255 ? 252 : table, action: K.FR_ACT_TO_TBL, flags: 0 });
  const attrs = [leaf(K.FRA_PRIORITY, u32(priority)), leaf(K.FRA_TABLE, u32(table)), leaf(K.FRA_SRC, Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...new Uint8Array(12))), leaf(K.FRA_FWMARK, u32(3)), leaf(K.FRA_IIFNAME, str(iifName)), leaf(K.FRA_PROTOCOL, u8(K.RTPROT_KEEPALIVED)), ...extras(rng)];
  return [{ type: K.RTM_NEWRULE, flags: K.NLM_F_MULTI, seq: 7, pid: 9, fixed, attrs }, { kind: 'rule', priority, table, iifName }];
}

function errorMsg(rng: Prng): [MsgTree, Expect] {
  const error = rng.pick([0, -1, -17, -19, -22, -95]);
  const requestSeq = rng.nextU32();
  const capped = rng.chance(0.5);
  const tlvs = error !== 0 && rng.chance(0.7);
  const message = tlvs ? rng.pick(['Unknown device type', 'Invalid prefix for given prefix length', '']) : undefined;
  const echoedBody = capped ? new Uint8Array(0) : rng.bytes(rng.pick([0, 8, 12, 24]));
  const fixed = new Uint8Array(4 + 16 + echoedBody.length);
  const dv = new DataView(fixed.buffer);
  dv.setInt32(0, error, true);
  dv.setUint32(4, 16 + echoedBody.length, true);
  dv.setUint16(8, K.RTM_NEWADDR, true);
  dv.setUint32(12, requestSeq, true);
  fixed.set(echoedBody, 20);
  const attrs = tlvs ? [leaf(K.NLMSGERR_ATTR_MSG, str(message ?? '')), leaf(K.NLMSGERR_ATTR_OFFS, u32(rng.int(16, 64)))] : [];
  const flags = (capped ? K.NLM_F_CAPPED : 0) | (tlvs ? K.NLM_F_ACK_TLVS : 0);
  return [{ type: K.NLMSG_ERROR, flags, seq: requestSeq, pid: 0, fixed, attrs }, { kind: 'error', error, requestSeq, message }];
}

function doneMsg(rng: Prng): [MsgTree, Expect] {
  const error = rng.pick([0, 0, -16, -4]);
  return [{ type: K.NLMSG_DONE, flags: K.NLM_F_MULTI, seq: 7, pid: 9, fixed: u32(error >>> 0), attrs: [] }, { kind: 'done', error }];
}

const BUILDERS = [linkMsg, linkMsg, addrMsg, addrMsg, routeMsg, ruleMsg, errorMsg, doneMsg];
const FIXED_LEN: Readonly<Record<number, number>> = {
  [K.RTM_NEWLINK]: K.IFINFOMSG_LEN,
  [K.RTM_DELLINK]: K.IFINFOMSG_LEN,
  [K.RTM_NEWADDR]: K.IFADDRMSG_LEN,
  [K.RTM_DELADDR]: K.IFADDRMSG_LEN,
  [K.RTM_NEWROUTE]: K.RTMSG_LEN,
  [K.RTM_NEWRULE]: K.FIB_RULE_HDR_LEN,
};

/** What the VRRP child does with one received message; returns a summary for the round trip. */
function decodeLikeTheDaemon(m: ReturnType<typeof parseMessages>[number]): Expect | null {
  switch (m.type) {
    case K.NLMSG_ERROR: {
      const e = parseError(m);
      return { kind: 'error', error: e.error, requestSeq: e.requestSeq, message: e.extAckMessage };
    }
    case K.NLMSG_DONE:
      return { kind: 'done', error: parseDone(m).error };
    case K.RTM_NEWLINK:
    case K.RTM_DELLINK: {
      const ev = decodeRtnlEvent(m);
      const l = toLinkInfo(decodeLinkMessage(m.payload)); // the dump path (listLinks)
      if (ev !== null) assert.equal(ev.type, 'link');
      return { kind: 'link', index: l.ifindex, name: l.name, mtu: l.mtu, kindName: l.kind };
    }
    case K.RTM_NEWADDR:
    case K.RTM_DELADDR: {
      const ev = decodeRtnlEvent(m);
      const a = toAddrInfo(decodeAddrMessage(m.payload));
      if (ev !== null) {
        assert.ok(ev.type === 'addr' && ev.bytes.length === (ev.family === 4 ? 4 : 16), `address event of the wrong size: ${JSON.stringify(ev)}`);
      }
      return a && { kind: 'addr', index: a.ifindex, address: a.address, prefixLen: a.prefixLen, flags: a.flags };
    }
    case K.RTM_NEWROUTE: {
      const r = decodeRouteMessage(m.payload);
      return { kind: 'route', oif: r.oif ?? -1, table: r.table ?? -1, priority: r.priority ?? -1 };
    }
    case K.RTM_NEWRULE: {
      const r = decodeRuleMessage(m.payload);
      return { kind: 'rule', priority: r.priority ?? -1, table: r.table ?? -1, iifName: r.iifName ?? '' };
    }
    default:
      return null;
  }
}

test('rtnetlink decoder fuzz: only KA_ERR_NL_PROTOCOL, framing errors exactly when the framing is broken, unmutated messages round-trip', (t) => {
  const counts = { datagrams: 0, framingErrors: 0, protocolErrors: 0, decoded: 0, roundTrips: 0 };
  const stats = runFuzz(fuzzPlan('rtnetlink', CASES), FILE, (rng) => {
    const built = Array.from({ length: rng.int(1, 3) }, () => rng.pick(BUILDERS)(rng));
    const { bytes, mutated } = mutateMessages(
      rng,
      built.map(([m]) => m),
    );
    counts.datagrams++;
    const where = (): string => `datagram ${hex(bytes)}`;
    let msgs: ReturnType<typeof parseMessages>;
    try {
      msgs = parseMessages(bytes);
    } catch (e) {
      if (!isProtocolError(e)) assert.fail(`parseMessages threw ${String(e)}\n${where()}`);
      if (framingValid(bytes)) assert.fail(`parseMessages rejected a well-framed datagram: ${String(e)}\n${where()}`);
      counts.framingErrors++;
      return;
    }
    if (!framingValid(bytes)) assert.fail(`parseMessages accepted a datagram whose framing is broken\n${where()}`);
    msgs.forEach((m, i) => {
      const fixedLen = FIXED_LEN[m.type];
      if (fixedLen !== undefined && m.payload.length >= fixedLen) {
        const region = m.payload.subarray(fixedLen);
        let threw = false;
        try {
          parseAttrs(region);
        } catch (e) {
          if (!isProtocolError(e)) assert.fail(`parseAttrs threw ${String(e)}\n${where()}`);
          threw = true;
        }
        if (threw === attrsValid(region)) assert.fail(`parseAttrs ${threw ? 'rejected valid' : 'accepted broken'} attributes ${hex(region)}\n${where()}`);
      }
      let got: Expect | null;
      try {
        got = decodeLikeTheDaemon(m);
      } catch (e) {
        if (!isProtocolError(e)) assert.fail(`decoding message ${i} (type ${m.type}) threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n${where()}`);
        if (!mutated) assert.fail(`an unmutated message ${i} failed to decode: ${String(e)}\n${where()}`);
        counts.protocolErrors++;
        return;
      }
      counts.decoded++;
      if (!mutated) {
        assert.deepEqual(got, built[i]![1], where());
        counts.roundTrips++;
      }
    });
  });
  t.diagnostic(`${formatFuzzStats(stats)}; ${JSON.stringify(counts)}`);
  if (stats.cases < CASES) return; // a replay checks one case, not the mix
  for (const [k, v] of Object.entries(counts)) assert.ok(v > stats.cases / 50, `${k}: only ${v} of ${stats.cases} cases`);
});
