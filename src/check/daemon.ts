/**
 * The checker child (keepalived's Keepalived_healthcheckers process): loads the config,
 * builds the health state of every virtual/real server, runs every checker on its own
 * timer, and keeps IPVS, notify scripts and the effect sink (FIFO, SMTP) in step with each
 * transition. SIGHUP reloads keeping checker/RS states by identity; SIGTERM removes what we
 * put in IPVS (unless -I; a flush with lvs_flush_on_stop) and runs omega scripts
 * (keepalived(8) SIGNALS; keepalived.conf(5) LVS CONFIGURATION, notify_fifo, smtp_alert).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { realClock } from '../core/real-clock.js';
import type { KeepalivedConfig } from '../config/model.js';
import { readRunnableConfig } from '../config/read-config.js';
import type { IpvsOp } from '../ipvs/ipvs-types.js';
import { createScriptRunner, type ScriptRunner } from '../notify/runner.js';
import { DATA_FILE_CHECK, formatCheckerDump } from './dump.js';
import { writeDumpFile } from '../sys/dump-file.js';
import { STATUS_SCHEMA_VERSION, StatusOutbox, type VirtualServerStatus } from '../process/status.js';
import { virtualServerStatus } from './status-snapshot.js';
import type { ChildContext, ChildHandle, ChildRunner } from '../process/child-api.js';
import type { CheckerEffect, CheckerEffectSink, Step } from './effects.js';
import { IpvsSync, openNetlinkIpvs, type OpenIpvs } from './ipvs-sync.js';
import { LvsGlobals } from './lvs-sync-daemon.js';
import { notifySettingsKey, openNotifySink, type OpenNotifySink, type OpenedNotifySink } from './notify-sink.js';
import { watchFileCheckers, type FileCheckWatches, type WatchTrackFile } from './track-files.js';
import { watchRtnlAddresses, type LocalAddresses, type WatchLocalAddresses } from './local-addresses.js';
import { buildState, desiredTable, evaluateQuorum, setCheckerState, setWeightDelta, shutdownStep, startStep, type CheckerRef, type EngineState } from './lvs-state.js';
import { LINES } from './format.js';
import { migrateState } from './migrate.js';
import { createProbe, type CreateProbe } from './probe-registry.js';
import { CheckerScheduler } from './scheduler.js';
import { diffTables, type TableDiff } from './table-diff.js';
import { errorMessage } from '../core/errors.js';

/** The seams the integrator (and tests) fill. */
export interface CheckerChildDeps {
  /** Probe per polled checker; default: the real probes (probe-registry.ts). */
  readonly createProbe?: CreateProbe;
  /** Default: dynamic import of ../ipvs/ipvs-client.js → NetlinkIpvsClient.open(log). */
  readonly openIpvs?: OpenIpvs;
  /** desired/current → ops; default diffTables (the ipvs module's reconcile fits). */
  readonly reconcile?: TableDiff;
  /** Gets every effect after logs and scripts are dispatched (tests); replaces the opened sink. */
  readonly sink?: CheckerEffectSink;
  /** FIFO/SMTP writers from global_defs; default notify-sink.ts openNotifySink. */
  readonly openSink?: OpenNotifySink;
  /** FILE_CHECK watcher; default file-watch.ts watchTrackFile. */
  readonly watchTrackFile?: WatchTrackFile;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly scripts?: ScriptRunner;
  /** ha_suspend: local address watch, opened only when some VS has ha_suspend; default rtnetlink. */
  readonly watchAddresses?: WatchLocalAddresses;
}

/** omega scripts at shutdown get this long (keepalived's STOP-script budget). */
const SHUTDOWN_SCRIPT_MS = 1000;
/** Pending SMTP alerts (omega's "Shutting down" mails) get this long before we exit. */
const SHUTDOWN_MAIL_MS = 5000;

export class CheckerDaemon {
  private state: EngineState | null = null;
  private config: KeepalivedConfig | null = null;
  private scheduler: CheckerScheduler | null = null;
  private readonly ipvs: IpvsSync;
  private readonly scripts: ScriptRunner;
  private readonly createProbe: CreateProbe;
  private stopping = false;
  private addresses: LocalAddresses | null = null;
  private notify: OpenedNotifySink | null = null;
  private files: FileCheckWatches | null = null;
  private lvsGlobals: LvsGlobals | null = null;
  private readonly outbox = new StatusOutbox();

  constructor(
    private readonly ctx: ChildContext,
    private readonly deps: CheckerChildDeps = {},
  ) {
    this.scripts = deps.scripts ?? createScriptRunner(ctx.log);
    this.createProbe = deps.createProbe ?? createProbe;
    this.ipvs = new IpvsSync(ctx.log, deps.reconcile ?? diffTables);
  }

  private get log(): Logger {
    return this.ctx.log;
  }

  async start(): Promise<void> {
    const config = this.loadConfig();
    this.config = config;
    const state = buildState(config);
    this.state = state;
    this.files = this.watchFiles(state, config, true);
    await this.ipvs.open(this.captureIpvs(this.deps.openIpvs ?? openNetlinkIpvs));
    await this.lvsGlobals?.apply(config.globalDefs);
    await this.watchForHaSuspend(config);
    await this.openNotify(config);
    // Quorum first: it decides whether sorry servers are in the first table.
    const first = startStep(state);
    await this.ipvs.initial(desiredTable(state), config.globalDefs.lvsFlush === true);
    this.dispatch(first.effects);
    this.startScheduler(state, config);
    this.publishStatus();
  }

  handle(): ChildHandle {
    return { reload: () => this.reload(), shutdown: () => this.shutdown(), dumpData: () => this.writeDump(), requestStatus: () => this.publishStatus(), timerDump: () => this.timerDump() };
  }

  /**
   * Event-driven checkers (FILE_CHECK watcher, BFD): set a checker up/down or its weight
   * delta; `ref` indexes engineState (vs, rs, checker). Ignored while stopping.
   */
  checkerEvent(ref: CheckerRef, ev: { readonly up: boolean; readonly reason?: string } | { readonly weightDelta: number }): void {
    const state = this.state;
    if (!state || this.stopping) return;
    this.applyStep('weightDelta' in ev ? setWeightDelta(state, ref, ev.weightDelta) : setCheckerState(state, ref, ev.up, ev.reason));
  }

  /** For tests and integration: the live state and IPVS queue. */
  get engineState(): EngineState | null {
    return this.state;
  }

  idle(): Promise<void> {
    return this.ipvs.idle();
  }

  private loadConfig(): KeepalivedConfig {
    return readRunnableConfig(this.ctx.configPath, this.ctx.options, this.log);
  }

  /** The IpvsSync owns the client; lvs_timeouts / lvs_sync_daemon use it too. */
  private captureIpvs(open: OpenIpvs): OpenIpvs {
    return async (log) => {
      const client = await open(log);
      this.lvsGlobals = new LvsGlobals(client, log);
      return client;
    };
  }

  private watchFiles(state: EngineState, config: KeepalivedConfig, prime: boolean): FileCheckWatches {
    const deps = { log: this.log, logDetail: this.ctx.options.logDetail, ...(this.deps.watchTrackFile ? { watch: this.deps.watchTrackFile } : {}) };
    return watchFileCheckers(state, config.trackFiles, (ref, ev) => this.checkerEvent(ref, ev), deps, prime);
  }

  /** The FIFO/SMTP sink; on reload reopened only when its global_defs changed. */
  private async openNotify(config: KeepalivedConfig, prev?: KeepalivedConfig): Promise<void> {
    if (this.deps.sink) return;
    if (this.notify && prev && notifySettingsKey(prev.globalDefs) === notifySettingsKey(config.globalDefs)) return;
    this.notify?.close();
    this.notify = null;
    try {
      this.notify = await (this.deps.openSink ?? openNotifySink)(config.globalDefs, { log: this.log, runner: this.scripts });
    } catch (e) {
      this.log.error(`Cannot open the checker notify FIFO/SMTP sink: ${errorMessage(e)}`);
    }
  }

  private async watchForHaSuspend(config: KeepalivedConfig): Promise<void> {
    if (this.addresses || !config.virtualServers.some((v) => v.haSuspend && v.address.type === 'ip')) return;
    try {
      this.addresses = await (this.deps.watchAddresses ?? watchRtnlAddresses)(this.log);
    } catch (e) {
      this.log.error(`ha_suspend: cannot watch local addresses (${errorMessage(e)}): checkers run unsuspended`);
    }
  }

  /** ha_suspend VS whose address is not configured here (we are not the VRRP master). */
  private suspended(state: EngineState, vsIndex: number): boolean {
    const vs = state.vss[vsIndex]?.cfg;
    return vs !== undefined && vs.haSuspend && vs.address.type === 'ip' && this.addresses !== null && !this.addresses.has(vs.address.address);
  }

  private startScheduler(state: EngineState, config: KeepalivedConfig): void {
    const random = this.deps.random ?? Math.random;
    const env = { log: this.log, random, ...(config.ssl ? { ssl: config.ssl } : {}) };
    this.scheduler = new CheckerScheduler(state, {
      clock: this.deps.clock ?? realClock,
      random,
      log: this.log,
      createProbe: (cfg) => this.createProbe(cfg, env),
      onStep: (step) => this.applyStep(step),
      suspended: (vi) => this.suspended(state, vi),
    });
    this.scheduler.start();
  }

  private applyStep(step: Step): void {
    if (this.stopping) return;
    this.ipvs.apply(step.ops);
    this.dispatch(step.effects);
    // A weight change (misc_dynamic, FILE_CHECK) has no VS-named effect but changes its IPVS ops.
    for (const e of step.effects) if ('vs' in e) this.publishStatus(e.vs);
    if (step.ops.length > 0 && !step.effects.some((e) => 'vs' in e)) this.publishStatus();
  }

  /** Coalesced per event-loop turn: only the virtual servers that changed (src/process/status.ts). */
  private publishStatus(vsName?: string): void {
    const schedule = vsName === undefined ? this.outbox.markFull() : this.outbox.markChanged(vsName);
    if (schedule) setImmediate(() => this.sendStatus());
  }

  private sendStatus(): void {
    const t = this.outbox.take();
    const state = this.state;
    if (!state) return;
    const byName = new Map(state.vss.map((vs) => [vs.name, vs]));
    const removed = [...t.removed];
    const vss: VirtualServerStatus[] = [];
    if (t.full) for (const vs of state.vss) vss.push(virtualServerStatus(vs));
    for (const name of t.full ? [] : t.changed) {
      const vs = byName.get(name);
      if (vs) vss.push(virtualServerStatus(vs));
      else removed.push(name);
    }
    this.ctx.ipc.send({ type: 'status', update: { schema: STATUS_SCHEMA_VERSION, seq: t.seq, full: t.full, instances: [], removedInstances: [], virtualServers: vss, removedVirtualServers: removed } });
  }

  private dispatch(effects: readonly CheckerEffect[], scriptTimeoutMs?: number): Promise<unknown>[] {
    const runs: Promise<unknown>[] = [];
    for (const e of effects) {
      if (e.type === 'log') this.log[e.level](e.msg);
      else if (e.type === 'run-script') runs.push(this.scripts.run(e.script.argv, scriptTimeoutMs !== undefined ? { timeoutMs: scriptTimeoutMs } : {}));
      try {
        (this.deps.sink ?? this.notify)?.onEffect(e);
      } catch (err) {
        this.log.error(`checker effect sink failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return runs;
  }

  private async reload(): Promise<void> {
    const old = this.state;
    if (!old || this.stopping) return;
    this.log.info('Reloading');
    const config = this.loadConfig();
    const prev = this.config;
    await this.watchForHaSuspend(config);
    if (prev) await this.lvsGlobals?.apply(config.globalDefs, prev.globalDefs);
    await this.openNotify(config, prev ?? undefined);
    const t0 = performance.now();
    const m = migrateState(old, config);
    this.scheduler?.stop();
    this.files?.close();
    this.config = config;
    this.state = m.state;
    const step = evaluateQuorum(m.state);
    // keepalived 2.2.7's reload lines: removed alive servers, weight changes of active ones,
    // then every checked server's "Activating healthchecker" again.
    const lines: CheckerEffect[] = [];
    for (const { vs, rs } of m.removedAlive) {
      const checkerType = rs.checkers[0]?.cfg.type ?? 'TCP_CHECK';
      lines.push({ type: 'log', level: 'info', msg: LINES.rsRemove(rs.name, vs.name, false) });
      step.effects.unshift({ type: 'rs-down', vs: vs.name, vsIdentity: vs.cfg.identity, smtpAlert: vs.cfg.smtpAlert, rs: rs.name, rsSmtpAlert: rs.cfg.smtpAlert, checkerType, removed: true });
    }
    for (const { vs, rs, fromWeight } of m.weightChanges) lines.push({ type: 'log', level: 'info', msg: LINES.weightChange(fromWeight, rs.cfg.weight, rs.name, vs.name) });
    for (const vs of m.state.vss) for (const rs of vs.rss) if (rs.checkers.length > 0) lines.push({ type: 'log', level: 'info', msg: LINES.activating(rs.name, vs.name) });
    step.effects.unshift(...lines);
    this.ipvs.apply(this.ipvs.available ? (this.deps.reconcile ?? diffTables)(desiredTable(m.state), desiredTable(old)) : []);
    this.dispatch(step.effects);
    this.files = this.watchFiles(m.state, config, false);
    this.startScheduler(m.state, config);
    this.publishStatus();
    this.log.info(`Reload complete: ${m.carriedVs} virtual servers and ${m.carriedCheckers} checkers kept their state (${Math.round(performance.now() - t0)} ms)`);
  }

  private async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.scheduler?.stop();
    this.files?.close();
    const state = this.state;
    if (!state) return;
    const flushOnStop = this.config?.globalDefs.lvsFlushOnStop;
    const release = !this.ctx.options.dontReleaseIpvs;
    const step = shutdownStep(state, { releaseIpvs: release && flushOnStop === undefined });
    const ops: IpvsOp[] = [...step.ops];
    if (release && flushOnStop === 'all') ops.push({ type: 'flush' });
    if (release && flushOnStop === 'vs') for (const e of desiredTable(state)) ops.push({ type: 'del-service', key: e.service.key });
    this.ipvs.apply(ops);
    const runs = this.dispatch(step.effects, SHUTDOWN_SCRIPT_MS);
    this.addresses?.close();
    const mails = this.notify ? Promise.race([this.notify.idle(), new Promise<void>((r) => setTimeout(r, SHUTDOWN_MAIL_MS).unref())]) : undefined;
    await Promise.all([this.ipvs.idle().then(() => this.lvsGlobals?.stop()), ...runs, mails]);
    this.notify?.close();
    await this.ipvs.close();
  }

  /** TDUMP: the checker scheduler's timers in one line. */
  private timerDump(): string[] {
    const s = this.scheduler;
    return s ? [`checkers: ${s.checkerCount} polled, ${s.waiting} waiting for their next run, ${s.checkerCount - s.waiting} running; ${s.runs} probe runs so far`] : ['checkers: not started'];
  }

  private writeDump(): void {
    this.log.info(`Printing checker data for process(${process.pid}) on signal`);
    try {
      if (this.state) writeDumpFile({ name: DATA_FILE_CHECK, configured: this.config?.globalDefs.stateDumpFile, beside: true }, formatCheckerDump(this.state, { ipvs: this.ipvs.available, runs: this.scheduler?.runs ?? 0 }));
    } catch (e) {
      this.log.error(`Cannot write the checker data dump: ${errorMessage(e)}`);
    }
  }
}

/** A runner with seams filled (integration, tests). */
export function createCheckerChildRunner(deps: CheckerChildDeps = {}): ChildRunner {
  return async (ctx) => {
    const d = new CheckerDaemon(ctx, deps);
    await d.start();
    return d.handle();
  };
}

export const runCheckerChild: ChildRunner = createCheckerChildRunner();
