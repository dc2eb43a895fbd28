/**
 * NftClient: nf_tables over a NETLINK_NETFILTER socket, for the VRRP process's no_accept and
 * VMAC rules (keepalived.conf(5) `nftables`). Transactions go out as one batch each (all or
 * nothing); listing dumps tables, chains, sets with their elements, and rules. EEXIST on an
 * exclusive element add and ENOENT on a delete are outcomes, not errors, as in rtnl-client.ts;
 * other refusals reject with NetlinkRequestError (KA_ERR_NL_REQUEST, errnoCode …).
 */
import type { NlMessage } from './message.js';
import { NetlinkRequestError, NetlinkSocket } from './netlink-socket.js';
import {
  type NftChain,
  type NftOp,
  type NftRule,
  type NftSet,
  type NftSetElement,
  type NftSetElements,
  type NftTable,
  decodeChain,
  decodeRule,
  decodeSet,
  decodeSetElems,
  decodeTable,
  encodeBatch,
  encodeDump,
  encodeGetSetElems,
  encodeGetTable,
} from './nft-codec.js';
import { NETLINK_NETFILTER, NFT_MSG_NEWCHAIN, NFT_MSG_NEWRULE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM, NFT_MSG_NEWTABLE, nftMsgName, nftMsgType } from './nft-constants.js';

export interface NftSetWithElements extends NftSet {
  readonly elements: readonly NftSetElement[];
}

/** What `nft list ruleset` shows, as data, in the kernel's order. */
export interface NftRuleset {
  readonly tables: readonly NftTable[];
  readonly chains: readonly NftChain[];
  readonly sets: readonly NftSetWithElements[];
  readonly rules: readonly NftRule[];
}

export type NftAddOutcome = 'added' | 'exists';
export type NftDeleteOutcome = 'deleted' | 'absent';

export interface NftClient {
  /** One transaction; an empty list sends nothing. */
  apply(ops: readonly NftOp[]): Promise<void>;
  tableExists(family: number, name: string): Promise<boolean>;
  list(family?: number): Promise<NftRuleset>;
  addElements(elems: NftSetElements, exclusive?: boolean): Promise<NftAddOutcome>;
  deleteElements(elems: NftSetElements): Promise<NftDeleteOutcome>;
  deleteTable(family: number, name: string): Promise<NftDeleteOutcome>;
  close(): void;
}

export interface NftClientOptions {
  readonly timeoutMs?: number;
  readonly rcvbufBytes?: number;
}

const isErrno = (e: unknown, ...names: string[]): boolean => e instanceof NetlinkRequestError && names.includes(e.errnoCode ?? '');

/** `done` when the request succeeds, `otherwise` when the kernel answers `errno`; other errors reject. */
async function outcome<T, U>(request: Promise<void>, done: T, errno: string, otherwise: U): Promise<T | U> {
  try {
    await request;
    return done;
  } catch (e) {
    if (isErrno(e, errno)) return otherwise;
    throw e;
  }
}

export class NetlinkNftClient implements NftClient {
  private constructor(private readonly sock: NetlinkSocket) {}

  /** Opens the socket in the calling thread's network namespace. */
  static open(opts: NftClientOptions = {}): NetlinkNftClient {
    return new NetlinkNftClient(
      NetlinkSocket.open({
        protocol: NETLINK_NETFILTER,
        nameOf: nftMsgName,
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(opts.rcvbufBytes !== undefined ? { rcvbufBytes: opts.rcvbufBytes } : {}),
      }),
    );
  }

  async apply(ops: readonly NftOp[]): Promise<void> {
    if (ops.length > 0) await this.sock.transaction(encodeBatch(ops));
  }

  async tableExists(family: number, name: string): Promise<boolean> {
    try {
      await this.sock.query(encodeGetTable(family, name));
      return true;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return false;
      throw e;
    }
  }

  async list(family?: number): Promise<NftRuleset> {
    const dump = async <T>(kind: 'table' | 'chain' | 'set' | 'rule', type: number, decode: (m: NlMessage) => T): Promise<T[]> =>
      (await this.sock.dump(encodeDump(kind, family))).filter((m) => m.type === nftMsgType(type)).map(decode);
    const tables = await dump('table', NFT_MSG_NEWTABLE, decodeTable);
    const chains = await dump('chain', NFT_MSG_NEWCHAIN, decodeChain);
    const plainSets = await dump('set', NFT_MSG_NEWSET, decodeSet);
    const sets: NftSetWithElements[] = [];
    for (const s of plainSets) {
      const msgs = await this.sock.dump(encodeGetSetElems(s.family, s.table, s.name));
      sets.push({ ...s, elements: msgs.filter((m) => m.type === nftMsgType(NFT_MSG_NEWSETELEM)).flatMap((m) => decodeSetElems(m).elements) });
    }
    const rules = await dump('rule', NFT_MSG_NEWRULE, decodeRule);
    return { tables, chains, sets, rules };
  }

  addElements(elems: NftSetElements, exclusive = true): Promise<NftAddOutcome> {
    return outcome(this.apply([{ op: 'newsetelem', elems, exclusive }]), 'added', 'EEXIST', 'exists');
  }

  deleteElements(elems: NftSetElements): Promise<NftDeleteOutcome> {
    return outcome(this.apply([{ op: 'delsetelem', elems }]), 'deleted', 'ENOENT', 'absent');
  }

  deleteTable(family: number, name: string): Promise<NftDeleteOutcome> {
    return outcome(this.apply([{ op: 'deltable', family, name }]), 'deleted', 'ENOENT', 'absent');
  }

  /** Keep (default) or stop the socket keeping the process alive. */
  ref(on = true): void {
    this.sock.ref(on);
  }

  close(): void {
    this.sock.close();
  }
}
