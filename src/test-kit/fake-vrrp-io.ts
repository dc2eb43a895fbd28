/**
 * Fakes for the VRRP child's seam (vrrp/child-deps.ts): an rtnetlink client that keeps an
 * interface table and records address requests, VRRP sockets that record what is sent and
 * take datagrams from the test, GARP senders that record what they announce. With them the
 * whole VRRP child runs in a unit test or the seeded simulation, without root.
 */
import type { Clock } from '../core/clock.js';
import { formatIp, parseIp, type Family } from '../core/ip.js';
import type { KeepalivedConfig } from '../config/model.js';
import type { AddAddressOutcome, DeleteAddressOutcome, RtnlClient, RtnlSubscription } from '../netlink/rtnl-client.js';
import type { AddrInfo, AddrSpec, LinkInfo, RtnlEvent } from '../netlink/rtnl-model.js';
import type { ScriptRunner } from '../notify/runner.js';
import type { ScriptHost } from '../notify/script-pass.js';
import { scriptHostFor } from './fake-script-host.js';
import type { GarpSenderPort, InstanceTransition, VrrpChildDeps, VrrpSocketPort, VrrpSocketSpec } from '../vrrp/child-deps.js';
import { FakeDataPlane } from './fake-data-plane.js';
import type { RawVrrpDatagram } from '../vrrp/types.js';
import { FakeTrackerIo } from './fake-tracker-io.js';
import { FakeRoutes } from './fake-routes.js';

const IFF_UP = 0x1;
const IFF_RUNNING = 0x40;

/** A running Ethernet-like link. */
export function fakeLink(ifindex: number, name: string, running = true): LinkInfo {
  return { ifindex, name, mac: Uint8Array.of(2, 0, 0, 0, 0, ifindex), up: running, running, mtu: 1500, flags: running ? IFF_UP | IFF_RUNNING : 0, operState: running ? 6 : 2 };
}

/** An address on a link, `text` as 'ADDR/LEN'. */
export function fakeAddr(ifindex: number, text: string): AddrInfo {
  const [address = '', len = '32'] = text.split('/');
  const a = parseIp(address);
  if (!a) throw new Error(`bad test address ${text}`);
  return { ifindex, family: a.family, address: formatIp(a), bytes: a.bytes, prefixLen: Number(len), flags: 0, scope: 0 };
}

/** One address request, as `add 192.0.2.100/24 dev 2` / `delete …`. */
export interface AddressRequest {
  readonly atMs: number;
  readonly op: 'add' | 'delete';
  readonly text: string;
}

/**
 * An rtnetlink client over an in-memory table. Address changes take `latencyMs` of the clock
 * (0: they complete in the same turn, as a fast kernel does) and are announced to monitors
 * like the kernel's notifications.
 */
export class FakeRtnl implements RtnlClient {
  readonly requests: AddressRequest[] = [];
  /** Address requests sent and not answered yet. */
  inFlight = 0;
  private readonly monitors = new Set<(ev: RtnlEvent) => void>();
  private links: LinkInfo[];
  private addrs: AddrInfo[];
  closed = false;

  constructor(
    links: readonly LinkInfo[],
    addrs: readonly AddrInfo[],
    private readonly clock: Clock,
    private readonly latencyMs = 0,
  ) {
    this.links = [...links];
    this.addrs = [...addrs];
  }

  listLinks(): Promise<LinkInfo[]> {
    return Promise.resolve([...this.links]);
  }

  listAddresses(family?: Family): Promise<AddrInfo[]> {
    return Promise.resolve(this.addrs.filter((a) => family === undefined || a.family === family));
  }

  /** Whether `address` (text) is on any link now. */
  has(address: string): boolean {
    return this.addrs.some((a) => a.address === address);
  }

  /** Another program deletes `address` (announced to the monitors); false when it is not there. */
  deleteExternally(address: string): boolean {
    const i = this.addrs.findIndex((a) => a.address === address);
    if (i < 0) return false;
    const [info] = this.addrs.splice(i, 1);
    this.emit({ type: 'addr', deleted: true, ...info! });
    return true;
  }

  addAddress(spec: AddrSpec): Promise<AddAddressOutcome> {
    return this.change('add', spec) as Promise<AddAddressOutcome>;
  }

  deleteAddress(spec: AddrSpec): Promise<DeleteAddressOutcome> {
    return this.change('delete', spec) as Promise<DeleteAddressOutcome>;
  }

  monitor(cb: (ev: RtnlEvent) => void): RtnlSubscription {
    this.monitors.add(cb);
    return { close: () => this.monitors.delete(cb) };
  }

  /** A link appears or changes (a VMAC the data plane created, set up …), announced to monitors. */
  putLink(link: LinkInfo): void {
    const i = this.links.findIndex((l) => l.ifindex === link.ifindex);
    if (i >= 0) this.links[i] = link;
    else this.links.push(link);
    this.emit({ type: 'link', deleted: false, ...link });
  }

  /** A link goes, with its addresses. */
  dropLink(ifindex: number): void {
    const i = this.links.findIndex((l) => l.ifindex === ifindex);
    if (i < 0) return;
    const [link] = this.links.splice(i, 1);
    this.addrs = this.addrs.filter((a) => a.ifindex !== ifindex);
    this.emit({ type: 'link', deleted: true, ...link! });
  }

  /** The links now. */
  get linkList(): readonly LinkInfo[] {
    return this.links;
  }

  /** The addresses now. */
  get addrList(): readonly AddrInfo[] {
    return this.addrs;
  }

  /** The carrier of `name` comes or goes (a link notification). */
  setRunning(name: string, running: boolean): void {
    const i = this.links.findIndex((l) => l.name === name);
    if (i < 0) throw new Error(`no link ${name}`);
    const link = fakeLink(this.links[i]!.ifindex, name, running);
    this.links[i] = link;
    this.emit({ type: 'link', deleted: false, ...link });
  }

  close(): void {
    this.closed = true;
    this.monitors.clear();
  }

  private emit(ev: RtnlEvent): void {
    for (const cb of this.monitors) cb(ev);
  }

  private change(op: 'add' | 'delete', spec: AddrSpec): Promise<AddAddressOutcome | DeleteAddressOutcome> {
    const address = typeof spec.address === 'string' ? spec.address : formatIp(spec.address);
    this.requests.push({ atMs: this.clock.nowMs(), op, text: `${op} ${address}/${spec.prefixLen} dev ${spec.ifindex}` });
    const apply = (): AddAddressOutcome | DeleteAddressOutcome => {
      const i = this.addrs.findIndex((a) => a.ifindex === spec.ifindex && a.address === address);
      if (op === 'add') {
        if (i >= 0) return 'exists';
        const info = fakeAddr(spec.ifindex, `${address}/${spec.prefixLen}`);
        this.addrs.push(info);
        this.emit({ type: 'addr', deleted: false, ...info });
        return 'added';
      }
      if (i < 0) return 'absent';
      const [info] = this.addrs.splice(i, 1);
      this.emit({ type: 'addr', deleted: true, ...info! });
      return 'deleted';
    };
    if (this.latencyMs <= 0) return Promise.resolve(apply());
    this.inFlight++;
    return new Promise((resolve) =>
      this.clock.setTimer(this.clock.nowMs() + this.latencyMs, () => {
        this.inFlight--;
        resolve(apply());
      }),
    );
  }
}

/** What a fake VRRP socket sent: a copy of the bytes (the advert template is rewritten in place). */
export interface SentAdvert {
  readonly atMs: number;
  readonly bytes: Uint8Array;
  readonly dst: Uint8Array;
}

export class FakeVrrpSocket implements VrrpSocketPort {
  readonly ifname: string;
  readonly family: Family;
  readonly stats = { rxDatagrams: 0 };
  readonly sent: SentAdvert[] = [];
  closed = false;
  private handler: ((d: RawVrrpDatagram) => void) | null = null;

  constructor(
    readonly spec: VrrpSocketSpec,
    private readonly clock: Clock,
    /** Called on every send (the simulation puts it on the segment). */
    private readonly onSend?: (s: SentAdvert) => void,
  ) {
    this.ifname = spec.ifname;
    this.family = spec.family;
  }

  sendV4(packet: Uint8Array, dst: Uint8Array): boolean {
    return this.record(packet, dst);
  }

  sendV6(payload: Uint8Array, dst: Uint8Array): boolean {
    return this.record(payload, dst);
  }

  onDatagram(cb: (d: RawVrrpDatagram) => void): void {
    this.handler = cb;
  }

  onError(): void {}

  /** A datagram arrives (ignored once closed, as the kernel would drop it). */
  deliver(d: RawVrrpDatagram): void {
    if (this.closed || !this.handler) return;
    this.stats.rxDatagrams++;
    this.handler(d);
  }

  close(): void {
    this.closed = true;
  }

  private record(bytes: Uint8Array, dst: Uint8Array): boolean {
    if (this.closed) return false;
    const s = { atMs: this.clock.nowMs(), bytes: bytes.slice(), dst: dst.slice() };
    this.sent.push(s);
    this.onSend?.(s);
    return true;
  }
}

/** One GARP / NA: when, on which interface, for which address. */
export interface Announcement {
  readonly atMs: number;
  readonly ifname: string;
  readonly address: string;
}

export interface FakeVrrpWorldOptions {
  readonly clock: Clock;
  readonly config: KeepalivedConfig;
  readonly links: readonly LinkInfo[];
  readonly addrs: readonly AddrInfo[];
  readonly rtnlLatencyMs?: number;
  readonly onSend?: (socket: FakeVrrpSocket, s: SentAdvert) => void;
  readonly onAnnounce?: (a: Announcement) => void;
  readonly onTransition?: (t: InstanceTransition) => void;
  /** How long a fake vrrp_script run lasts (default 10 ms). */
  readonly scriptRunMs?: number;
}

/** The fake world of one VRRP child: VrrpChildDeps over fakes, and what they recorded. */
export class FakeVrrpWorld {
  /** What the config reader returns (replace it, then reload). */
  config: KeepalivedConfig;
  readonly rtnl: FakeRtnl;
  readonly sockets: FakeVrrpSocket[] = [];
  readonly announcements: Announcement[] = [];
  readonly transitions: InstanceTransition[] = [];
  /** argv of every script run, joined. */
  readonly scripts: string[] = [];
  /** Scripts and FIFO/mail events in the order they happened: `run ARGV as UID:GID`, `fifo …`. */
  readonly events: string[] = [];
  /** notify FIFO / mail events: `NAME STATE PRIORITY`, `GROUP NAME STATE` for a sync group. */
  readonly effects: string[] = [];
  readonly dumps = new Map<string, string>();
  /** vrrp_script runs, track files and processes (set their behaviour, write files, start/stop processes). */
  readonly trackers: FakeTrackerIo;
  /** What `file:` auth_hmac keys read (path → content). */
  readonly keyFiles = new Map<string, string>();
  /** The script checks' view of files and accounts; default: every configured script exists, root-owned (scriptHostFor). */
  scriptHost: ScriptHost | undefined;
  readonly deps: VrrpChildDeps;
  /** VMAC links, nf_tables, /proc/sys and the state file (fake-data-plane.ts). */
  readonly plane: FakeDataPlane;
  /** Routes and rules in the fake kernel (fake-routes.ts). */
  readonly routes = new FakeRoutes();

  constructor(opts: FakeVrrpWorldOptions) {
    const clock = opts.clock;
    this.config = opts.config;
    this.rtnl = new FakeRtnl(opts.links, opts.addrs, clock, opts.rtnlLatencyMs ?? 0);
    this.trackers = new FakeTrackerIo(clock, opts.scriptRunMs);
    const scripts: ScriptRunner = {
      run: (argv, o) => {
        this.scripts.push(argv.join(' '));
        this.events.push(`run ${argv.join(' ')} as ${o?.uid ?? 0}:${o?.gid ?? 0}`);
        return Promise.resolve(0);
      },
    };
    const effect = (line: string): void => {
      this.effects.push(line);
      this.events.push(`fifo ${line}`);
    };
    this.plane = new FakeDataPlane(this.rtnl);
    const garp = (ifname: string): GarpSenderPort => {
      const record = (bytes: Uint8Array): void => {
        const a = { atMs: clock.nowMs(), ifname, address: formatIp(bytes) };
        this.announcements.push(a);
        opts.onAnnounce?.(a);
      };
      return { sendGarp: record, sendNa: record, close: () => undefined };
    };
    this.deps = {
      clock,
      loadConfig: () => this.config,
      openRtnl: () => this.rtnl,
      routing: this.routes.deps,
      openSocket: (spec) => {
        const s: FakeVrrpSocket = new FakeVrrpSocket(spec, clock, (sent) => opts.onSend?.(s, sent));
        this.sockets.push(s);
        return s;
      },
      readKeyFile: (path) => {
        const text = this.keyFiles.get(path);
        if (text === undefined) throw new Error(`ENOENT: ${path}`);
        return text;
      },
      openGarpSender: garp,
      scripts,
      trackers: this.trackers,
      scriptHost: () => this.scriptHost ?? scriptHostFor(this.config),
      openEffects: () =>
        Promise.resolve({
          instance: (inst, state, priority) => effect(`${inst.name} ${state} ${priority}`),
          instanceEvent: (name, state, priority) => effect(`${name} ${state} ${priority}`),
          group: (grp, state) => effect(`GROUP ${grp.name} ${state}`),
          stopScripts: () => undefined,
          close: () => undefined,
        }),
      writeDump: (file, text) => void this.dumps.set(file.name, text),
      dataPlane: this.plane.deps,
      onTransition: (t) => {
        this.transitions.push(t);
        opts.onTransition?.(t);
      },
    };
  }

  /** The socket on `ifname` for `family`: the open one, else the last one closed. */
  socket(ifname: string, family: Family = 4): FakeVrrpSocket {
    const all = this.sockets.filter((x) => x.ifname === ifname && x.family === family);
    const s = all.find((x) => !x.closed) ?? all.at(-1);
    if (!s) throw new Error(`no VRRP socket on ${ifname} (IPv${family})`);
    return s;
  }
}
