/**
 * Generic netlink framing (linux/genetlink.h): struct genlmsghdr after the nlmsghdr, and
 * the controller's CTRL_CMD_GETFAMILY, which turns a family name ("IPVS") into the
 * dynamic message type every later request uses. Pure; the checker child's IPVS client
 * (ipvs-client.ts) sends these over a NETLINK_GENERIC socket.
 */
import { type Result, fail, ok } from '../core/result.js';
import { attrMap, attrString, readString, readU16, readU32 } from '../netlink/attr.js';
import { NLM_F_ACK, NLM_F_REQUEST } from '../netlink/constants.js';
import { encodeMessage } from '../netlink/message.js';
import { defineStruct } from '../netlink/struct.js';
import { errorMessage } from '../core/errors.js';

/** genetlink.h: the controller's fixed id (GENL_ID_CTRL = NLMSG_MIN_TYPE). */
export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_NEWFAMILY = 1;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
export const CTRL_ATTR_VERSION = 3;
export const CTRL_ATTR_HDRSIZE = 4;
export const CTRL_ATTR_MAXATTR = 5;
/** The controller's own protocol version as iproute2/libnl send it. */
export const CTRL_VERSION = 1;

/** struct genlmsghdr { u8 cmd; u8 version; u16 reserved; } (GENL_HDRLEN = 4). */
export const genlmsghdr = defineStruct<'cmd' | 'version'>('genlmsghdr', [
  ['cmd', 'u8'],
  ['version', 'u8'],
  [null, 'u16'],
]);
export const GENL_HDRLEN = genlmsghdr.size;

export interface GenlRequest {
  /** Family id (the nlmsg_type). */
  readonly familyId: number;
  readonly cmd: number;
  readonly version: number;
  /** NLM_F_* beyond NLM_F_REQUEST (NLM_F_ACK, NLM_F_DUMP). */
  readonly flags: number;
  /** Encoded top-level attributes. */
  readonly attrs?: readonly Uint8Array[];
}

/** One generic netlink request; the socket stamps the sequence number. */
export function encodeGenlRequest(r: GenlRequest): Uint8Array {
  return encodeMessage({ type: r.familyId, flags: NLM_F_REQUEST | r.flags, seq: 0, pid: 0 }, [
    genlmsghdr.encode({ cmd: r.cmd, version: r.version }),
    ...(r.attrs ?? []),
  ]);
}

export interface GenlMessage {
  readonly cmd: number;
  readonly version: number;
  /** Attributes after the generic header (families with hdrsize 0, such as IPVS). */
  readonly attrs: Uint8Array;
}

/** Split a generic netlink payload (after the nlmsghdr) into header and attributes. */
export function decodeGenl(payload: Uint8Array): Result<GenlMessage> {
  if (payload.length < GENL_HDRLEN) return fail(`generic netlink payload of ${payload.length} byte(s) is shorter than genlmsghdr`);
  const h = genlmsghdr.decode(payload);
  return ok({ cmd: h.cmd, version: h.version, attrs: payload.subarray(GENL_HDRLEN) });
}

/** CTRL_CMD_GETFAMILY by name, acked, so a missing family comes back as NLMSG_ERROR -ENOENT. */
export function encodeGetFamily(name: string): Uint8Array {
  return encodeGenlRequest({
    familyId: GENL_ID_CTRL,
    cmd: CTRL_CMD_GETFAMILY,
    version: CTRL_VERSION,
    flags: NLM_F_ACK,
    attrs: [attrString(CTRL_ATTR_FAMILY_NAME, name)],
  });
}

export interface GenlFamily {
  readonly id: number;
  readonly name: string;
  readonly version: number;
  readonly hdrSize: number;
  readonly maxAttr: number;
}

/**
 * Run a decoder over bytes from the kernel: attribute walkers throw KA_ERR_NL_PROTOCOL on
 * a malformed length; here that becomes a failed Result.
 */
export function guarded<T>(what: string, f: () => Result<T>): Result<T> {
  try {
    return f();
  } catch (e) {
    return fail(`${what}: ${errorMessage(e)}`);
  }
}

/** The controller's CTRL_CMD_NEWFAMILY reply (payload after the nlmsghdr). */
export function decodeFamily(payload: Uint8Array): Result<GenlFamily> {
  return guarded('CTRL_CMD_NEWFAMILY', () => {
    const g = decodeGenl(payload);
    if (!g.ok) return g;
    if (g.value.cmd !== CTRL_CMD_NEWFAMILY) return fail(`controller reply has command ${g.value.cmd}, expected CTRL_CMD_NEWFAMILY`);
    const m = attrMap(g.value.attrs);
    const id = m.get(CTRL_ATTR_FAMILY_ID);
    const name = m.get(CTRL_ATTR_FAMILY_NAME);
    if (id === undefined || name === undefined) return fail('controller reply lacks CTRL_ATTR_FAMILY_ID or CTRL_ATTR_FAMILY_NAME');
    const u32 = (t: number): number => {
      const v = m.get(t);
      return v === undefined ? 0 : readU32(v);
    };
    return ok({
      id: readU16(id),
      name: readString(name),
      version: u32(CTRL_ATTR_VERSION),
      hdrSize: u32(CTRL_ATTR_HDRSIZE),
      maxAttr: u32(CTRL_ATTR_MAXATTR),
    });
  });
}
