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
import { keywordsNotActedOn, notActedOnDiagnostics, reportedDiagnostics, type KeywordNotActedOn, type LoadResult } from '../config/parse-config.js';
import { readConfigFile } from '../config/read-config.js';
import { configTestExitCode, formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
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

/** One keyword the daemon reads but does not (fully) act on, in the `--json` document. */
export interface JsonNotActedOn {
  readonly block: string;
  readonly keyword: string;
  readonly status: KeywordNotActedOn['runtime'];
  readonly note: string | null;
  readonly places: readonly { readonly file: string; readonly line: number; readonly col: number }[];
}

export interface ConfigTestJson {
  readonly exitCode: number;
  readonly diagnostics: readonly JsonDiagnostic[];
  readonly notActedOn: readonly JsonNotActedOn[];
}

export function configTestJson(diagnostics: readonly Diagnostic[], exitCode = configTestExitCode(diagnostics), notActedOn: readonly KeywordNotActedOn[] = []): ConfigTestJson {
  return {
    exitCode,
    notActedOn: notActedOn.map((k) => ({
      block: k.block,
      keyword: k.keyword,
      status: k.runtime,
      note: k.note ?? null,
      places: k.locs.map((l) => ({ file: l.file, line: l.line, col: l.col })),
    })),
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
  /** --not-acted-on: the keywords the daemon does not (fully) act on, one per line, instead of the diagnostics. */
  readonly notActedOn?: boolean;
  readonly options: CliOptions;
}

/** Resolves with the process exit status. */
export const configTester = async (req: ConfigTestRequest): Promise<number> => {
  const read = readConfig(req.configFile, req.options);
  const { config } = read;
  const reported = reportedDiagnostics(read);
  const { diagnostics, exitCode: status } =
    req.noHostChecks === true ? { diagnostics: reported, exitCode: configTestExitCode(reported) } : withHostChecks(reported, checkHost(config, realHostProbe()));
  const notActedOn = keywordsNotActedOn(read);
  if (req.json === true) {
    process.stdout.write(`${JSON.stringify(configTestJson(diagnostics, status, notActedOn), null, 2)}\n`);
  } else {
    const text = req.notActedOn === true ? formatNotActedOnList(notActedOn) : configTestText(diagnostics, status);
    if (req.logFile !== undefined) {
      // keepalived gives up with 1 when it cannot open -tFILE.
      const w = writeConfigTestLog(req.logFile, text);
      if (!w.ok) {
        process.stderr.write(`${w.reason}\n`);
        return 1;
      }
    } else if (req.notActedOn === true) process.stdout.write(text);
    else process.stderr.write(text);
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

/**
 * `-t --not-acted-on`: one line per keyword (status, block, keyword, every place; the note
 * for a partly acted-on one), aligned, or a line saying there is none.
 */
export function formatNotActedOnList(list: readonly KeywordNotActedOn[]): string {
  if (list.length === 0) return 'every keyword of the file is acted on\n';
  const rows = list.map((k) => [k.runtime, k.block, k.keyword, k.locs.map((l) => `${l.file}:${l.line}:${l.col}`).join(' ') + (k.note !== undefined ? `  (${k.note})` : '')]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c)).join('  ') + '\n').join('');
}

export function summarize(read: Pick<LoadResult, 'config' | 'keywordUses'>): ConfigSummary {
  const { config } = read;
  const x = config.globalDefs;
  const names: { -readonly [K in keyof ProcessNameSettings]: ProcessNameSettings[K] } = {};
  if (x?.processNames === true) names.processNames = true;
  if (x?.processName !== undefined) names.parent = x.processName;
  if (x?.vrrpProcess?.processName !== undefined) names.vrrp = x.vrrpProcess.processName;
  if (x?.checkerProcess?.processName !== undefined) names.checker = x.checkerProcess.processName;
  return {
    hasVrrp: config.vrrpInstances.length > 0 || config.staticIpAddresses.length > 0 || config.staticRoutes.length > 0 || config.staticRules.length > 0,
    hasChecker: config.virtualServers.length > 0,
    childWaitTimeS: config.childWaitTimeS,
    ...(config.netNamespace !== undefined ? { netNamespace: config.netNamespace } : {}),
    ...(Object.keys(names).length > 0 ? { processNames: names } : {}),
    notActedOn: notActedOnDiagnostics(read).map(formatDiagnostic),
    globalDefs: config.globalDefs,
  };
}
