/**
 * The watchdog: keepalived's parent process (keepalived(8), SIGNALS). Refuses to start when
 * a live daemon owns the pid files, writes its own, forks the children of CHILD_TABLE that
 * have configuration, supervises them (supervisor.ts), forwards signals (HUP → reload,
 * USR1/USR2 → dumps; real-time ones are logged and ignored, rt-signals.ts) and on TERM/INT
 * stops the children — SIGTERM, child_wait_time, then SIGKILL — removes the pid files and
 * exits. A child's permanent error (1/2/4) terminates the daemon with that status; with -R
 * any child death does.
 */
import { fork as forkProcess } from 'node:child_process';
import { release } from 'node:os';
import type { Clock } from '../core/clock.js';
import { realClock } from '../core/real-clock.js';
import type { Result } from '../core/result.js';
import { createProcessLogger } from './process-logger.js';
import type { CliOptions } from '../process/options.js';
import { VERSION_BANNER } from '../process/version.js';
import { selectChildren, type ChildSpec, type ConfigSummary } from './children.js';
import { EXIT_FATAL, EXIT_OK } from './exit-status.js';
import { IPC_PROTOCOL_VERSION, type ParentToChild } from '../process/ipc.js';
import { checkPidFile, claimPidFile, removePidFile } from './pidfile.js';
import { catchRealtimeSignals } from './rt-signals.js';
import { ChildSupervisor, type SupervisorEnd } from './supervisor.js';
import { openParentServices } from './parent-services.js';
import { processTitle } from '../process/process-title.js';
import { enterNetNamespace } from '../sys/netns.js';

export interface ParentDeps {
  readonly options: CliOptions;
  /** The command line as given (logged, and reused for the children's command lines). */
  readonly argv: readonly string[];
  /** Path of the compiled keepalived-ts.js, forked with --child=KIND. */
  readonly entryScript: string;
  /** INTEGRATION SEAM: the config pipeline's view of the file (which children, child_wait_time). */
  readonly loadConfigSummary: (path: string) => Promise<Result<ConfigSummary>>;
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
  // JSON, STATS_CLEAR and the other real-time signals: logged, never fatal (rt-signals.ts),
  // from the start (a big config takes a while to load).
  const releaseRealtime = catchRealtimeSignals(() => log);
  if (options.umask !== undefined) process.umask(options.umask);

  log.info(`Starting ${VERSION_BANNER}`);
  log.info(`Running on Linux ${release()} (Node.js ${process.version})`);
  log.info(`Command line: ${[process.argv[1] ?? 'keepalived-ts', ...deps.argv].map(quote).join(' ')}`);
  log.info(`Configuration file ${options.configFile}`);

  const summary = await deps.loadConfigSummary(options.configFile);
  if (!summary.ok) {
    log.error(summary.reason);
    await pl.close();
    return EXIT_FATAL;
  }
  if (summary.value.dumpText !== undefined) for (const line of summary.value.dumpText.trimEnd().split('\n')) log.info(line);
  // Before anything touches the network or a child is forked: the children start inside it.
  const netns = options.namespace ?? summary.value.netNamespace;
  if (netns !== undefined) {
    const entered = enterNetNamespace(netns);
    if (!entered.ok) {
      log.error(entered.reason);
      await pl.close();
      return EXIT_FATAL;
    }
    log.info(`Running in network namespace ${netns}`);
  }
  let childWaitMs = summary.value.childWaitTimeS * 1000;
  const names = summary.value.processNames;
  process.title = processTitle('parent', names);
  const specs = selectChildren(options, summary.value);

  // A live daemon owning any of our pid files means "already running" (exit 0, as 2.2.7).
  for (const path of [options.pidFile, ...specs.map((s) => s.pidFile(options))]) {
    const st = checkPidFile(path);
    if (st.type === 'running') {
      log.info('daemon is already running');
      await pl.close();
      return EXIT_OK;
    }
  }
  const claim = claimPidFile(options.pidFile, process.pid);
  if (!claim.ok) {
    log.info(claim.reason.code === 'KA_ERR_SYS_ALREADY_RUNNING' ? 'daemon is already running' : claim.reason.message);
    await pl.close();
    return claim.reason.code === 'KA_ERR_SYS_ALREADY_RUNNING' ? EXIT_OK : EXIT_FATAL;
  }

  let finish: (status: number) => void = () => undefined;
  const done = new Promise<number>((r) => (finish = r));
  let terminating = false;
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const services = openParentServices({ options, log, clock });

  const hello =
    (spec: ChildSpec) =>
    (): ParentToChild => ({
      type: 'hello',
      protocol: IPC_PROTOCOL_VERSION,
      child: spec.kind,
      configPath: options.configFile,
      options,
      parentPid: process.pid,
      title: processTitle(spec.kind, names),
    });
  const supervisors = specs.map(
    (spec) =>
      new ChildSupervisor({
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
        onEnd: (end: SupervisorEnd) => void terminate(end.type === 'permanent' ? end.status : EXIT_OK),
        ...services.hooks(spec.kind),
      }),
  );

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
  const handlers: Array<[NodeJS.Signals, () => void]> = [
    ['SIGTERM', () => void terminate(EXIT_OK)],
    ['SIGINT', () => (options.ignoreSigint ? log.info('Ignoring SIGINT') : void terminate(EXIT_OK))],
    [
      'SIGHUP',
      () => {
        if (terminating) return;
        log.info('Reloading ...');
        services.reloadStarted();
        // The children re-read the file themselves: forward first, so a big config is not
        // parsed twice in a row (parent, then child); the parent only needs child_wait_time.
        forward({ type: 'cfg-reload' });
        void deps.loadConfigSummary(options.configFile).then((r) => {
          if (r.ok) childWaitMs = r.value.childWaitTimeS * 1000;
          else log.error(r.reason);
          if (!r.ok) services.reloadRead(false, r.reason);
          else if (r.value.unusable !== undefined) services.reloadRead(false, `configuration cannot run: ${r.value.unusable}`);
          else services.reloadRead(true, r.value.errorCount ? `${r.value.errorCount} configuration error(s) ignored` : undefined);
        });
      },
    ],
    [
      'SIGUSR1',
      () => {
        log.info(`Printing parent data for process(${process.pid}) on signal`);
        forward({ type: 'dump-data' });
      },
    ],
    ['SIGUSR2', () => forward({ type: 'dump-stats' })],
  ];
  for (const [sig, h] of handlers) process.on(sig, h);

  if (supervisors.length === 0) log.info('No child process to start (no configuration for any subsystem)');
  for (const s of supervisors) s.start();
  services.start(supervisors);

  const status = await done;
  for (const [sig, h] of handlers) process.off(sig, h);
  releaseRealtime();
  await pl.close();
  return status;
}
