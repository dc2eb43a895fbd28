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
import type { KeepalivedConfig, VrrpInstanceConfig } from '../config/model.js';
import { runnableSlice } from '../config/slices.js';
import { realClock } from '../core/real-clock.js';
import { NetlinkRtnlClient, type AddrInfo, type RtnlClient } from '../netlink/rtnl-client.js';
import { STATUS_SCHEMA_VERSION, StatusOutbox, type VrrpInstanceStatus } from '../process/status.js';
import { instanceStatus } from './status-snapshot.js';
import { createScriptRunner, DEFAULT_SCRIPT_UMASK } from '../notify/runner.js';
import { realScriptHost } from '../notify/script-host.js';
import { ScriptPass } from '../notify/script-pass.js';
import { planVrrpScripts, type VrrpScriptPlan } from '../notify/script-plan.js';
import { VrrpNotifyEffects } from '../notify/vrrp-effects.js';
import { VrrpNotifier } from '../notify/vrrp-notifier.js';
import { writeDumpFile } from '../sys/dump-file.js';
import { openGarpSender } from '../netlink/garp-sender.js';
import type { ChildConfig, ChildContext, ChildHandle, ChildRunner } from '../process/child-api.js';
import type { CliOptions } from '../process/options.js';
import type { GarpSenderPort, VrrpChildDeps, VrrpEffectsPort, VrrpSocketPort } from './child-deps.js';
import { instanceTracking, trackerSnapshots, type DumpSnapshot, type InstanceSnapshot, type SocketSnapshot, type TrackerStates } from './dump-snapshot.js';
import { emptyDropCounters } from './drop-counters.js';
import { DUMP_LOG_LINE, instanceTimerLines, renderDump, type DumpKind } from './signal-dumps.js';
import { fsmParamsFromConfig, type FsmState } from './fsm.js';
import { announceVip } from './garp-pacing.js';
import { advertSource, InstanceAdvert } from './instance-advert.js';
import { VrrpInstance, type StartOptions } from './instance.js';
import { InterfaceTable } from './interface-table.js';
import { mcastGroupFor } from './packet.js';
import { SyncGroupDriver } from './sync-group-driver.js';
import { reloadGroups } from './sync-group.js';
import { DEFAULT_DROP_LOG_LIMITS, DropLogLimiter } from './drop-log-limit.js';
import { startupFaultLines } from './fault-reasons.js';
import { instancesToResume } from './resume.js';
import { ahSequenceOf, emptySocketReceiveState, receiveDatagram, receiveState, type ReceiveEnv, type SocketReceiveState } from './receive.js';
import { IPPROTO_AH, type AhSequence } from './ipsec-ah.js';
import { resolveHmacSettings, type HmacSettings } from './auth-hmac.js';
import { applyTracking, trackingSpec, type TrackingResult, type TrackingSpec } from './tracking.js';
import { DaemonTrackers } from './daemon-trackers.js';
import type { TrackerKind } from './trackers/tracker-set.js';
import { realTrackerIo } from './trackers/tracker-io.js';
import { applyVips, diffVipTargets, type VipTarget } from './vip-addresses.js';
import { enterMasterSteps, leaveMasterSteps, VrrpDataPlane, type MasterStep } from './data-plane.js';
import { realDataPlaneDeps } from './data-plane-client.js';
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
  /** Its trackers and its sync group's (tracking.ts). */
  readonly spec: TrackingSpec;
  readonly syncGroup: string | undefined;
  /** The last evaluation (the dumps show it). */
  tracking: TrackingResult | null;
  /** Waiting in INIT for unweighted scripts' first result (its own or a sync-group member's). */
  held: boolean;
  /** Its VMAC (data-plane.ts): down ⇒ FAULT, as its interface. */
  readonly tracked: readonly string[];
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
  /** What effects were opened with (FIFO plan, mail settings): reopened at reload when it changes. */
  private effectsKey = '';
  /** The scripts of the running config that may run, and as whom (script-plan.ts). */
  private scriptPlan: VrrpScriptPlan = { track: new Map(), notify: new Map(), fifos: [], defaultIds: { uid: 0, gid: 0 } };
  /** Instance (and sync-group) notifications in keepalived's order. */
  readonly notifier: VrrpNotifier;
  private config: KeepalivedConfig | null = null;
  private stopping = false;
  private readonly outbox = new StatusOutbox();
  private readonly receiveEnv: ReceiveEnv;
  private statusQueued = false;
  private readonly trackers: DaemonTrackers<Running>;
  /** The end of global_defs vrrp_startup_delay (ms), set at start only, as keepalived does. */
  private startDelayUntilMs: number | undefined;
  /** VMACs, strict mode / no_accept firewall, the sysctls around them. */
  private readonly plane: VrrpDataPlane;
  private readonly routes: VrrpRoutes;
  /** Where the runtimes report tracker and group state for the dumps: the trackers and the sync-group drivers. */
  private readonly trackerStates: TrackerStates = {
    script: (name) => this.trackers.states.script(name),
    file: (name) => this.trackers.states.file(name),
    process: (name) => this.trackers.states.process(name),
    group: (name) => {
      const g = this.groups.get(name)?.snapshot();
      return g && { state: g.state, membersFault: g.numMemberFault, membersInit: g.numMemberInit };
    },
  };

  constructor(
    private readonly ctx: ChildContext,
    private readonly deps: VrrpChildDeps,
  ) {
    const clock = deps.clock;
    const limiter: DropLogLimiter = new DropLogLimiter(DEFAULT_DROP_LOG_LIMITS, (atMs) => clock.setTimer(atMs, () => limiter.summaries(clock.nowMs()).forEach((l) => ctx.log.info(l))));
    const dropLog = { limiter, nowMs: () => clock.nowMs() };
    this.receiveEnv = { log: ctx.log, ownAddresses: (ifindex, family) => this.table.addressBytes(ifindex, family), wallMs: () => clock.wallMs(), dropLog };
    this.trackers = new DaemonTrackers<Running>(deps.trackers, { clock: deps.clock, log: ctx.log }, (ifname) => this.table.linkByName(ifname)?.running === true, (kind, followers) => this.onTrackerChange(kind, followers));
    this.notifier = new VrrpNotifier(deps.scripts, () => this.scriptPlan.notify, () => this.effects, () => this.umask());
    this.plane = new VrrpDataPlane({ deps: deps.dataPlane, rtnl: () => this.rtnl, table: this.table, log: ctx.log });
    this.routes = new VrrpRoutes(deps.routing, (n) => this.table.linkByName(n)?.ifindex, ctx.log, () => this.stopping && ctx.options.dontReleaseVrrp);
  }

  private get log(): Logger {
    return this.ctx.log;
  }

  async start(): Promise<void> {
    const config = this.loadConfig(this.ctx.config);
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
    if (await this.plane.start(config)) await this.resyncTable();
    this.config = config;
    this.scriptPlan = this.clearScripts(config);
    await this.openEffects(config);
    // static_ipaddress: configured for the daemon's lifetime, independent of any VRRP state.
    await this.applyAddresses('add', this.staticTargets(config));
    await this.routes.start(config);
    const running = config.vrrpInstances.map((c) => this.createRunning(c, undefined, config));
    const grouped = new Set(config.vrrpSyncGroups.flatMap((g) => g.members));
    const resumed = instancesToResume(config.vrrpInstances, this.ctx.resume, (n) => grouped.has(n), this.deps.clock.wallMs());
    // VIPs left by a previous run (crash) are removed before the election (keepalived does too),
    // except those of an instance that resumes MASTER: they stay up all along.
    await Promise.all(running.filter((r) => !resumed.has(r.cfg.name)).map((r) => this.applyAddresses('delete', r.vipTargets)));
    // Counted from here, with the sockets open: adverts during the delay are heard.
    const delayMs = config.globalDefs.vrrpStartupDelayMs;
    if (delayMs > 0) {
      this.startDelayUntilMs = this.deps.clock.nowMs() + delayMs;
      this.log.info(`Delaying startup for ${delayMs / 1000} seconds`);
    }
    for (const r of running) this.instances.set(r.cfg.name, r);
    this.trackers.load(config, running, this.scriptPlan.track, this.umask(config), false);
    this.groups = this.joinGroups(config, this.instances);
    this.startInstances(running, new Set(this.groups.keys()), resumed);
    this.trackers.start();
    this.publishStatus();
  }

  handle(): ChildHandle {
    return {
      reload: (next) => this.reload(next),
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

  /** The parent's slice (src/config/slices.ts); the seam's reader where a test gives none. */
  private loadConfig(next: ChildConfig | undefined): KeepalivedConfig {
    return next !== undefined ? runnableSlice(next.payload).config : this.deps.loadConfig(this.ctx.configPath, this.ctx.options, this.log);
  }

  /**
   * The script pass of a loaded config (keepalived.conf(5) enable_script_security,
   * script_user): its lines are logged in keepalived's order and only what the plan holds
   * ever runs, as the user it names.
   */
  private clearScripts(config: KeepalivedConfig): VrrpScriptPlan {
    const pass = new ScriptPass(this.deps.scriptHost(), config.globalDefs);
    const plan = planVrrpScripts(config, pass);
    for (const line of pass.log) this.log.info(line);
    const violation = pass.violation('vrrp');
    if (violation !== null) this.log.warn(violation);
    return plan;
  }

  /** The scripts' umask: -u, else global_defs umask, else keepalived's 0177. */
  umask(config: KeepalivedConfig | null = this.config): number {
    return this.ctx.options.umask ?? config?.globalDefs.umask ?? DEFAULT_SCRIPT_UMASK;
  }

  private async openEffects(config: KeepalivedConfig): Promise<void> {
    const key = JSON.stringify([this.scriptPlan.fifos, { ...config.globalDefs, umask: undefined }]);
    if (this.effects && key === this.effectsKey) return;
    this.effects?.close();
    this.effectsKey = key;
    this.effects = await this.deps.openEffects(config.globalDefs, this.log, this.deps.scripts, this.scriptPlan.fifos);
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

  /**
   * What an instance changes in the kernel on becoming MASTER, in order, undone in reverse on
   * leaving it (data-plane.ts MasterStep): the firewall drop rule, then its VIPs. Routes and
   * rules join the list after the VIPs.
   */
  private masterSteps(cfg: VrrpInstanceConfig, vips: readonly VipTarget[], log: Logger): MasterStep[] {
    return [
      this.plane.firewallStep(cfg, vips, log),
      { name: 'vips', enter: () => this.applyAddresses('add', vips, log), leave: () => this.applyAddresses('delete', vips, log) },
    ];
  }

  /** `ahSequence`: a reloaded AH instance keeps its sequence state, as keepalived does. */
  private createRunning(cfg: VrrpInstanceConfig, resumed: FsmState | undefined, config: KeepalivedConfig, ahSequence?: AhSequence, previousRoutes?: InstanceRoutes): Running {
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
    const place = this.plane.placement(cfg);
    const vips = place.vipTargets;
    const src = advertSource(cfg, vips, this.table, link.ifindex);
    const srcBytes = src ?? new Uint8Array(cfg.family === 4 ? 4 : 16);
    if (!src) this.log.warn(`(${cfg.name}) no ${cfg.family === 4 ? 'IPv4' : 'IPv6 link-local'} address on ${ifname} to send adverts from`);
    // keepalived opens one socket per protocol too: AH instances receive only IP protocol 51.
    const ah = cfg.family === 4 && cfg.version === 2 && cfg.auth?.type === 'AH';
    // Adverts from the VMAC; from the base interface when it could not be made (the instance is in FAULT).
    const sockIf = this.table.linkByName(place.advertIfname) ? place.advertIfname : ifname;
    // IPv6 unicast adverts leave from the advert source (the socket is bound to it): left to the
    // kernel, a VIP in the same prefix would be picked once added, and the peer's pseudo-header
    // checksum would fail. keepalived keeps one socket per unicast source too.
    const src6 = cfg.family === 6 && cfg.unicastPeers.length > 0 && src ? formatIp(src) : undefined;
    const socketKey = `${sockIf}|${cfg.family}${ah ? '|ah' : ''}${src6 !== undefined ? `|${src6}` : ''}`;
    const entry = this.socketFor(socketKey, sockIf, cfg, ah, src6);
    const authExt = this.authExtOf(cfg);
    const receive = receiveState(cfg, link.ifindex, { ...(ahSequence ? { ahSequence } : {}), ...(authExt ? { authExt } : {}) });
    const advert = new InstanceAdvert(cfg, srcBytes, { ahSequence: ahSequenceOf(receive), authExt });
    const log = this.log.child({ instance: cfg.name, vrid: cfg.vrid });
    const garpOf = (n: string): GarpSenderPort | undefined => this.garpFor(n);
    const syncGroup = config.vrrpSyncGroups.find((g) => g.members.includes(cfg.name));
    const steps = this.masterSteps(cfg, vips, log);
    const routes = this.routes.portFor(cfg, log, () => inst.trackedDeleted(), previousRoutes);
    const inst: VrrpInstance = new VrrpInstance(
      { params: fsmParamsFromConfig(cfg, srcBytes), garp: cfg.garp, vips, receive },
      {
        clock: this.deps.clock,
        log,
        sendAdvert: (priority) => advert.send(entry.sock, priority, this.deps.clock.wallMs()),
        addVips: () => enterMasterSteps(steps),
        // -V/--dont-release-vrrp: leave the VIPs in place when the daemon stops.
        removeVips: () => (this.stopping && this.ctx.options.dontReleaseVrrp ? Promise.resolve() : leaveMasterSteps(steps)),
        announce: (vip) => announceVip(vip, garpOf, log, cfg.name),
        transitioned: (from, to, reason, atMs) => this.deps.onTransition?.({ name: cfg.name, from, to, reason, atMs }),
        notify: (state, priority) => {
          this.notifier.instance(cfg, state, priority);
          this.publishStatus(cfg.name);
        },
        rxLowerPri: (priority) => this.notifier.rxLowerPri(cfg, priority),
        priorityChanged: (state, priority) => {
          if (cfg.notifyPriorityChanges) this.notifier.priorityChanged(cfg.name, state, priority);
        },
        ...(routes ? { routes } : {}),
      },
      resumed,
    );
    const list = entry.rx.byVrid.get(cfg.vrid) ?? [];
    list.push(inst);
    entry.rx.byVrid.set(cfg.vrid, list);
    if (!src) inst.setFault('no-source-address', true);
    return { cfg, inst, socketKey, src: srcBytes, routes, vipTargets: vips, spec: trackingSpec(cfg, syncGroup, place.tracked), syncGroup: syncGroup?.name, tracking: null, held: false, tracked: place.tracked };
  }

  /** The instance's auth_hmac with its keys read (`file:` through the seam); unusable keys are logged. */
  private authExtOf(cfg: VrrpInstanceConfig): HmacSettings | null {
    const spec = cfg.authHmac;
    if (!spec) return null;
    const { settings, problems } = resolveHmacSettings(spec, { advertIntCs: cfg.advertIntCs, strict: cfg.strict, name: cfg.name }, (p) => this.deps.readKeyFile(p));
    for (const p of problems) this.log.error(p);
    return settings;
  }

  /** The trackers of `config`, indexed to the instances that follow them; script states carried at a reload. */
  private onTrackerChange(kind: TrackerKind, followers: readonly Running[]): void {
    if (this.stopping) return;
    for (const r of followers) this.updateTracking(r);
    if (kind === 'script') this.releaseHeld();
  }

  /**
   * keepalived keeps an instance in INIT while an unweighted script it tracks has not reported,
   * and every member of a sync group while any member waits.
   */
  private waitsForScripts(r: Running): boolean {
    if ((r.tracking?.scriptsInit ?? 0) > 0) return true;
    if (r.syncGroup === undefined) return false;
    return [...this.instances.values()].some((o) => o.syncGroup === r.syncGroup && (o.tracking?.scriptsInit ?? 0) > 0);
  }

  /** How instances start now: vrrp_startup_delay's end is set at start only (the FSM ignores it once past). */
  private startOptions(afterTrackerInit: boolean): StartOptions {
    return { ...(afterTrackerInit ? { afterTrackerInit } : {}), ...(this.startDelayUntilMs === undefined ? {} : { delayUntilMs: this.startDelayUntilMs }) };
  }

  private releaseHeld(): void {
    const groups = new Set<SyncGroupDriver>();
    for (const r of this.instances.values()) {
      if (!r.held || this.waitsForScripts(r)) continue;
      r.held = false;
      const group = this.groupOf(r.cfg.name);
      if (group === undefined) r.inst.start(this.startOptions(true));
      else groups.add(group);
    }
    for (const g of groups) g.start(this.startOptions(true));
  }

  /**
   * Start-up of `list` (all instances, or those a reload starts): tracking first, then the
   * faults found logged for every instance, then each sync group in `groupsToStart` as a whole
   * (sync-group.ts startGroup) and each other instance alone — keepalived 2.2.7's order.
   */
  private startInstances(list: readonly Running[], groupsToStart: ReadonlySet<string>, resumed: ReadonlySet<string> = new Set()): void {
    for (const r of list) this.updateTracking(r);
    for (const r of list) {
      for (const line of startupFaultLines(r.cfg, r.inst.state.faultSources)) this.log.info(line);
    }
    const started = new Set<string>();
    for (const r of list) {
      const group = this.groupOf(r.cfg.name);
      if (group === undefined) {
        // A resumed MASTER keeps its VIPs: it does not wait in INIT for its scripts' first result.
        const resume = resumed.has(r.cfg.name);
        r.held = !resume && this.waitsForScripts(r);
        if (!r.held) r.inst.start({ ...this.startOptions(false), ...(resume ? { resumeMaster: true } : {}) });
      } else if (groupsToStart.has(group.name) && !started.has(group.name)) {
        started.add(group.name);
        // The whole group waits in INIT while any member waits for its scripts.
        const held = this.waitsForScripts(r);
        for (const m of this.instances.values()) if (m.syncGroup === group.name) m.held = held;
        if (!held) group.start(this.startOptions(false));
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
      out.set(g.name, new SyncGroupDriver(g, members, { log: this.log, notify: (state) => this.notifier.group(g, state) }));
    }
    return out;
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
    r.tracking = applyTracking(r.spec, r.inst, this.trackers.readings);
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

  /** Rejects, with the running configuration untouched, when the new one cannot be applied here. */
  private async reload(given?: ChildConfig): Promise<void> {
    this.log.info('Reloading');
    const config = this.loadConfig(given);
    this.checkInterfaces(config);
    if (await this.plane.prepare(config)) await this.resyncTable();
    const plan = this.clearScripts(config);
    // Instances the reload removes still run their DELETED scripts, as cleared at their load.
    this.scriptPlan = { ...plan, notify: new Map([...this.scriptPlan.notify, ...plan.notify]) };
    await this.openEffects(config);
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
        const r = this.createRunning(cfg, undefined, config);
        next.set(cfg.name, r);
        started.push(r);
      } else if (old && old.inst.state.state !== 'INIT') {
        this.unregister(old);
        const state = old.inst.detach();
        const r = this.createRunning(cfg, state, config, ahSequenceOf(old.inst.receive) ?? undefined, old.routes);
        r.inst.receive.check.lastMasterSrc = old.inst.receive.check.lastMasterSrc;
        next.set(cfg.name, r);
        if (state.state === 'MASTER') {
          const { gone, added } = diffVipTargets(old.vipTargets, r.vipTargets);
          void r.inst.refreshVips(async () => {
            await this.applyAddresses('delete', gone);
            await this.plane.changeVips(cfg, gone, added);
            await this.applyAddresses('add', added);
            await r.routes?.refresh();
          });
        }
        r.inst.resume();
        resumed.push(r);
      } else {
        // New, or still waiting in INIT for its scripts: it starts over.
        if (old) {
          this.unregister(old);
          old.inst.detach();
        }
        const r = this.createRunning(cfg, undefined, config);
        next.set(cfg.name, r);
        started.push(r);
      }
    }
    // Joined before anything is awaited: resumed members keep running meanwhile.
    this.trackers.load(config, [...next.values()], this.scriptPlan.track, this.umask(config), true);
    this.groups = this.joinGroups(config, next);
    for (const [name, state] of restartGroups.kept) this.groups.get(name)?.keep(state);
    for (const r of resumed) this.updateTracking(r);
    // Instances gone from the config leave like at shutdown (priority 0 if master, VIPs
    // removed), but their notifications say DELETED (keepalived.conf(5) notify_deleted).
    await Promise.all(
      [...oldByKey.values()].map(async (r) => {
        this.unregister(r);
        await r.inst.shutdown('DELETED');
      }),
    );
    this.scriptPlan = plan;
    this.instances = next;
    const statics = diffVipTargets(this.config ? this.staticTargets(this.config) : [], this.staticTargets(config));
    await this.applyAddresses('delete', statics.gone);
    await this.applyAddresses('add', statics.added);
    await this.routes.reload(config);
    this.config = config;
    await Promise.all([...started.map((r) => this.applyAddresses('delete', r.vipTargets)), this.applyAddresses('delete', restartedVips)]);
    this.startInstances(started, restartGroups.started);
    this.trackers.start();
    this.closeUnusedSockets();
    await this.plane.release(config);
    this.publishStatus();
    this.log.info('Reload complete');
  }

  /** Before anything changes: every instance's interface must exist (createRunning's rule). */
  private checkInterfaces(config: KeepalivedConfig): void {
    for (const cfg of config.vrrpInstances) {
      if (cfg.interface === undefined || this.table.linkByName(cfg.interface) === undefined) {
        throw new KaError('KA_ERR_VRRP_CONFIG', `(${cfg.name}) interface ${cfg.interface ?? '(none)'} does not exist`);
      }
    }
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
    this.trackers.stop();
    const clock = this.deps.clock;
    const lingerUntil = clock.nowMs() + SHUTDOWN_LINGER_MS;
    // keepalived stops the FIFO scripts first, then the instances send their STOP lines.
    this.effects?.stopScripts();
    await Promise.all([...this.instances.values()].map((r) => r.inst.shutdown()));
    // keepalived notifies each group's STOP after its members' (keepalived.conf(5) notify_stop).
    await Promise.all([...this.groups.values()].map((g) => g.stopped()));
    if (this.config && !this.ctx.options.dontReleaseVrrp) await this.applyAddresses('delete', this.staticTargets(this.config));
    await this.routes.stop();
    await this.plane.stop(this.ctx.options.dontReleaseVrrp);
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
      const trackingRuntime = { scriptsInit: r.tracking?.scriptsInit ?? 0, totalPriority: r.tracking?.priority ?? r.cfg.priority, held: r.held };
      return { cfg: r.cfg, fsm: r.inst.state, srcIp: r.src, drops: r.inst.receive.drops, tracking, trackingRuntime, ...(group !== undefined ? { syncGroup: group } : {}) };
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
      // Who a script without a user of its own runs as, as the script pass resolved it.
      scriptIds: this.scriptPlan.defaultIds,
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
export function realVrrpChildDeps(log: Logger, options: CliOptions): VrrpChildDeps {
  return {
    clock: realClock,
    // The parent always sends the configuration (src/config/slices.ts): this child never parses.
    loadConfig: () => {
      throw new KaError('KA_ERR_IPC_PROTOCOL', 'no configuration from the parent');
    },
    openRtnl: () => NetlinkRtnlClient.open(),
    routing: { open: () => NetlinkRtnlClient.open(), nameFiles: iproute2FileTexts },
    openSocket: (spec) => VrrpSocket.open(spec),
    readKeyFile: (path) => readFileSync(path, 'utf8'),
    openGarpSender,
    scripts: createScriptRunner(log),
    trackers: realTrackerIo(log),
    scriptHost: () => realScriptHost(),
    openEffects: (globalDefs, effectsLog, runner, fifos) => VrrpNotifyEffects.open(globalDefs, { log: effectsLog, runner, fifos }),
    writeDump: (file, text) => void writeDumpFile(file, text),
    dataPlane: realDataPlaneDeps(options),
  };
}

/** A runner with the seams filled (tests, the simulation); production uses runVrrpChild. */
export function createVrrpChildRunner(deps: (log: Logger, options: CliOptions) => VrrpChildDeps): ChildRunner {
  return async (ctx) => {
    const d = new VrrpDaemon(ctx, deps(ctx.log, ctx.options));
    await d.start();
    return d.handle();
  };
}

export const runVrrpChild: ChildRunner = createVrrpChildRunner(realVrrpChildDeps);
