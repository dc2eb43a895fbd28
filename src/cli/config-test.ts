/**
 * `keepalived-ts -t[FILE]` and the parent's pre-fork config summary, built on the config
 * pipeline. Exit status as keepalived's code: 0 clean, 4 cannot run, 5 errors but runnable,
 * 6 script security or a failed include check (keepalived(8) -t; its man page lists 3/4/5,
 * the daemon exits one higher; the largest class seen wins, see configTestExitCode).
 * `--json` prints one document for tools; `-d` prints the effective config (secrets masked)
 * after the test, and the parent logs it at start. Unless --no-host-checks, the host is
 * checked too (host-checks.ts), as keepalived does.
 */
import { closeSync, writeSync } from 'node:fs';
import type { LoadResult } from '../config/parse-config.js';
import { readConfigFile } from '../config/read-config.js';
import { configTestExitCode, formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
import type { KeepalivedConfig } from '../config/model.js';
import { printConfig } from '../config/print.js';
import { fail, ok, type Result } from '../core/result.js';
import { openNoFollow, strerror } from '../sys/safe-file.js';
import { checkHost, withHostChecks } from './host-checks.js';
import { realHostProbe } from './host-probe.js';
import type { ConfigSummary } from '../watchdog/children.js';
import type { CliOptions } from '../process/options.js';
import type { ProcessNameSettings } from '../process/process-title.js';

export function readConfig(path: string, options: Pick<CliOptions, 'configId' | 'allConfig'>): LoadResult {
  return readConfigFile(path, options.configId, { allConfig: options.allConfig });
}

/** One diagnostic in the `--config-test --json` document (absent fields are null). */
export interface JsonDiagnostic {
  readonly file: string | null;
  readonly line: number | null;
  readonly col: number | null;
  readonly severity: Diagnostic['severity'];
  readonly code: string;
  readonly class: Diagnostic['class'];
  readonly message: string;
  readonly hint: string | null;
}

export interface ConfigTestJson {
  readonly exitCode: number;
  readonly diagnostics: readonly JsonDiagnostic[];
}

export function configTestJson(diagnostics: readonly Diagnostic[], exitCode = configTestExitCode(diagnostics)): ConfigTestJson {
  return {
    exitCode,
    diagnostics: diagnostics.map((d) => ({
      file: d.loc?.file ?? null,
      line: d.loc?.line ?? null,
      col: d.loc?.col ?? null,
      severity: d.severity,
      code: d.code,
      class: d.class,
      message: d.message,
      hint: d.hint ?? null,
    })),
  };
}

export interface ConfigTestRequest {
  readonly configFile: string;
  /** -tFILE: write the messages there instead of stderr. */
  readonly logFile?: string;
  /** --json: one JSON document on stdout instead of the text report. */
  readonly json?: boolean;
  /** --no-host-checks: the file only, for another machine (host-checks.ts). */
  readonly noHostChecks?: boolean;
  readonly options: CliOptions;
}

/** Resolves with the process exit status. */
export const configTester = async (req: ConfigTestRequest): Promise<number> => {
  const read = readConfig(req.configFile, req.options);
  const { config } = read;
  const { diagnostics, exitCode: status } =
    req.noHostChecks === true ? { diagnostics: read.diagnostics, exitCode: configTestExitCode(read.diagnostics) } : withHostChecks(read.diagnostics, checkHost(config, realHostProbe()));
  if (req.json === true) {
    process.stdout.write(`${JSON.stringify(configTestJson(diagnostics, status), null, 2)}\n`);
  } else {
    const text = configTestText(diagnostics, status);
    if (req.logFile !== undefined) {
      const w = writeConfigTestLog(req.logFile, text);
      if (!w.ok) {
        process.stderr.write(`${w.reason}\n`);
        return 1;
      }
    } else process.stderr.write(text);
  }
  if (req.options.dumpConf && req.json !== true) process.stdout.write(printConfig(config));
  return status;
};

/** `-t`'s report: one line per diagnostic (with its hint), then "configuration OK" when clean. */
export function configTestText(diagnostics: readonly Diagnostic[], status: number): string {
  const text = diagnostics.map((d) => formatDiagnostic(d) + '\n').join('');
  // keepalived says nothing when it could not check the file here (host-checks.ts).
  const summary = status === 0 && !diagnostics.some((d) => d.code === 'KA_CFG_HOST_NAMESPACE') ? 'configuration OK\n' : '';
  return text + summary;
}

/** keepalived opens -tFILE (and reload_check_config's LOGFILE) without following a link, mode 0600. */
export function writeConfigTestLog(path: string, text: string): Result<void> {
  const fd = openNoFollow(path, 'truncate', 0o600);
  if (!fd.ok) return fail(`Unable to open config-test log file ${path} ${fd.reason.errno} - ${strerror(fd.reason.code)}`);
  try {
    writeSync(fd.value, text);
  } finally {
    closeSync(fd.value);
  }
  return ok(undefined);
}

export function summarize(config: KeepalivedConfig): ConfigSummary {
  const x = config.globalDefs;
  const names: { -readonly [K in keyof ProcessNameSettings]: ProcessNameSettings[K] } = {};
  if (x?.processNames === true) names.processNames = true;
  if (x?.processName !== undefined) names.parent = x.processName;
  if (x?.vrrpProcess?.processName !== undefined) names.vrrp = x.vrrpProcess.processName;
  if (x?.checkerProcess?.processName !== undefined) names.checker = x.checkerProcess.processName;
  return {
    hasVrrp: config.vrrpInstances.length > 0 || config.staticIpAddresses.length > 0,
    hasChecker: config.virtualServers.length > 0,
    childWaitTimeS: config.childWaitTimeS,
    ...(Object.keys(names).length > 0 ? { processNames: names } : {}),
  };
}
