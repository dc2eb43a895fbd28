/**
 * INTEGRATION SEAMS with the config pipeline (branch `config`). The CLI needs two things
 * from it, both defined here as function types with interim implementations:
 *  - ConfigTester: `keepalived-ts -t[FILE]` (reference §1b: exit 0 ok, 4 cannot run,
 *    5 errors but runnable, 6 script security);
 *  - ConfigSummaryLoader: what the watchdog parent must know before forking children.
 * The integrator replaces INTERIM_CONFIG_TESTER / INTERIM_CONFIG_SUMMARY in keepalived-ts.ts
 * with implementations built on src/config/index.ts and deletes the interim ones.
 */
import { readFile } from 'node:fs/promises';
import { fail, ok, type Result } from '../core/result.js';
import type { ConfigSummary } from '../watchdog/children.js';
import type { CliOptions } from './options.js';

export interface ConfigTestRequest {
  readonly configFile: string;
  /** -tFILE: write the messages there instead of stderr. */
  readonly logFile?: string;
  readonly options: CliOptions;
}

/** Resolves with the process exit status. */
export type ConfigTester = (req: ConfigTestRequest) => Promise<number>;

export type ConfigSummaryLoader = (path: string) => Promise<Result<ConfigSummary>>;

/** EXIT_NOT_CONFIGURED-like answer until the config pipeline is plugged in. */
export const INTERIM_CONFIG_TESTER: ConfigTester = async (req) => {
  process.stderr.write(`keepalived-ts: --config-test is not available yet (config pipeline not integrated); ${req.configFile} was not checked\n`);
  return 4;
};

/** Strips `#`/`!` comments outside quotes (enough for a keyword scan, not a parser). */
function uncomment(line: string): string {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && (c === '#' || c === '!')) return line.slice(0, i);
  }
  return line;
}

/** Interim: a keyword scan of the main file (no includes, no $VAR/@id/~SEQ expansion). */
export function summarizeConfigText(text: string): ConfigSummary {
  let hasVrrp = false;
  let hasChecker = false;
  let childWaitTimeS = 5;
  for (const raw of text.split('\n')) {
    const words = uncomment(raw).trim().split(/\s+/);
    const kw = words[0] ?? '';
    if (kw === 'vrrp_instance' || kw === 'vrrp_sync_group' || kw.startsWith('static_')) hasVrrp = true;
    else if (kw === 'virtual_server' || kw === 'virtual_server_group') hasChecker = true;
    else if (kw === 'child_wait_time' && /^[0-9]+$/.test(words[1] ?? '')) childWaitTimeS = Number(words[1]);
  }
  return { hasVrrp, hasChecker, childWaitTimeS };
}

export const INTERIM_CONFIG_SUMMARY: ConfigSummaryLoader = async (path) => {
  try {
    return ok(summarizeConfigText(await readFile(path, 'utf8')));
  } catch (e) {
    return fail(`Config files missing '${path}'. (${e instanceof Error ? e.message : String(e)})`);
  }
};
