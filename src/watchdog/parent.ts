/**
 * The watchdog: keepalived's parent process (keepalived(8), SIGNALS). Reads the config (on a
 * worker thread, config-keeper.ts), refuses to start when
 * a live daemon owns the pid files, writes its own, forks the children of CHILD_TABLE that
 * have configuration and hands each its slice, supervises them (supervisor.ts), forwards signals (HUP → reload,
 * USR1/USR2 → dumps; real-time ones are logged and ignored, rt-signals.ts) and on TERM/INT
 * stops the children — SIGTERM, child_wait_time, then SIGKILL — removes the pid files and
 * exits. A child's permanent error (1/2/4) terminates the daemon with that status; with -R
 * any child death does.
 */
import { fork as forkProcess } from 'node:child_process';
import { release } from 'node:os';
import type { Clock } from '../core/clock.js';
import { realClock } from '../core/real-clock.js';
import { createProcessLogger } from './process-logger.js';
import type { CliOptions } from '../process/options.js';
import { VERSION_BANNER } from '../process/version.js';
import { selectChildren, type ChildSpec } from './children.js';
import { ConfigKeeper, type ConfigLoader } from './config-keeper.js';
import { EXIT_FATAL, EXIT_OK } from './exit-status.js';
import { IPC_PROTOCOL_VERSION, type ParentToChild } from '../process/ipc.js';
import { checkPidFile, claimPidFile, removePidFile } from './pidfile.js';
import { catchRealtimeSignals, timerDumpLines, type RealtimeHandlers } from './rt-signals.js';
import { formatParentDataDump } from '../vrrp/dump.js';
import { PARENT_DATA_FILE, writeDumpFile } from '../sys/dump-file.js';
import { errorMessage } from '../core/errors.js';
import { ChildSupervisor, type SupervisorEnd } from './supervisor.js';
import { openParentServices, type ParentServices } from './parent-services.js';
import { processTitle } from '../process/process-title.js';
import { enterNetNamespace } from '../sys/netns.js';

export interface ParentDeps {
  readonly options: CliOptions;
  /** The command line as given (logged, and reused for the children's command lines). */
  readonly argv: readonly string[];
  /** Path of the compiled keepalived-ts.js, forked with --child=KIND. */
  readonly entryScript: string;
  /** Reads and compiles the file off the parent's event loop (src/cli/config-worker-client.ts). */
  readonly loadConfig: ConfigLoader;
  readonly clock?: Clock;
}

const quote = (a: string): string => `'${a}'`;

/** Runs the parent until it stops; resolves with the process exit status. */
export async function runParent(deps: ParentDeps): Promise<number> {
  const { options } = deps;
  const clock = deps.clock ?? realClock;
  const pl = createProcessLogger(options, 'parent');
  const log = pl.logger;
  process.title = processTitle('parent', undefined);
  // JSON, STATS_CLEAR, TDUMP and the other real-time signals: never fatal (rt-signals.ts), from
  // the start (a big config takes a while to load); passed on once the children exist.
  let realtime: RealtimeHandlers = {};
  const releaseRealtime = catchRealtimeSignals(
    () => log,
    () => realtime,
  );
  if (options.umask !== undefined) process.umask(options.umask);
  // A SIGHUP while the first read runs (seconds for a large file) would end a Node process:
  // it is kept for once the children run, as keepalived acts on it after its start-up.
  let hupDuringStart = false;
  const earlyHup = (): void => {
    hupDuringStart = true;
    log.info('SIGHUP during start-up: the configuration is read again once the children are started');
  };
  process.on('SIGHUP', earlyHup);

  log.info(`Starting ${VERSION_BANNER}`);
  log.info(`Running on Linux ${release()} (Node.js ${process.version})`);
  log.info(`Command line: ${[process.argv[1] ?? 'keepalived-ts', ...deps.argv].map(quote).join(' ')}`);
  log.info(`Configuration file ${options.configFile}`);

  let supervisors: ChildSupervisor[] = [];
  // The services open once the pid files are ours; a reload cannot start before that.
  const late: { services?: ParentServices } = {};
  let childWaitMs = 0;
  const keeper = new ConfigKeeper({
    load: deps.loadConfig,
    request: (check) => ({
      path: options.configFile,
      ...(options.configId !== undefined ? { configId: options.configId } : {}),
      allConfig: options.allConfig,
      dumpConf: options.dumpConf,
      ...(check !== undefined ? { check } : {}),
    }),
    log,
    children: () => supervisors.map((s) => ({ kind: s.kind, running: s.running, send: (m: ParentToChild) => s.send(m) })),
    observer: {
      started: () => late.services?.reload.started(),
      sent: (generation, kinds) => late.services?.reload.sent(generation, kinds),
      finished: (ok, reason) => late.services?.reload.finished(ok, reason),
    },
    // Only a configuration the children run is in force: the dumps' places come from it too.
    accepted: (loaded) => {
      childWaitMs = loaded.summary.childWaitTimeS * 1000;
      globalDefs = loaded.summary.globalDefs;
      if (loaded.summary.notActedOn.join('\n') !== notActedOn.join('\n')) for (const line of loaded.summary.notActedOn) log.warn(line);
      notActedOn = loaded.summary.notActedOn;
    },
  });
  const first = await keeper.initial();
  if (!first.ok || first.value.noConfig !== undefined) {
    log.error(first.ok ? `configuration not usable: ${first.value.noConfig ?? ''}` : first.reason);
    process.off('SIGHUP', earlyHup);
    await pl.close();
    return EXIT_FATAL;
  }
  const summary = first.value.summary;
  if (summary.dumpText !== undefined) for (const line of summary.dumpText.trimEnd().split('\n')) log.info(line);
  // keepalived says nothing about keywords it reads; we say which ones we do not act on (yet).
  for (const line of summary.notActedOn) log.warn(line);
  let notActedOn = summary.notActedOn;
  // Before anything touches the network or a child is forked: the children start inside it.
  const netns = options.namespace ?? summary.netNamespace;
  if (netns !== undefined) {
    const entered = enterNetNamespace(netns);
    if (!entered.ok) {
      log.error(entered.reason);
      await pl.close();
      return EXIT_FATAL;
    }
    log.info(`Running in network namespace ${netns}`);
  }
  childWaitMs = summary.childWaitTimeS * 1000;
  const names = summary.processNames;
  process.title = processTitle('parent', names);
  let globalDefs = summary.globalDefs;
  const specs = selectChildren(options, summary);

  // A live daemon owning any of our pid files means "already running" (exit 0, as 2.2.7).
  for (const path of [options.pidFile, ...specs.map((s) => s.pidFile(options))]) {
    const st = checkPidFile(path);
    if (st.type === 'running') {
      log.info('daemon is already running');
      process.off('SIGHUP', earlyHup);
      await pl.close();
      return EXIT_OK;
    }
  }
  const claim = claimPidFile(options.pidFile, process.pid);
  if (!claim.ok) {
    log.info(claim.reason.code === 'KA_ERR_SYS_ALREADY_RUNNING' ? 'daemon is already running' : claim.reason.message);
    process.off('SIGHUP', earlyHup);
    await pl.close();
    return claim.reason.code === 'KA_ERR_SYS_ALREADY_RUNNING' ? EXIT_OK : EXIT_FATAL;
  }

  let finish: (status: number) => void = () => undefined;
  const done = new Promise<number>((r) => (finish = r));
  let terminating = false;
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const services = openParentServices({ options, log, clock });
  late.services = services;

  const hello =
    (spec: ChildSpec) =>
    (): ParentToChild => {
      const resume = services.takeResume(spec.kind);
      return {
        type: 'hello',
        protocol: IPC_PROTOCOL_VERSION,
        child: spec.kind,
        configPath: options.configFile,
        options,
        parentPid: process.pid,
        title: processTitle(spec.kind, names),
        ...(resume !== undefined ? { resume } : {}),
      };
    };
  supervisors = specs.map((spec) => {
    const hooks = services.hooks(spec.kind);
    return new ChildSupervisor({
      spec,
      options,
      log,
      clock,
      fork: () =>
        forkProcess(deps.entryScript, [...deps.argv, `--child=${spec.kind}`], {
          serialization: 'advanced',
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      hello: hello(spec),
      startConfig: () => keeper.startMessage(spec.kind),
      onEnd: (end: SupervisorEnd) => void terminate(end.type === 'permanent' ? end.status : EXIT_OK),
      onStarted: hooks.onStarted,
      onMessage: (msg) => {
        hooks.onMessage(msg);
        if (msg.type === 'reload-done') keeper.childReloaded(spec.kind, msg.generation, msg.ok, msg.reason);
        else if (msg.type === 'reload-request' && !terminating) keeper.requestReload();
      },
      onExit: (crashed) => {
        hooks.onExit(crashed);
        keeper.childGone(spec.kind);
      },
    });
  });

  const terminate = async (status: number): Promise<void> => {
    if (terminating) return;
    terminating = true;
    log.info('Stopping');
    services.stop();
    await Promise.all(supervisors.map((s) => s.stop(childWaitMs)));
    removePidFile(options.pidFile, process.pid);
    log.info(`Stopped ${VERSION_BANNER}`);
    clearInterval(keepAlive);
    finish(status);
  };
  const forward = (msg: ParentToChild): void => {
    for (const s of supervisors) s.send(msg);
  };
  // keepalived passes STATS, STATS_CLEAR and JSON to the VRRP process only.
  const toVrrp = (msg: ParentToChild): void => {
    for (const s of supervisors) if (s.kind === 'vrrp') s.send(msg);
  };
  const printParentData = (): void => {
    log.info(`Printing parent data for process(${process.pid}) on signal`);
    try {
      writeDumpFile({ name: PARENT_DATA_FILE, configured: globalDefs.stateDumpFile, beside: true }, formatParentDataDump(globalDefs));
    } catch (e) {
      log.error(`Cannot write the parent data dump: ${errorMessage(e)}`);
    }
  };
  realtime = {
    JSON: () => toVrrp({ type: 'signal-function', fn: 'JSON' }),
    STATS_CLEAR: () => toVrrp({ type: 'signal-function', fn: 'STATS_CLEAR' }),
    TDUMP: () => {
      const children = supervisors.map((s) => `${s.title} child process(${s.pid ?? 'none: waiting to restart'})`);
      for (const line of timerDumpLines('parent', children)) log.info(line);
      forward({ type: 'signal-function', fn: 'TDUMP' });
    },
  };
  const handlers: Array<[NodeJS.Signals, () => void]> = [
    ['SIGTERM', () => void terminate(EXIT_OK)],
    ['SIGINT', () => (options.ignoreSigint ? log.info('Ignoring SIGINT') : void terminate(EXIT_OK))],
    [
      'SIGHUP',
      () => {
        if (terminating) return;
        log.info('Reloading ...');
        // Read and checked on a worker thread; the children get it only if it can run.
        keeper.requestReload();
      },
    ],
    [
      'SIGUSR1',
      () => {
        forward({ type: 'dump-data' });
        printParentData();
      },
    ],
    ['SIGUSR2', () => toVrrp({ type: 'dump-stats' })],
  ];
  for (const [sig, h] of handlers) process.on(sig, h);
  process.off('SIGHUP', earlyHup);

  if (supervisors.length === 0) log.info('No child process to start (no configuration for any subsystem)');
  for (const s of supervisors) s.start();
  services.start(supervisors);
  if (hupDuringStart) keeper.requestReload();

  const status = await done;
  for (const [sig, h] of handlers) process.off(sig, h);
  releaseRealtime();
  await pl.close();
  return status;
}
