/**
 * The VRRP child (keepalived's Keepalived_vrrp process, keepalived(8)): the composition root.
 * Reads the config, learns the interfaces over rtnetlink, opens one VRRP socket per
 * (interface, family), runs one VrrpInstance per vrrp_instance and wires each to its socket,
 * its VIPs and its notifications; keeps them in step with link changes. SIGHUP reloads keeping
 * the state of unchanged instances; SIGTERM makes every MASTER resign (priority 0) and remove
 * its VIPs (RFC 5798 §6.4.3 "Shutdown"). Everything it touches comes through VrrpChildDeps;
 * realVrrpChildDeps below is the production set.
 */
import { readFileSync } from 'node:fs';
import { KaError, errorMessage } from '../core/errors.js';
import { formatIp, ipBytes } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import type { KeepalivedConfig, NotifyScripts, VrrpInstanceConfig, VrrpSyncGroupConfig } from '../config/model.js';
import { readRunnableConfig } from '../config/read-config.js';
import { realClock } from '../core/real-clock.js';
import { NetlinkRtnlClient, type AddrInfo, type RtnlClient } from '../netlink/rtnl-client.js';
import { notifyInvocations, type NotifyState, type NotifySubject } from '../notify/notify-args.js';
import { createScriptRunner } from '../notify/runner.js';
import { VrrpNotifyEffects } from '../notify/vrrp-effects.js';
import { STATUS_SCHEMA_VERSION, StatusOutbox, type VrrpInstanceStatus } from '../process/status.js';
import { instanceStatus } from './status-snapshot.js';
import { writeDumpFile } from '../sys/dump-file.js';
import { openGarpSender } from '../netlink/garp-sender.js';
import type { ChildContext, ChildHandle, ChildRunner } from '../process/child-api.js';
import type { GarpSenderPort, VrrpChildDeps, VrrpEffectsPort, VrrpSocketPort } from './child-deps.js';
import { instanceTracking, NO_TRACKER_STATES, trackerSnapshots, type DumpSnapshot, type InstanceSnapshot, type SocketSnapshot, type TrackerStates } from './dump-snapshot.js';
import { emptyDropCounters } from './drop-counters.js';
import { DUMP_LOG_LINE, instanceTimerLines, renderDump, type DumpKind } from './signal-dumps.js';
import { fsmParamsFromConfig, type FsmState } from './fsm.js';
import { announceVip } from './garp-pacing.js';
import { advertSource, InstanceAdvert } from './instance-advert.js';
import { VrrpInstance } from './instance.js';
import { InterfaceTable } from './interface-table.js';
import { mcastGroupFor } from './packet.js';
import { SyncGroupDriver } from './sync-group-driver.js';
import { reloadGroups, type SyncGroupNotifyState } from './sync-group.js';
import { startupFaultLines } from './fault-reasons.js';
import { ahSequenceOf, emptySocketReceiveState, receiveDatagram, receiveState, type ReceiveEnv, type SocketReceiveState } from './receive.js';
import { IPPROTO_AH, type AhSequence } from './ipsec-ah.js';
import { resolveHmacSettings, type HmacSettings } from './auth-hmac.js';
import { applyTracking } from './tracking.js';
import { applyVips, diffVipTargets, vipTargets, type VipTarget } from './vip-addresses.js';
import { VrrpRoutes, type InstanceRoutes } from './routes.js';
import { iproute2FileTexts } from '../sys/iproute2-files.js';
import { VrrpSocket } from './vrrp-socket.js';

interface Running {
  readonly cfg: VrrpInstanceConfig;
  readonly inst: VrrpInstance;
  readonly socketKey: string;
  readonly src: Uint8Array;
  /** Its virtual_routes / virtual_rules (routes.ts), if it has any. */
  readonly routes: InstanceRoutes | undefined;
  readonly vipTargets: readonly VipTarget[];
}

interface SocketEntry {
  readonly sock: VrrpSocketPort;
  readonly multicast: boolean;
  /** Receives IP protocol 51 (`auth_type AH` instances). */
  readonly ah: boolean;
  /** Instances on this socket by VRID, and the drops no instance claims. */
  readonly rx: SocketReceiveState<VrrpInstance>;
}

/**
 * keepalived 2.2.7's VRRP process exits about 1 s after SIGTERM (measured: 1032-1041 ms, as
 * master or backup), after its priority-0 adverts and VIP removal. We keep that timing: the
 * resignation happens at once, only the exit waits, so tools that stop a packet capture as
 * soon as the daemon has gone still see the priority-0 advert, as they do with keepalived.
 */
const SHUTDOWN_LINGER_MS = 1000;

/** Identity of an instance across reloads, as keepalived matches them: VRID, family, interface, unicast. */
export function instanceKey(c: VrrpInstanceConfig): string {
  return [c.vrid, c.family, c.interface ?? '', c.unicastPeers.length > 0 ? `u:${c.unicastSrcIp ?? ''}` : `m:${c.mcastDstIp}`].join('|');
}

export class VrrpDaemon {
  private readonly table = new InterfaceTable();
  private readonly sockets = new Map<string, SocketEntry>();
  private readonly garps = new Map<string, GarpSenderPort>();
  private instances = new Map<string, Running>();
  /** vrrp_sync_group by name (sync-group-driver.ts). */
  private groups = new Map<string, SyncGroupDriver>();
  private rtnl: RtnlClient | null = null;
  /** notify FIFOs and SMTP alerts (opened at start, closed at stop). */
  private effects: VrrpEffectsPort | null = null;
  private config: KeepalivedConfig | null = null;
  private stopping = false;
  private readonly outbox = new StatusOutbox();
  private readonly receiveEnv: ReceiveEnv;
  private readonly routes: VrrpRoutes;
  /**
   * Where the runtimes report tracker and group state for the dumps: the sync groups (their
   * drivers) now; the trackers' slots stay empty until their runtime reports here.
   */
  private readonly trackerStates: TrackerStates = {
    ...NO_TRACKER_STATES,
    group: (name) => {
      const g = this.groups.get(name)?.snapshot();
      return g && { state: g.state, membersFault: g.numMemberFault, membersInit: g.numMemberInit };
    },
  };

  constructor(
    private readonly ctx: ChildContext,
    private readonly deps: VrrpChildDeps,
  ) {
    this.receiveEnv = { log: ctx.log, ownAddresses: (ifindex, family) => this.table.addressBytes(ifindex, family), wallMs: () => deps.clock.wallMs() };
    this.routes = new VrrpRoutes(deps.routing, (n) => this.table.linkByName(n)?.ifindex, ctx.log, () => this.stopping && ctx.options.dontReleaseVrrp);
  }

  private get log(): Logger {
    return this.ctx.log;
  }

  async start(): Promise<void> {
    const config = this.loadConfig();
    const rtnl = this.deps.openRtnl();
    this.rtnl = rtnl;
    rtnl.monitor((ev) => {
      const ifindex = this.table.apply(ev);
      if (ifindex === null) void this.resync();
      // Tracking depends on link state only. Address events are frequent (each instance's
      // own VIPs: N of them while N instances start), and re-evaluating every instance on
      // each was O(N²) at start-up (bench/RESULTS.md, scale).
      else if (ev.type === 'link') this.onInterfaceChange();
      else if (ev.type === 'addr' && ev.deleted) this.onAddressDeleted(ev);
    });
    await this.resyncTable();
    this.config = config;
    this.effects = await this.deps.openEffects(config.globalDefs, this.log, this.deps.scripts);
    // static_ipaddress: configured for the daemon's lifetime, independent of any VRRP state.
    await this.applyAddresses('add', this.staticTargets(config));
    await this.routes.start(config);
    const running = config.vrrpInstances.map((c) => this.createRunning(c, undefined));
    // VIPs left by a previous run (crash) are removed before the election (keepalived does too).
    await Promise.all(running.map((r) => this.applyAddresses('delete', r.vipTargets)));
    for (const r of running) this.instances.set(r.cfg.name, r);
    this.groups = this.joinGroups(config, this.instances);
    this.startInstances(running, new Set(this.groups.keys()));
    this.publishStatus();
  }

  handle(): ChildHandle {
    return {
      reload: () => this.reload(),
      shutdown: () => this.shutdown(),
      dumpStats: () => this.writeDump('stats'),
      dumpData: () => this.writeDump('data'),
      requestStatus: () => this.publishStatus(),
      dumpJson: () => this.writeDump('json'),
      clearStats: () => this.writeDump('stats-clear'),
      timerDump: () => instanceTimerLines(this.instanceSnapshots(), this.deps.clock.nowMs()),
    };
  }

  private staticTargets(config: KeepalivedConfig): VipTarget[] {
    return config.staticIpAddresses.map((spec) => ({ spec, ifname: spec.dev ?? config.globalDefs.defaultInterface }));
  }

  private loadConfig(): KeepalivedConfig {
    return this.deps.loadConfig(this.ctx.configPath, this.ctx.options, this.log);
  }

  private applyAddresses(op: 'add' | 'delete', targets: readonly VipTarget[], log: Logger = this.log): Promise<void> {
    const rtnl = this.rtnl;
    if (!rtnl || targets.length === 0) return Promise.resolve();
    return applyVips(op, targets, rtnl, (n) => this.table.linkByName(n)?.ifindex, log);
  }

  private async resyncTable(): Promise<void> {
    const rtnl = this.rtnl;
    if (!rtnl) return;
    const [links, addrs] = await Promise.all([rtnl.listLinks(), rtnl.listAddresses()]);
    this.table.reset(links, addrs);
  }

  private async resync(): Promise<void> {
    this.log.warn('Netlink: receive buffer overrun - resynchronising interfaces');
    await this.resyncTable();
    for (const r of this.instances.values()) this.updateTracking(r);
  }

  /** `ahSequence`: a reloaded AH instance keeps its sequence state, as keepalived does. */
  private createRunning(cfg: VrrpInstanceConfig, resumed: FsmState | undefined, ahSequence?: AhSequence, previousRoutes?: InstanceRoutes): Running {
    const ifname = cfg.interface;
    if (ifname === undefined) {
      // keepalived 2.2.7 refuses it too, unicast or not (default_interface does not help): the daemon stops.
      this.log.error(`(${cfg.name}) Unknown interface!`);
      throw new KaError('KA_ERR_VRRP_CONFIG', `(${cfg.name}) Unknown interface!`);
    }
    const link = this.table.linkByName(ifname);
    if (!link) {
      this.log.error(`WARNING - interface ${ifname} for vrrp_instance ${cfg.name} doesn't exist`);
      throw new KaError('KA_ERR_VRRP_CONFIG', 'Non-existent interface specified in configuration');
    }
    const vips = vipTargets(cfg);
    const src = advertSource(cfg, vips, this.table, link.ifindex);
    const srcBytes = src ?? new Uint8Array(cfg.family === 4 ? 4 : 16);
    if (!src) this.log.warn(`(${cfg.name}) no ${cfg.family === 4 ? 'IPv4' : 'IPv6 link-local'} address on ${ifname} to send adverts from`);
    // keepalived opens one socket per protocol too: AH instances receive only IP protocol 51.
    const ah = cfg.family === 4 && cfg.version === 2 && cfg.auth?.type === 'AH';
    // IPv6 unicast adverts leave from the advert source (the socket is bound to it): left to the
    // kernel, a VIP in the same prefix would be picked once added, and the peer's pseudo-header
    // checksum would fail. keepalived keeps one socket per unicast source too.
    const src6 = cfg.family === 6 && cfg.unicastPeers.length > 0 && src ? formatIp(src) : undefined;
    const socketKey = `${ifname}|${cfg.family}${ah ? '|ah' : ''}${src6 !== undefined ? `|${src6}` : ''}`;
    const entry = this.socketFor(socketKey, ifname, cfg, ah, src6);
    const authExt = this.authExtOf(cfg);
    const receive = receiveState(cfg, link.ifindex, { ...(ahSequence ? { ahSequence } : {}), ...(authExt ? { authExt } : {}) });
    const advert = new InstanceAdvert(cfg, srcBytes, { ahSequence: ahSequenceOf(receive), authExt });
    const log = this.log.child({ instance: cfg.name, vrid: cfg.vrid });
    const garpOf = (n: string): GarpSenderPort | undefined => this.garpFor(n);
    const routes = this.routes.portFor(cfg, log, () => inst.trackedDeleted(), previousRoutes);
    const inst: VrrpInstance = new VrrpInstance(
      { params: fsmParamsFromConfig(cfg, srcBytes), garp: cfg.garp, vips, receive },
      {
        clock: this.deps.clock,
        log,
        sendAdvert: (priority) => advert.send(entry.sock, priority, this.deps.clock.wallMs()),
        addVips: () => this.applyAddresses('add', vips, log),
        // -V/--dont-release-vrrp: leave the VIPs in place when the daemon stops.
        removeVips: () => (this.stopping && this.ctx.options.dontReleaseVrrp ? Promise.resolve() : this.applyAddresses('delete', vips, log)),
        announce: (vip) => announceVip(vip, garpOf, log, cfg.name),
        transitioned: (from, to, reason, atMs) => this.deps.onTransition?.({ name: cfg.name, from, to, reason, atMs }),
        notify: (state, priority) => {
          this.runNotifyScripts(cfg.notify, 'INSTANCE', cfg.name, state, priority);
          this.effects?.instance(cfg, state, priority);
          this.publishStatus(cfg.name);
        },
        ...(routes ? { routes } : {}),
      },
      resumed,
    );
    const list = entry.rx.byVrid.get(cfg.vrid) ?? [];
    list.push(inst);
    entry.rx.byVrid.set(cfg.vrid, list);
    if (!src) inst.setFault('no-source-address', true);
    return { cfg, inst, socketKey, src: srcBytes, routes, vipTargets: vips };
  }

  /** The instance's auth_hmac with its keys read (`file:` through the seam); unusable keys are logged. */
  private authExtOf(cfg: VrrpInstanceConfig): HmacSettings | null {
    const spec = cfg.authHmac;
    if (!spec) return null;
    const { settings, problems } = resolveHmacSettings(spec, { advertIntCs: cfg.advertIntCs, strict: cfg.strict, name: cfg.name }, (p) => this.deps.readKeyFile(p));
    for (const p of problems) this.log.error(p);
    return settings;
  }

  /**
   * Start-up of `list` (all instances, or those a reload starts): tracking first, then the
   * faults found logged for every instance, then each sync group in `groupsToStart` as a whole
   * (sync-group.ts startGroup) and each other instance alone — keepalived 2.2.7's order.
   */
  private startInstances(list: readonly Running[], groupsToStart: ReadonlySet<string>): void {
    for (const r of list) this.updateTracking(r);
    for (const r of list) {
      for (const line of startupFaultLines(r.cfg, r.inst.state.faultSources)) this.log.info(line);
    }
    const started = new Set<string>();
    for (const r of list) {
      const group = this.groupOf(r.cfg.name);
      if (group === undefined) r.inst.start();
      else if (groupsToStart.has(group.name) && !started.has(group.name)) {
        started.add(group.name);
        group.start();
      }
    }
  }

  private groupOf(instance: string): SyncGroupDriver | undefined {
    for (const g of this.groups.values()) if (g.cfg.members.includes(instance)) return g;
    return undefined;
  }

  /** One driver per vrrp_sync_group over its running members. */
  private joinGroups(config: KeepalivedConfig, instances: ReadonlyMap<string, Running>): Map<string, SyncGroupDriver> {
    const out = new Map<string, SyncGroupDriver>();
    for (const g of config.vrrpSyncGroups) {
      const members = g.members.flatMap((n) => {
        const r = instances.get(n);
        return r ? [r.inst] : [];
      });
      out.set(g.name, new SyncGroupDriver(g, members, { log: this.log, notify: (state) => this.notifyGroup(g, state) }));
    }
    return out;
  }

  private notifyGroup(g: VrrpSyncGroupConfig, state: SyncGroupNotifyState): void {
    this.runNotifyScripts(g.notify, 'GROUP', g.name, state, 0);
    this.effects?.group(g, state);
  }

  /** Specific script, then the generic `notify` (notify-args.ts), for an instance or a group. */
  private runNotifyScripts(scripts: NotifyScripts, subject: NotifySubject, name: string, state: NotifyState, priority: number): void {
    for (const inv of notifyInvocations(scripts, subject, name, state, priority)) void this.deps.scripts.run(inv.argv);
  }

  private socketFor(key: string, ifname: string, cfg: VrrpInstanceConfig, ah: boolean, src6?: string): SocketEntry {
    const existing = this.sockets.get(key);
    if (existing) return existing;
    const multicast = cfg.unicastPeers.length === 0;
    const sock = this.deps.openSocket({
      ifname,
      family: cfg.family,
      group: cfg.mcastDstIp,
      join: true,
      ...(cfg.unicastTtl !== undefined && cfg.family === 6 ? { unicastTtl: cfg.unicastTtl } : {}),
      ...(ah ? { protocol: IPPROTO_AH } : {}),
      ...(src6 !== undefined ? { src6 } : {}),
    });
    const entry: SocketEntry = { sock, multicast, ah, rx: emptySocketReceiveState(multicast ? ipBytes(cfg.mcastDstIp) : mcastGroupFor(cfg.family)) };
    sock.onDatagram((d) => receiveDatagram(entry.rx, d, this.receiveEnv));
    sock.onError((e) => this.log.debug(`VRRP socket ${ifname}: ${e.direction} error ${e.code}`));
    this.sockets.set(key, entry);
    return entry;
  }

  private garpFor(ifname: string): GarpSenderPort | undefined {
    let g = this.garps.get(ifname);
    if (!g) {
      try {
        g = this.deps.openGarpSender(ifname);
        this.garps.set(ifname, g);
      } catch (e) {
        this.log.warn(`Cannot send gratuitous ARP/NA on ${ifname}: ${errorMessage(e)}`);
        return undefined;
      }
    }
    return g;
  }

  private updateTracking(r: Running): void {
    applyTracking(r.cfg, r.inst, (name) => this.table.linkByName(name)?.running === true);
    if (this.instances.get(r.cfg.name) === r) this.publishStatus(r.cfg.name);
  }

  /**
   * A VIP of a MASTER deleted by another program (not one of ours: a MASTER removes none):
   * unless the line says no_track, the instance resigns and takes it back, as keepalived 2.2.7.
   */
  private onAddressDeleted(ev: AddrInfo): void {
    if (this.stopping) return;
    for (const r of this.instances.values()) {
      if (r.inst.state.state !== 'MASTER') continue;
      const vip = r.vipTargets.find((t) => t.spec.noTrack !== true && t.spec.address === ev.address && this.table.linkByName(t.ifname)?.ifindex === ev.ifindex);
      if (!vip) continue;
      this.log.info(`Netlink reflector reports IP ${ev.address} removed from ${vip.ifname}`);
      r.inst.trackedDeleted();
    }
  }

  private onInterfaceChange(): void {
    if (this.stopping) return;
    for (const r of this.instances.values()) this.updateTracking(r);
  }

  /**
   * Coalesced to one message per event-loop turn, carrying only the instances that changed
   * (src/process/status.ts): instances change state together (start-up, a link going down)
   * or one after the other (a failover staggered by priority), and a full list per change
   * was O(N²) in IPC traffic at 1000 instances (bench/RESULTS.md, scale). No name: all.
   */
  private publishStatus(name?: string): void {
    const schedule = name === undefined ? this.outbox.markFull() : this.outbox.markChanged(name);
    if (schedule) this.deps.clock.setTimer(this.deps.clock.nowMs(), () => this.sendStatus());
  }

  private sendStatus(): void {
    const t = this.outbox.take();
    const nowMs = this.deps.clock.nowMs();
    const wallMs = this.deps.clock.wallMs();
    const removed = [...t.removed];
    const instances: VrrpInstanceStatus[] = [];
    const add = (r: Running): void => void instances.push(this.statusOf(r, nowMs, wallMs));
    if (t.full) for (const r of this.instances.values()) add(r);
    for (const name of t.full ? [] : t.changed) {
      const r = this.instances.get(name);
      if (r) add(r);
      else removed.push(name);
    }
    this.ctx.ipc.send({ type: 'status', update: { schema: STATUS_SCHEMA_VERSION, seq: t.seq, full: t.full, instances, removedInstances: removed, virtualServers: [], removedVirtualServers: [] } });
  }

  private statusOf(r: Running, nowMs: number, wallMs: number): VrrpInstanceStatus {
    const syncGroup = this.config?.vrrpSyncGroups.find((g) => g.members.includes(r.cfg.name))?.name ?? null;
    return instanceStatus({
      cfg: r.cfg,
      fsm: r.inst.state,
      src: r.src,
      vips: r.vipTargets.map((v) => ({ address: v.spec.address, prefixLen: v.spec.prefixLen, ifname: v.ifname })),
      syncGroup,
      linkUp: (n) => this.table.linkByName(n)?.running,
      nowMs,
      wallMs,
    });
  }

  private async reload(): Promise<void> {
    this.log.info('Reloading');
    let config: KeepalivedConfig;
    try {
      config = this.loadConfig();
    } catch (e) {
      this.log.error(`Reload failed, keeping the running configuration: ${errorMessage(e)}`);
      return;
    }
    const oldByKey = new Map([...this.instances.values()].map((r) => [instanceKey(r.cfg), r]));
    const restartGroups = reloadGroups(config, (cfg) => {
      const old = oldByKey.get(instanceKey(cfg));
      return old ? old.inst.state : undefined;
    });
    const next = new Map<string, Running>();
    const started: Running[] = [];
    const resumed: Running[] = [];
    /** Addresses of members a sync group starts again, as the old config had them. */
    const restartedVips: VipTarget[] = [];
    for (const cfg of config.vrrpInstances) {
      const old = oldByKey.get(instanceKey(cfg));
      if (old) oldByKey.delete(instanceKey(cfg));
      if (old && restartGroups.members.has(cfg.name)) {
        // Its sync group starts again: back through INIT, its addresses removed without a word.
        this.unregister(old);
        old.inst.detach();
        restartedVips.push(...old.vipTargets);
        void old.routes?.release();
        const r = this.createRunning(cfg, undefined);
        next.set(cfg.name, r);
        started.push(r);
      } else if (old) {
        this.unregister(old);
        const state = old.inst.detach();
        const r = this.createRunning(cfg, state, ahSequenceOf(old.inst.receive) ?? undefined, old.routes);
        r.inst.receive.check.lastMasterSrc = old.inst.receive.check.lastMasterSrc;
        next.set(cfg.name, r);
        if (state.state === 'MASTER') {
          const { gone, added } = diffVipTargets(old.vipTargets, r.vipTargets);
          void r.inst.refreshVips(async () => {
            await this.applyAddresses('delete', gone);
            await this.applyAddresses('add', added);
            await r.routes?.refresh();
          });
        }
        r.inst.resume();
        resumed.push(r);
      } else {
        const r = this.createRunning(cfg, undefined);
        next.set(cfg.name, r);
        started.push(r);
      }
    }
    // Joined before anything is awaited: resumed members keep running meanwhile.
    this.groups = this.joinGroups(config, next);
    for (const [name, state] of restartGroups.kept) this.groups.get(name)?.keep(state);
    for (const r of resumed) this.updateTracking(r);
    // Instances gone from the config leave like at shutdown: priority 0 if master, VIPs removed.
    await Promise.all(
      [...oldByKey.values()].map(async (r) => {
        this.unregister(r);
        await r.inst.shutdown();
      }),
    );
    this.instances = next;
    const statics = diffVipTargets(this.config ? this.staticTargets(this.config) : [], this.staticTargets(config));
    await this.applyAddresses('delete', statics.gone);
    await this.applyAddresses('add', statics.added);
    await this.routes.reload(config);
    this.config = config;
    await Promise.all([...started.map((r) => this.applyAddresses('delete', r.vipTargets)), this.applyAddresses('delete', restartedVips)]);
    this.startInstances(started, restartGroups.started);
    this.closeUnusedSockets();
    this.publishStatus();
    this.log.info('Reload complete');
  }

  private unregister(r: Running): void {
    const entry = this.sockets.get(r.socketKey);
    const list = entry?.rx.byVrid.get(r.cfg.vrid);
    if (!entry || !list) return;
    const rest = list.filter((x) => x !== r.inst);
    if (rest.length > 0) entry.rx.byVrid.set(r.cfg.vrid, rest);
    else entry.rx.byVrid.delete(r.cfg.vrid);
  }

  private closeUnusedSockets(): void {
    for (const [key, entry] of this.sockets) {
      if (entry.rx.byVrid.size === 0) {
        entry.sock.close();
        this.sockets.delete(key);
      }
    }
  }

  private async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const clock = this.deps.clock;
    const lingerUntil = clock.nowMs() + SHUTDOWN_LINGER_MS;
    await Promise.all([...this.instances.values()].map((r) => r.inst.shutdown()));
    // keepalived notifies each group's STOP after its members' (keepalived.conf(5) notify_stop).
    await Promise.all([...this.groups.values()].map((g) => g.stopped()));
    if (this.config && !this.ctx.options.dontReleaseVrrp) await this.applyAddresses('delete', this.staticTargets(this.config));
    await this.routes.stop();
    for (const e of this.sockets.values()) e.sock.close();
    this.sockets.clear();
    for (const g of this.garps.values()) g.close();
    this.garps.clear();
    this.rtnl?.close();
    this.rtnl = null;
    if (lingerUntil > clock.nowMs()) await new Promise<void>((resolve) => clock.setTimer(lingerUntil, resolve));
    // After the linger, so STOP mails already in flight can finish.
    this.effects?.close();
    this.effects = null;
  }

  private instanceSnapshots(): InstanceSnapshot[] {
    const config = this.config;
    return [...this.instances.values()].map((r): InstanceSnapshot => {
      const group = config?.vrrpSyncGroups.find((g) => g.members.includes(r.cfg.name))?.name;
      const tracking = this.trackerStates.tracking?.(r.cfg) ?? instanceTracking(r.cfg, config ?? { vrrpScripts: [], trackFiles: [], trackProcesses: [] });
      return { cfg: r.cfg, fsm: r.inst.state, srcIp: r.src, drops: r.inst.receive.drops, tracking, ...(group !== undefined ? { syncGroup: group } : {}) };
    });
  }

  private snapshot(config: KeepalivedConfig): DumpSnapshot {
    const instances = this.instanceSnapshots();
    const sockets = [...this.sockets.values()].map(
      (e): SocketSnapshot => ({
        ifname: e.sock.ifname,
        family: e.sock.family,
        group: e.multicast ? formatIp(e.rx.group) : null,
        instances: [...e.rx.byVrid.values()].flat().map((i) => ({ name: i.params.name, vrid: i.params.vrid })),
        ...(e.ah ? { protocol: 'AH' as const } : {}),
        rxDatagrams: e.sock.stats.rxDatagrams,
        drops: e.rx.drops,
      }),
    );
    return {
      globalDefs: config.globalDefs,
      // Scripts run as the daemon's user today (notify-args.ts): that is what the dumps show.
      scriptIds: { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 },
      clock: { nowMs: this.deps.clock.nowMs(), wallMs: this.deps.clock.wallMs() },
      instances,
      sockets,
      interfaces: this.table.allLinks().map((link) => ({ link, addrs: this.table.addresses(link.ifindex) })),
      ...trackerSnapshots({ config, instances, states: this.trackerStates }),
    };
  }

  /** SIGUSR1, SIGUSR2, STATS_CLEAR (the stats, then every counter back to zero), JSON. Never throws. */
  private writeDump(kind: DumpKind): void {
    this.log.info(`${DUMP_LOG_LINE[kind]} for process(${process.pid}) on signal`);
    const config = this.config;
    if (!config) return;
    try {
      const out = renderDump(kind, this.snapshot(config));
      if (out) this.deps.writeDump(out.target, out.text);
    } catch (e) {
      this.log.error(`Cannot write the VRRP ${kind} dump: ${errorMessage(e)}`);
      return;
    }
    if (kind === 'stats-clear') {
      for (const r of this.instances.values()) r.inst.clearStats();
      for (const e of this.sockets.values()) e.rx.drops = emptyDropCounters();
    }
  }
}

/** The real world: netlink, raw sockets, AF_PACKET, child processes, performance.now(). */
export function realVrrpChildDeps(log: Logger): VrrpChildDeps {
  return {
    clock: realClock,
    loadConfig: readRunnableConfig,
    openRtnl: () => NetlinkRtnlClient.open(),
    routing: { open: () => NetlinkRtnlClient.open(), nameFiles: iproute2FileTexts },
    openSocket: (spec) => VrrpSocket.open(spec),
    readKeyFile: (path) => readFileSync(path, 'utf8'),
    openGarpSender,
    scripts: createScriptRunner(log),
    openEffects: (globalDefs, effectsLog, runner) => VrrpNotifyEffects.open(globalDefs, { log: effectsLog, runner }),
    writeDump: (file, text) => void writeDumpFile(file, text),
  };
}

/** A runner with the seams filled (tests, the simulation); production uses runVrrpChild. */
export function createVrrpChildRunner(deps: (log: Logger) => VrrpChildDeps): ChildRunner {
  return async (ctx) => {
    const d = new VrrpDaemon(ctx, deps(ctx.log));
    await d.start();
    return d.handle();
  };
}

export const runVrrpChild: ChildRunner = createVrrpChildRunner(realVrrpChildDeps);
