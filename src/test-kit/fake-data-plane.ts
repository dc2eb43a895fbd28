/**
 * Fakes of the VRRP child's data-plane seam (vrrp/child-deps.ts DataPlaneDeps): a link client
 * over FakeRtnl's interface table that records every request as the bytes rtnetlink would carry
 * (link-kinds.ts encoders, sequence 0, as the captured fixtures have them), an nf_tables
 * transport that records each transaction as its datagram (nft-codec.ts) and keeps the drop sets,
 * /proc/sys/net as a map, and the state file as a string. With them the VMAC and strict-mode
 * wiring runs through the whole child without root, and its requests compare with keepalived's.
 */
import { formatIp } from '../core/ip.js';
import { fail, ok } from '../core/result.js';
import { encodeDelLink, encodeIpvlanCreate, encodeMacvlanCreate, encodeSetAddrGenMode, encodeSetInetConf, encodeSetLinkAddress, encodeSetLinkUp, type IpvlanSpec, type MacvlanSpec } from '../netlink/link-kinds.js';
import { encodeBatch, encodeGetTable, type NftOp } from '../netlink/nft-codec.js';
import { NFPROTO_IPV4 } from '../netlink/nft-constants.js';
import type { DeleteOutcome, LinkCreateOutcome, RtnlLinkClient } from '../netlink/rtnl-client.js';
import type { LinkInfo } from '../netlink/rtnl-model.js';
import type { DataPlaneDeps } from '../vrrp/child-deps.js';
import { DEVCONF } from '../vrrp/kernel-settings.js';
import type { FakeRtnl } from './fake-vrrp-io.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;
const V4_KEYS = Object.keys(DEVCONF);
const nameOfDevconf = (n: number): string | undefined => V4_KEYS.find((k) => DEVCONF[k as keyof typeof DEVCONF] === n);

export interface FakeDataPlaneOptions {
  /** Link kinds the fake kernel lacks (default: ipvlan, as on this project's host kernel). */
  readonly unsupported?: readonly ('macvlan' | 'ipvlan')[];
}

export class FakeDataPlane {
  /** Every rtnetlink link request, in hex, in order. */
  readonly linkRequests: string[] = [];
  /** The same, readable: `create macvlan vrrp.51`, `up vrrp.51`, `conf eth0 rp_filter=1` … */
  readonly linkLog: string[] = [];
  /** Every nf_tables datagram (a probe or one transaction), each as its messages in hex. */
  readonly nftSent: string[][] = [];
  /** The nf_tables operations of each transaction. */
  readonly nftOps: (readonly NftOp[])[] = [];
  /** /proc/sys/net/... → value. */
  readonly proc = new Map<string, string>();
  stateText: string | null = null;
  linksClosed = 0;
  nftOpened = 0;
  /** Tables present, as `FAMILY NAME`. */
  private readonly tables = new Set<string>();
  /** Set elements present, `FAMILY TABLE SET` → hex keys. */
  private readonly elements = new Map<string, Set<string>>();
  readonly deps: DataPlaneDeps;

  constructor(
    private readonly rtnl: FakeRtnl,
    private readonly opts: FakeDataPlaneOptions = {},
  ) {
    for (const name of ['all', 'default', ...rtnl.linkList.map((l) => l.name)]) this.addConf(name, '0');
    const links = this.linkClient();
    this.deps = {
      openLinks: () => ({ ...links, close: () => void this.linksClosed++ }),
      openNft: () => {
        this.nftOpened++;
        return {
          apply: (ops) => this.apply(ops),
          tableExists: (family, name) => {
            this.nftSent.push([hex(encodeGetTable(family, name))]);
            return Promise.resolve(this.tables.has(`${family} ${name}`));
          },
          close: () => undefined,
        };
      },
      sysctl: {
        read: (path) => {
          const v = this.proc.get(path);
          return v === undefined ? fail({ code: 'ENOENT', message: `${path}: no such file` }) : ok(v);
        },
        write: (path, value) => {
          if (!this.proc.has(path)) return fail({ code: 'ENOENT', message: `${path}: no such file` });
          this.proc.set(path, value);
          return ok(undefined);
        },
      },
      stateFile: {
        read: () => this.stateText,
        write: (text) => void (this.stateText = text),
        remove: () => void (this.stateText = null),
      },
    };
  }

  /**
   * The kernel as a killed child left it (its world's tables, set elements, /proc and state
   * file), for the child that starts after it in a new world.
   */
  inherit(from: FakeDataPlane): void {
    this.proc.clear();
    for (const [k, v] of from.proc) this.proc.set(k, v);
    this.stateText = from.stateText;
    for (const t of from.tables) this.tables.add(t);
    for (const [k, v] of from.elements) this.elements.set(k, new Set(v));
  }

  /** A table made by someone else (a killed run) before the child starts. */
  addTable(family: number, name: string): void {
    this.tables.add(`${family} ${name}`);
  }

  hasTable(family: number, name = 'keepalived'): boolean {
    return this.tables.has(`${family} ${name}`);
  }

  /** The addresses in a table's `vips` set, as text. */
  vips(family: number = NFPROTO_IPV4, table = 'keepalived'): string[] {
    return [...(this.elements.get(`${family} ${table} vips`) ?? [])].map((h) => formatIp(Uint8Array.from(Buffer.from(h, 'hex'))));
  }

  /** Entries of a set (keys in hex). */
  setKeys(family: number, set: string, table = 'keepalived'): string[] {
    return [...(this.elements.get(`${family} ${table} ${set}`) ?? [])];
  }

  private addConf(ifname: string, value: string): void {
    for (const k of V4_KEYS) if (!this.proc.has(`/proc/sys/net/ipv4/conf/${ifname}/${k}`)) this.proc.set(`/proc/sys/net/ipv4/conf/${ifname}/${k}`, ifname === 'all' || ifname === 'default' ? value : (this.proc.get(`/proc/sys/net/ipv4/conf/default/${k}`) ?? value));
    if (!this.proc.has(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`)) this.proc.set(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, '0');
  }

  private dropConf(ifname: string): void {
    for (const k of [...this.proc.keys()]) if (k.includes(`/conf/${ifname}/`)) this.proc.delete(k);
  }

  private apply(ops: readonly NftOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    this.nftSent.push(encodeBatch(ops).map(hex));
    this.nftOps.push(ops);
    for (const o of ops) {
      switch (o.op) {
        case 'newtable':
          this.tables.add(`${o.table.family} ${o.table.name}`);
          break;
        case 'deltable':
          this.tables.delete(`${o.family} ${o.name}`);
          for (const k of [...this.elements.keys()]) if (k.startsWith(`${o.family} ${o.name} `)) this.elements.delete(k);
          break;
        case 'newsetelem':
        case 'delsetelem': {
          const key = `${o.elems.family} ${o.elems.table} ${o.elems.set}`;
          const set = this.elements.get(key) ?? new Set<string>();
          for (const e of o.elems.elements) {
            if (o.op === 'newsetelem') set.add(hex(e.key));
            else set.delete(hex(e.key));
          }
          this.elements.set(key, set);
          break;
        }
        default:
          break;
      }
    }
    return Promise.resolve();
  }

  private record(bytes: Uint8Array, text: string): void {
    this.linkRequests.push(hex(bytes));
    this.linkLog.push(text);
  }

  private link(ifindex: number): LinkInfo {
    const l = this.rtnl.linkList.find((x) => x.ifindex === ifindex);
    if (!l) throw Object.assign(new Error(`no link ${ifindex}`), { code: 'KA_ERR_NL_REQUEST', errnoCode: 'ENODEV' });
    return l;
  }

  private create(kind: 'macvlan' | 'ipvlan', spec: MacvlanSpec | IpvlanSpec, bytes: Uint8Array): Promise<LinkCreateOutcome> {
    this.record(bytes, `create ${kind} ${spec.name}`);
    if ((this.opts.unsupported ?? ['ipvlan']).includes(kind)) return Promise.resolve({ outcome: 'unsupported', reason: 'Unknown device type' });
    if (this.rtnl.linkList.some((l) => l.name === spec.name)) return Promise.resolve({ outcome: 'exists' });
    const ifindex = Math.max(0, ...this.rtnl.linkList.map((l) => l.ifindex)) + 1;
    const parent = this.link(spec.parentIndex);
    const link: LinkInfo = {
      ifindex,
      name: spec.name,
      mac: 'mac' in spec ? spec.mac : parent.mac,
      up: false,
      running: false,
      mtu: 1500,
      flags: 0,
      operState: 2,
      kind,
      parentIndex: spec.parentIndex,
      ...('mode' in spec && kind === 'macvlan' ? { macvlanMode: (spec as MacvlanSpec).mode } : {}),
    };
    this.addConf(spec.name, '0');
    this.rtnl.putLink(link);
    return Promise.resolve({ outcome: 'created', link });
  }

  private linkClient(): RtnlLinkClient {
    return {
      getLink: (name) => Promise.resolve(this.rtnl.linkList.find((l) => l.name === name) ?? null),
      createMacvlan: (spec) => this.create('macvlan', spec, encodeMacvlanCreate(0, spec)),
      createIpvlan: (spec) => this.create('ipvlan', spec, encodeIpvlanCreate(0, spec)),
      setLinkUp: (ifindex, up) => {
        const l = this.link(ifindex);
        this.record(encodeSetLinkUp(0, ifindex, up), `${up ? 'up' : 'down'} ${l.name}`);
        const parentRunning = l.parentIndex === undefined || this.rtnl.linkList.find((x) => x.ifindex === l.parentIndex)?.running === true;
        const running = up && parentRunning;
        this.rtnl.putLink({ ...l, up, running, flags: (up ? IFF_UP : 0) | (running ? IFF_RUNNING : 0), operState: running ? 6 : 2 });
        return Promise.resolve();
      },
      setLinkAddress: (ifindex, mac) => {
        this.record(encodeSetLinkAddress(0, ifindex, mac), `mac ${this.link(ifindex).name}`);
        return Promise.resolve();
      },
      setIpv4Conf: (ifindex, entries) => {
        const l = this.link(ifindex);
        this.record(encodeSetInetConf(0, ifindex, entries), `conf ${l.name} ${entries.map(([k, v]) => `${nameOfDevconf(k) ?? k}=${v}`).join(' ')}`);
        for (const [k, v] of entries) {
          const name = nameOfDevconf(k);
          if (name !== undefined) this.proc.set(`/proc/sys/net/ipv4/conf/${l.name}/${name}`, String(v));
        }
        return Promise.resolve();
      },
      setAddrGenMode: (ifindex, mode) => {
        this.record(encodeSetAddrGenMode(0, ifindex, mode), `addrgenmode ${this.link(ifindex).name} ${mode}`);
        return Promise.resolve();
      },
      deleteLink: (ifindex): Promise<DeleteOutcome> => {
        this.record(encodeDelLink(0, ifindex), `delete ${this.rtnl.linkList.find((x) => x.ifindex === ifindex)?.name ?? ifindex}`);
        const l = this.rtnl.linkList.find((x) => x.ifindex === ifindex);
        if (!l) return Promise.resolve('absent');
        this.rtnl.dropLink(ifindex);
        this.dropConf(l.name);
        return Promise.resolve('deleted');
      },
    };
  }
}
