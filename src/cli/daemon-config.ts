/**
 * The daemon's reading of keepalived.conf (start-up and every reload): the config pipeline,
 * then what the parent needs from it (config-keeper.ts LoadedConfig) — which children to run,
 * the log lines of every diagnostic, whether it can run at all, with reload_check_config the
 * verdict of `-t` on this host (its report written to the check's LOGFILE, as keepalived's
 * `--config-test=LOGFILE` does), and each child's slice as JSON text (src/config/slices.ts).
 * Runs on the config worker thread (config-worker.ts), so the parent's event loop never
 * carries the parse.
 */
import type { Diagnostic } from '../config/diagnostics.js';
import { printConfig } from '../config/print.js';
import { reportedDiagnostics } from '../config/parse-config.js';
import { diagnosticLogLines } from '../config/read-config.js';
import { encodeSlices } from '../config/slices.js';
import type { ConfigLoadRequest, LoadedConfig } from '../watchdog/config-keeper.js';
import { configTestText, readConfig, summarize, writeConfigTestLog } from './config-test.js';
import { checkHost, withHostChecks } from './host-checks.js';
import { realHostProbe } from './host-probe.js';

const firstLine = (d: Diagnostic): string => (d.loc ? `${d.loc.file}:${d.loc.line}:${d.loc.col}: ` : '') + d.message;

export function loadDaemonConfig(req: ConfigLoadRequest): LoadedConfig {
  const read = readConfig(req.path, { ...(req.configId !== undefined ? { configId: req.configId } : {}), allConfig: req.allConfig });
  const { config, diagnostics } = read;
  // keepalived exits "not configured" after parsing when an include check failed.
  const noConfig = diagnostics.filter((d) => d.class === 'no-config');
  const fatal = diagnostics.filter((d) => d.class === 'fatal').map((d) => d.message);
  const errorCount = diagnostics.filter((d) => d.severity === 'error' && d.class !== 'fatal').length;
  let messages = diagnosticLogLines(diagnostics);
  let checkStatus: number | undefined;
  if (req.check !== undefined) {
    // What `-t` reports (the keywords not acted on as notices), so LOGFILE reads as its report.
    const reported = reportedDiagnostics(read);
    const host = withHostChecks(reported, checkHost(config, realHostProbe()));
    checkStatus = host.exitCode;
    // The parent logs the keywords not acted on itself (summary.notActedOn): not twice.
    const notices = new Set(reported.slice(diagnostics.length));
    messages = diagnosticLogLines(host.diagnostics.filter((d) => !notices.has(d)));
    if (req.check.logFile !== undefined) {
      const w = writeConfigTestLog(req.check.logFile, configTestText(host.diagnostics, host.exitCode));
      if (!w.ok) messages = [...messages, { level: 'error', text: w.reason }];
    }
  }
  const rcc = config.globalDefs.reloadCheckConfig;
  return {
    summary: {
      ...summarize(read),
      errorCount,
      ...(fatal.length > 0 ? { unusable: fatal.join('; ') } : {}),
      ...(req.dumpConf ? { dumpText: printConfig(config) } : {}),
    },
    messages,
    ...(noConfig.length > 0 ? { noConfig: noConfig.map(firstLine).join('; ') } : {}),
    ...(checkStatus !== undefined ? { checkStatus } : {}),
    ...(rcc !== undefined ? { reloadCheckConfig: rcc } : {}),
    slices: encodeSlices(config),
  };
}
