/**
 * The VRRP child (keepalived's Keepalived_vrrp process): reads the config, learns the
 * interfaces over rtnetlink, opens one VRRP socket per (interface, family), runs one
 * VrrpInstance per vrrp_instance and keeps them in step with link changes. SIGHUP reloads
 * keeping the state of unchanged instances; SIGTERM makes every MASTER resign (priority 0)
 * and remove its VIPs (RFC 5798 §6.4.3 "Shutdown"; reference §1d, §1f, §1g).
 */
import { KaError, errorMessage } from '../core/errors.js';
import { formatIp } from '../core/ip.js';
import type { Logger } from '../core/logger.js';
import { realClock } from '../core/real-clock.js';
import type { KeepalivedConfig, VrrpInstanceConfig } from '../config/model.js';
import { readRunnableConfig } from '../config/read-config.js';
import { NetlinkRtnlClient, type RtnlClient } from '../netlink/rtnl-client.js';
import { notifyInvocations } from '../notify/notify-args.js';
import { createScriptRunner, type ScriptRunner } from '../notify/runner.js';
import { VrrpNotifyEffects } from '../notify/vrrp-effects.js';
import { openGarpSender, type GarpSender } from '../netlink/garp-sender.js';
import type { ChildContext, ChildHandle, ChildRunner } from '../process/child-api.js';
import { STATUS_SCHEMA_VERSION, StatusOutbox, type VrrpInstanceStatus } from '../process/status.js';
import { instanceStatus } from './status-snapshot.js';
import { checkAdvert, type ReceiveContext } from './advert-check.js';
import { countDrop, emptyDropCounters, type DropCounters } from './drop-counters.js';
import { formatDataDump, formatStatsDump, type InstanceSnapshot, type SocketSnapshot } from './dump.js';
import { DATA_FILE, STATS_FILE, writeDumpFile } from '../sys/dump-file.js';
import { fsmParamsFromConfig, type FsmState } from './fsm.js';
import { VrrpInstance } from './instance.js';
import { advertDestinations, announceVips, applyVips, diffVipTargets, buildTemplate, bytesOf, receiveContext, sendAdvert, vipTargets, type VipTarget } from './instance-io.js';
import { InterfaceTable } from './interface-table.js';
import { decodeIpv4Datagram } from './ip-header.js';
import { decodeAdvert, mcastGroupFor } from './packet.js';
import { evaluateTracking, trackedFaultSources, type TrackingInput } from './tracking.js';
import type { AdvertMeta, DropReason } from './types.js';
import { VrrpSocket, type RawVrrpDatagram } from './vrrp-socket.js';

interface Running {
  readonly cfg: VrrpInstanceConfig;
  readonly inst: VrrpInstance;
  readonly socketKey: string;
  readonly ifindex: number;
  readonly src: Uint8Array;
  readonly vipTargets: readonly VipTarget[];
  /** The receive checks' static context (parsed once, not per advert); own addresses and the last master are filled in per datagram. */
  readonly rxBase: ReceiveContext;
  drops: DropCounters;
  lastMasterSrc: Uint8Array | null;
}

interface SocketEntry {
  readonly sock: VrrpSocket;
  readonly group: Uint8Array;
  readonly multicast: boolean;
  /** Instances on this socket by VRID. */
  readonly byVrid: Map<number, Running[]>;
  drops: DropCounters;
}

/**
 * keepalived 2.2.7's VRRP process exits about 1 s after SIGTERM (measured: 1032-1041 ms, as
 * master or backup), after its priority-0 adverts and VIP removal. We keep that timing: the
 * resignation happens at once, only the exit waits, so tools that stop a packet capture as
 * soon as the daemon has gone still see the priority-0 advert, as they do with keepalived.
 */
const SHUTDOWN_LINGER_MS = 1000;

/** keepalived 2.2.7 (Debian 12) drops adverts whose VIP list differs; keep that behaviour next to it. */
const STRICT_ADDRESS_LIST = true;

/** Identity of an instance across reloads (reference §1d): VRID, family, interface, unicast. */
export function instanceKey(c: VrrpInstanceConfig): string {
  return [c.vrid, c.family, c.interface ?? '', c.unicastPeers.length > 0 ? `u:${c.unicastSrcIp ?? ''}` : `m:${c.mcastDstIp}`].join('|');
}

export class VrrpDaemon {
  private readonly table = new InterfaceTable();
  private readonly sockets = new Map<string, SocketEntry>();
  private readonly garps = new Map<string, GarpSender>();
  private instances = new Map<string, Running>();
  private rtnl: RtnlClient | null = null;
  private readonly runner: ScriptRunner;
  /** notify FIFOs and SMTP alerts (opened at start, closed at stop). */
  private effects: VrrpNotifyEffects | null = null;
  private config: KeepalivedConfig | null = null;
  private stopping = false;
  private readonly outbox = new StatusOutbox();

  constructor(private readonly ctx: ChildContext) {
    this.runner = createScriptRunner(ctx.log);
  }

  private get log(): Logger {
    return this.ctx.log;
  }

  async start(): Promise<void> {
    const config = this.loadConfig();
    const rtnl = NetlinkRtnlClient.open();
    this.rtnl = rtnl;
    rtnl.monitor((ev) => {
      const ifindex = this.table.apply(ev);
      if (ifindex === null) void this.resync();
      // Tracking depends on link state only. Address events are frequent (each instance's
      // own VIPs: N of them while N instances start), and re-evaluating every instance on
      // each was O(N²) at start-up (bench/RESULTS.md, scale).
      else if (ev.type === 'link') this.onInterfaceChange();
    });
    await this.resyncTable();
    this.config = config;
    this.effects = await VrrpNotifyEffects.open(config.globalDefs, { log: this.log, runner: this.runner });
    // static_ipaddress: configured for the daemon's lifetime, independent of any VRRP state.
    await applyVips('add', this.staticTargets(config), rtnl, (n) => this.table.linkByName(n)?.ifindex, this.log);
    const running = config.vrrpInstances.map((c) => this.createRunning(c, undefined));
    // VIPs left by a previous run (crash) are removed before the election (keepalived does too).
    await Promise.all(running.map((r) => applyVips('delete', r.vipTargets, rtnl, (n) => this.table.linkByName(n)?.ifindex, this.log)));
    for (const r of running) this.startRunning(r);
    this.publishStatus();
  }

  handle(): ChildHandle {
    return {
      reload: () => this.reload(),
      shutdown: () => this.shutdown(),
      dumpStats: () => this.writeDump('stats'),
      dumpData: () => this.writeDump('data'),
      requestStatus: () => this.publishStatus(),
    };
  }

  private staticTargets(config: KeepalivedConfig): VipTarget[] {
    return config.staticIpAddresses.map((spec) => ({ spec, ifname: spec.dev ?? config.globalDefs.defaultInterface }));
  }

  private loadConfig(): KeepalivedConfig {
    return readRunnableConfig(this.ctx.configPath, this.ctx.options, this.log);
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

  private createRunning(cfg: VrrpInstanceConfig, resumed: FsmState | undefined): Running {
    const ifname = cfg.interface;
    if (ifname === undefined) throw new KaError('KA_ERR_VRRP_CONFIG', `(${cfg.name}) an instance without 'interface' is not supported yet`);
    const link = this.table.linkByName(ifname);
    if (!link) {
      this.log.error(`WARNING - interface ${ifname} for vrrp_instance ${cfg.name} doesn't exist`);
      throw new KaError('KA_ERR_VRRP_CONFIG', 'Non-existent interface specified in configuration');
    }
    const vips = vipTargets(cfg);
    const configuredSrc = cfg.unicastPeers.length > 0 ? (cfg.unicastSrcIp ?? cfg.mcastSrcIp) : cfg.mcastSrcIp;
    const excluded = vips.map((v) => bytesOf(v.spec.address));
    const src = configuredSrc !== undefined ? bytesOf(configuredSrc) : this.table.primaryAddress(link.ifindex, cfg.family, excluded);
    const srcBytes = src ?? new Uint8Array(cfg.family === 4 ? 4 : 16);
    if (!src) this.log.warn(`(${cfg.name}) no ${cfg.family === 4 ? 'IPv4' : 'IPv6 link-local'} address on ${ifname} to send adverts from`);
    const socketKey = `${ifname}|${cfg.family}`;
    const entry = this.socketFor(socketKey, ifname, cfg);
    const template = buildTemplate(cfg, srcBytes);
    const dsts = advertDestinations(cfg);
    const log = this.log.child({ instance: cfg.name, vrid: cfg.vrid });
    const rtnl = this.rtnl!;
    const ifindexOf = (n: string): number | undefined => this.table.linkByName(n)?.ifindex;
    const inst = new VrrpInstance(
      fsmParamsFromConfig(cfg, srcBytes),
      cfg.garp,
      {
        clock: realClock,
        log,
        sendAdvert: (priority) => sendAdvert(template, cfg, dsts, entry.sock, priority),
        addVips: () => applyVips('add', vips, rtnl, ifindexOf, log),
        // -V/--dont-release-vrrp: leave the VIPs in place when the daemon stops.
        removeVips: () => (this.stopping && this.ctx.options.dontReleaseVrrp ? Promise.resolve() : applyVips('delete', vips, rtnl, ifindexOf, log)),
        sendGarps: (repeat) => this.garpBurst(cfg, vips, repeat, () => inst.state.state === 'MASTER', log),
        notify: (state, priority) => {
          for (const inv of notifyInvocations(cfg.notify, 'INSTANCE', cfg.name, state, priority)) void this.runner.run(inv.argv);
          this.effects?.instance(cfg, state, priority);
          this.publishStatus(cfg.name);
        },
      },
      resumed,
    );
    const running: Running = {
      cfg,
      inst,
      socketKey,
      ifindex: link.ifindex,
      src: srcBytes,
      vipTargets: vips,
      rxBase: receiveContext(cfg, [], null, STRICT_ADDRESS_LIST),
      drops: emptyDropCounters(),
      lastMasterSrc: null,
    };
    const list = entry.byVrid.get(cfg.vrid) ?? [];
    list.push(running);
    entry.byVrid.set(cfg.vrid, list);
    if (!src) inst.setFault('no-source-address', true);
    return running;
  }

  private startRunning(r: Running): void {
    this.instances.set(r.cfg.name, r);
    this.updateTracking(r);
    r.inst.start();
  }

  private socketFor(key: string, ifname: string, cfg: VrrpInstanceConfig): SocketEntry {
    const existing = this.sockets.get(key);
    if (existing) return existing;
    const multicast = cfg.unicastPeers.length === 0;
    const sock = VrrpSocket.open({ ifname, family: cfg.family, group: cfg.mcastDstIp, join: true, ...(cfg.unicastTtl !== undefined && cfg.family === 6 ? { unicastTtl: cfg.unicastTtl } : {}) });
    const entry: SocketEntry = { sock, group: multicast ? bytesOf(cfg.mcastDstIp) : mcastGroupFor(cfg.family), multicast, byVrid: new Map(), drops: emptyDropCounters() };
    sock.onDatagram((d) => this.onDatagram(entry, d));
    sock.onError((e) => this.log.debug(`VRRP socket ${ifname}: ${e.direction} error ${e.code}`));
    this.sockets.set(key, entry);
    return entry;
  }

  /**
   * `repeat` GARPs/NAs per VIP. With vrrp_garp_interval / vrrp_gna_interval the packets of each
   * family are spaced by that gap (keepalived's pacing for switches that rate-limit ARP);
   * pending ones are dropped if the instance is no longer MASTER when their turn comes.
   */
  private garpBurst(cfg: VrrpInstanceConfig, vips: readonly VipTarget[], repeat: number, stillMaster: () => boolean, log: Logger): void {
    const garpOf = (n: string): GarpSender | undefined => this.garpFor(n);
    const { intervalMs, gnaIntervalMs } = cfg.garp;
    if (intervalMs <= 0 && gnaIntervalMs <= 0) {
      for (let i = 0; i < repeat; i++) announceVips(vips, garpOf, log, cfg.name);
      return;
    }
    for (const family of [4, 6] as const) {
      const targets = vips.filter((v) => v.spec.family === family);
      const gapMs = family === 4 ? intervalMs : gnaIntervalMs;
      let k = 0;
      for (let i = 0; i < repeat; i++) {
        for (const t of targets) {
          const delay = gapMs * k++;
          if (delay === 0) announceVips([t], garpOf, log, cfg.name);
          else setTimeout(() => stillMaster() && announceVips([t], garpOf, log, cfg.name), delay);
        }
      }
    }
  }

  private garpFor(ifname: string): GarpSender | undefined {
    let g = this.garps.get(ifname);
    if (!g) {
      try {
        g = openGarpSender(ifname);
        this.garps.set(ifname, g);
      } catch (e) {
        this.log.warn(`Cannot send gratuitous ARP/NA on ${ifname}: ${errorMessage(e)}`);
        return undefined;
      }
    }
    return g;
  }

  private socketDrop(entry: SocketEntry, reason: DropReason, src: Uint8Array | null): void {
    entry.drops = countDrop(entry.drops, reason);
    if (this.log.isEnabled('debug')) this.log.debug(`Dropped VRRP packet${src ? ` from ${formatIp(src)}` : ''}: ${reason}`);
  }

  /**
   * keepalived looks the instance up by the VRID byte before it checks the packet, so a
   * malformed advert for a known VRID counts on that instance (Packet Errors: Length, Invalid
   * Type …); only what names no instance stays on the socket.
   */
  private decodeDrop(entry: SocketEntry, payload: Uint8Array, reason: DropReason, src: Uint8Array): void {
    const targets = payload.length >= 2 ? entry.byVrid.get(payload[1]!) : undefined;
    if (!targets || targets.length === 0) return this.socketDrop(entry, reason, src);
    for (const r of targets) r.drops = countDrop(r.drops, reason);
    if (this.log.isEnabled('debug')) this.log.debug(`Dropped VRRP packet from ${formatIp(src)} for VRID ${payload[1]}: ${reason}`);
  }

  private onDatagram(entry: SocketEntry, d: RawVrrpDatagram): void {
    let payload: Uint8Array;
    let meta: AdvertMeta;
    if (d.family === 4) {
      const ip = decodeIpv4Datagram(d.data);
      if (!ip.ok) return this.socketDrop(entry, ip.reason, d.src);
      payload = ip.value.payload;
      meta = { family: 4, src: ip.value.src, dst: ip.value.dst, ttl: ip.value.ttl, ifindex: d.ifindex };
    } else {
      payload = d.data;
      meta = { family: 6, src: d.src, dst: d.dst ?? entry.group, ttl: d.ttl ?? 0, ifindex: d.ifindex };
    }
    const dec = decodeAdvert(payload, { family: meta.family, src: meta.src, dst: meta.dst, mcastGroup: entry.group });
    if (!dec.ok) return this.decodeDrop(entry, payload, dec.reason, meta.src);
    const candidates = entry.byVrid.get(dec.value.vrid);
    if (!candidates || candidates.length === 0) return this.socketDrop(entry, 'vrid-unknown', meta.src);
    for (const r of candidates) {
      const chk = checkAdvert({ ...r.rxBase, ownAddresses: this.table.addressBytes(r.ifindex, r.cfg.family), lastMasterSrc: r.lastMasterSrc }, dec.value, meta);
      if (!chk.ok) {
        r.drops = countDrop(r.drops, chk.reason);
        if (chk.log) this.log.info(chk.log);
        continue;
      }
      if (chk.value.countedErrors.length > 0) r.drops = countDrop(r.drops, ...chk.value.countedErrors);
      for (const w of chk.value.warnings) this.log.warn(w);
      r.lastMasterSrc = meta.src;
      r.inst.advertReceived(dec.value.priority, dec.value.advertIntCs, meta.src);
    }
  }

  private trackingInput(r: Running): TrackingInput {
    return { basePriority: r.cfg.priority, primaryInterface: r.cfg.interface, dontTrackPrimary: r.cfg.dontTrackPrimary, trackInterfaces: r.cfg.trackInterfaces };
  }

  private updateTracking(r: Running): void {
    const input = this.trackingInput(r);
    const res = evaluateTracking(input, (name) => this.table.linkByName(name)?.running === true);
    for (const src of trackedFaultSources(input)) r.inst.setFault(src, res.faults.includes(src));
    r.inst.setEffectivePriority(res.priority);
    if (this.instances.get(r.cfg.name) === r) this.publishStatus(r.cfg.name);
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
    if (schedule) setImmediate(() => this.sendStatus());
  }

  private sendStatus(): void {
    const t = this.outbox.take();
    const nowMs = realClock.nowMs();
    const wallMs = realClock.wallMs();
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
    const rtnl = this.rtnl!;
    const ifindexOf = (n: string): number | undefined => this.table.linkByName(n)?.ifindex;
    const oldByKey = new Map([...this.instances.values()].map((r) => [instanceKey(r.cfg), r]));
    const next = new Map<string, Running>();
    const started: Running[] = [];
    for (const cfg of config.vrrpInstances) {
      const old = oldByKey.get(instanceKey(cfg));
      if (old) {
        oldByKey.delete(instanceKey(cfg));
        this.unregister(old);
        const state = old.inst.detach();
        const r = this.createRunning(cfg, state);
        r.lastMasterSrc = old.lastMasterSrc;
        next.set(cfg.name, r);
        if (state.state === 'MASTER') {
          const { gone, added } = diffVipTargets(old.vipTargets, r.vipTargets);
          void r.inst.refreshVips(async () => {
            await applyVips('delete', gone, rtnl, ifindexOf, this.log);
            await applyVips('add', added, rtnl, ifindexOf, this.log);
          });
        }
        r.inst.resume();
        this.updateTracking(r);
      } else {
        const r = this.createRunning(cfg, undefined);
        next.set(cfg.name, r);
        started.push(r);
      }
    }
    // Instances gone from the config leave like at shutdown: priority 0 if master, VIPs removed.
    await Promise.all(
      [...oldByKey.values()].map(async (r) => {
        this.unregister(r);
        await r.inst.shutdown();
      }),
    );
    this.instances = next;
    const statics = diffVipTargets(this.config ? this.staticTargets(this.config) : [], this.staticTargets(config));
    await applyVips('delete', statics.gone, rtnl, ifindexOf, this.log);
    await applyVips('add', statics.added, rtnl, ifindexOf, this.log);
    this.config = config;
    await Promise.all(started.map((r) => applyVips('delete', r.vipTargets, rtnl, ifindexOf, this.log)));
    for (const r of started) this.startRunning(r);
    this.closeUnusedSockets();
    this.publishStatus();
    this.log.info('Reload complete');
  }

  private unregister(r: Running): void {
    const entry = this.sockets.get(r.socketKey);
    const list = entry?.byVrid.get(r.cfg.vrid);
    if (!entry || !list) return;
    const rest = list.filter((x) => x !== r);
    if (rest.length > 0) entry.byVrid.set(r.cfg.vrid, rest);
    else entry.byVrid.delete(r.cfg.vrid);
  }

  private closeUnusedSockets(): void {
    for (const [key, entry] of this.sockets) {
      if (entry.byVrid.size === 0) {
        entry.sock.close();
        this.sockets.delete(key);
      }
    }
  }

  private async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const lingerUntil = Date.now() + SHUTDOWN_LINGER_MS;
    await Promise.all([...this.instances.values()].map((r) => r.inst.shutdown()));
    if (this.config && this.rtnl && !this.ctx.options.dontReleaseVrrp) {
      await applyVips('delete', this.staticTargets(this.config), this.rtnl, (n) => this.table.linkByName(n)?.ifindex, this.log);
    }
    for (const e of this.sockets.values()) e.sock.close();
    this.sockets.clear();
    for (const g of this.garps.values()) g.close();
    this.garps.clear();
    this.rtnl?.close();
    this.rtnl = null;
    const rest = lingerUntil - Date.now();
    if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    // After the linger, so STOP mails already in flight can finish.
    this.effects?.close();
    this.effects = null;
  }

  private writeDump(kind: 'stats' | 'data'): void {
    this.log.info(`Printing VRRP ${kind} for process(${process.pid}) on signal`);
    try {
      const instances: InstanceSnapshot[] = [...this.instances.values()].map((r) => {
        const group = this.config?.vrrpSyncGroups.find((g) => g.members.includes(r.cfg.name))?.name;
        return { cfg: r.cfg, fsm: r.inst.state, srcIp: r.src, drops: r.drops, ...(group !== undefined ? { syncGroup: group } : {}) };
      });
      const sockets: SocketSnapshot[] = [...this.sockets.values()].map((e) => ({
        ifname: e.sock.ifname,
        family: e.sock.family,
        group: e.multicast ? formatIp(e.group) : null,
        instances: [...e.byVrid.values()].flat().map((r) => ({ name: r.cfg.name, vrid: r.cfg.vrid })),
        rxDatagrams: e.sock.stats.rxDatagrams,
        drops: e.drops,
      }));
      if (kind === 'stats') writeDumpFile(STATS_FILE, formatStatsDump(instances, sockets));
      else if (this.config) {
        const interfaces = this.table.allLinks().map((link) => ({ link, addrs: this.table.addresses(link.ifindex) }));
        const clock = { nowMs: realClock.nowMs(), wallMs: realClock.wallMs() };
        writeDumpFile(DATA_FILE, formatDataDump({ globalDefs: this.config.globalDefs, instances, sockets, interfaces, clock }));
      }
    } catch (e) {
      this.log.error(`Cannot write the VRRP ${kind} dump: ${errorMessage(e)}`);
    }
  }


}

export const runVrrpChild: ChildRunner = async (ctx) => {
  const d = new VrrpDaemon(ctx);
  await d.start();
  return d.handle();
};
