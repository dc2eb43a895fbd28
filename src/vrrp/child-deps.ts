/**
 * The VRRP child's seam: everything VrrpDaemon (daemon.ts) gets from the outside world —
 * clock, rtnetlink, VRRP sockets, GARP/NA senders, script runner and script checks, tracker I/O
 * (vrrp_script processes, track files, process events), notify FIFOs and mail, dump files, the
 * config reader, and the data plane's links, nf_tables and sysctls. Types only: daemon.ts wires the real ones. Unit tests and the seeded
 * simulation (test-kit/sim-net.ts) wire fakes (test-kit/fake-vrrp-io.ts), so the whole child
 * runs without root, on a fake clock, from a datagram to an address request.
 */
import type { Clock } from '../core/clock.js';
import type { Family } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import type { CliOptions } from '../process/options.js';
import type { GlobalDefs, KeepalivedConfig } from '../config/model.js';
import type { RtnlClient, RtnlLinkClient, RtnlRouteClient } from '../netlink/rtnl-client.js';
import type { NftTransport } from '../netlink/nft-firewall.js';
import type { Result } from '../core/result.js';
import type { ScriptRunner } from '../notify/runner.js';
import type { ScriptHost } from '../notify/script-pass.js';
import type { FifoPlan } from '../notify/script-plan.js';
import type { VrrpEffectsPort } from '../notify/vrrp-notifier.js';
import type { TransitionReason, VrrpState } from './fsm-types.js';
import type { GarpPort } from './garp-pacing.js';
import type { AdvertSender } from './instance-advert.js';
import type { TrackerIo } from './trackers/tracker-set.js';
import type { RawVrrpDatagram } from './types.js';

/** What the daemon asks for when it opens a VRRP socket (one per interface and family). */
export interface VrrpSocketSpec {
  readonly ifname: string;
  readonly family: Family;
  /** The multicast group (mcast_dst_ip or 224.0.0.18 / ff02::12). */
  readonly group: string;
  readonly join: boolean;
  /** IPv6 unicast hop limit (unicast_ttl). */
  readonly unicastTtl?: number;
  /** IPv4 only: the protocol to receive, 112 (default) or 51 for `auth_type AH` instances. */
  readonly protocol?: 112 | 51;
  /** IPv6 unicast: the advert source the send socket is bound to. */
  readonly src6?: string;
}

/** A VRRP socket as the daemon uses it (vrrp-socket.ts VrrpSocket). */
export interface VrrpSocketPort extends AdvertSender {
  readonly ifname: string;
  readonly family: Family;
  readonly stats: { readonly rxDatagrams: number };
  onDatagram(cb: (d: RawVrrpDatagram) => void): void;
  onError(cb: (e: { readonly direction: 'send' | 'receive'; readonly code: string }) => void): void;
  close(): void;
}

/** GARP/NA on one interface (sys/garp-sender.ts). */
export interface GarpSenderPort extends GarpPort {
  close(): void;
}

/** notify_fifo / vrrp_notify_fifo lines and SMTP alerts (notify/vrrp-effects.ts). */
export type { VrrpEffectsPort } from '../notify/vrrp-notifier.js';

/** One state change of one instance, as it happens. */
export interface InstanceTransition {
  readonly name: string;
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: TransitionReason;
  readonly atMs: number;
}

/** /proc/sys/net reads and writes (sys/sysctl.ts); failures carry the errno name. */
export interface SysctlPort {
  read(path: string): Result<string, { readonly code: string; readonly message: string }>;
  write(path: string, value: string): Result<void, { readonly code: string; readonly message: string }>;
}

/**
 * A small text record the VRRP child keeps beside its pid file: the kernel settings it changed
 * and their values before (kernel-settings.ts), so that the child the parent starts after a
 * crash puts them back at stop. null when there is none.
 */
export interface StateFilePort {
  read(): string | null;
  write(text: string): void;
  remove(): void;
}

/** The kernel side of VMACs, strict mode and no_accept (data-plane.ts; docs/data-plane.md). */
export interface DataPlaneDeps {
  /** VMAC/ipvlan links and per-interface settings over rtnetlink. */
  openLinks(): RtnlLinkClient & { close(): void };
  /** nf_tables, opened the first time a VMAC, no_accept or strict mode needs it. */
  openNft(): NftTransport & { close(): void };
  readonly sysctl: SysctlPort;
  readonly stateFile: StateFilePort;
}

/** Routes and rules (routes.ts): their rtnetlink client and the files naming tables, protocols … */
export interface RoutingDeps {
  /** Opened the first time a route or rule is configured. */
  open(): RtnlRouteClient & { close(): void };
  /** The texts of iproute2's file `name` (rt_tables, rt_protos …, or `protocols`), in override order. */
  nameFiles(name: string): readonly string[];
}

/** A dump file: its default name and the path global_defs gives for it (state_dump_file …), if any. */
export interface DumpTarget {
  readonly name: string;
  readonly configured?: string | undefined;
}

export interface VrrpChildDeps {
  readonly clock: Clock;
  /** Reads and compiles the configuration (start and SIGHUP); throws KaError when it cannot run. */
  loadConfig(path: string, options: CliOptions, log: Logger): KeepalivedConfig;
  openRtnl(): RtnlClient;
  readonly routing: RoutingDeps;
  /** Throws (KA_ERR_VRRP_SOCKET) when the socket cannot be opened. */
  openSocket(spec: VrrpSocketSpec): VrrpSocketPort;
  /** A `file:` auth_hmac key's content (keepalived.conf(5) auth_hmac); throws when unreadable. */
  readKeyFile(path: string): string;
  /** Throws when the interface has no usable link layer; the daemon then logs and skips GARPs. */
  openGarpSender(ifname: string): GarpSenderPort;
  readonly scripts: ScriptRunner;
  /** vrrp_script processes, track files, process events (trackers/tracker-io.ts). */
  readonly trackers: TrackerIo;
  /** The files and accounts the script checks look at (a fresh one per load and reload). */
  scriptHost(): ScriptHost;
  /** Opens the FIFOs (as the script pass planned them) and the mailer global_defs asks for. */
  openEffects(globalDefs: GlobalDefs, log: Logger, scripts: ScriptRunner, fifos: readonly FifoPlan[]): Promise<VrrpEffectsPort>;
  /** keepalived.data / keepalived.stats / keepalived.json (SIGUSR1 / SIGUSR2 and STATS_CLEAR / JSON); throws when it cannot. */
  writeDump(file: DumpTarget, text: string): void;
  /** VMACs, nftables and the sysctls around them. */
  readonly dataPlane: DataPlaneDeps;
  /** Sees every state change of every instance (the simulation and tests observe with it). */
  readonly onTransition?: (t: InstanceTransition) => void;
}
