/**
 * What the CLI needs from the config pipeline, as function types (implemented in
 * config-test.ts):
 *  - ConfigTester: `keepalived-ts -t[FILE]` (reference §1b: exit 0 ok, 4 cannot run,
 *    5 errors but runnable, 6 script security);
 *  - ConfigSummaryLoader: what the watchdog parent must know before forking children.
 */
import type { Result } from '../core/result.js';
import type { ConfigSummary } from '../watchdog/children.js';
import type { CliOptions } from './options.js';

export interface ConfigTestRequest {
  readonly configFile: string;
  /** -tFILE: write the messages there instead of stderr. */
  readonly logFile?: string;
  /** --json: one JSON document on stdout instead of the text report. */
  readonly json?: boolean;
  readonly options: CliOptions;
}

/** Resolves with the process exit status. */
export type ConfigTester = (req: ConfigTestRequest) => Promise<number>;

export type ConfigSummaryLoader = (path: string) => Promise<Result<ConfigSummary>>;
