/**
 * `keepalived-ts -t[FILE]` and the parent's pre-fork config summary, built on the config
 * pipeline. Exit status as keepalived's code: 0 clean, 4 cannot run, 5 errors but
 * runnable, 6 script security (reference §1b).
 */
import { writeFileSync } from 'node:fs';
import type { LoadResult } from '../config/load.js';
import { readConfigFile } from '../config/read-config.js';
import { configTestExitCode, formatDiagnostic } from '../config/diagnostics.js';
import type { KeepalivedConfig } from '../config/model.js';
import { ok, type Result } from '../core/result.js';
import type { ConfigSummary } from '../watchdog/children.js';
import type { ConfigTester } from './config-seam.js';
import type { CliOptions } from './options.js';

export function readConfig(path: string, options: Pick<CliOptions, 'configId'>): LoadResult {
  return readConfigFile(path, options.configId);
}

export const configTester: ConfigTester = async (req) => {
  const { diagnostics } = readConfig(req.configFile, req.options);
  const text = diagnostics.map((d) => formatDiagnostic(d) + '\n').join('');
  const status = configTestExitCode(diagnostics);
  const summary = status === 0 ? 'configuration OK\n' : '';
  if (req.logFile !== undefined) writeFileSync(req.logFile, text + summary);
  else process.stderr.write(text + summary);
  return status;
};

export function summarize(config: KeepalivedConfig): ConfigSummary {
  return {
    hasVrrp: config.vrrpInstances.length > 0 || config.staticIpAddresses.length > 0,
    hasChecker: config.virtualServers.length > 0,
    childWaitTimeS: 5,
  };
}

export const configSummaryLoader = async (path: string, options: Pick<CliOptions, 'configId'>): Promise<Result<ConfigSummary>> => {
  const { config } = readConfig(path, options);
  return ok(summarize(config));
};
