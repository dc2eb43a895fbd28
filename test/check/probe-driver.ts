/**
 * Runs probes inside a lab namespace for test/check/*.test.ts (Node creates a socket's fd
 * lazily, after the tick that called net.connect, so a test process cannot switch
 * namespaces around a connect; a child started with `ip netns exec` can).
 * `node probe-driver.js JSON` where JSON = ProbeJob[]; prints one JSON array of results.
 */
import type { HttpCheckConfig, SslConfig, TcpCheckConfig } from '../../src/config/lvs/model.js';
import { createLogger } from '../../src/core/logger.js';
import type { ProbeOutcome } from '../../src/check/probe.js';
import { createHttpProbe } from '../../src/check/probes/http.js';
import { createTcpProbe } from '../../src/check/probes/tcp.js';

export interface ProbeJob {
  readonly name: string;
  readonly config: TcpCheckConfig | HttpCheckConfig;
  readonly urlIndex?: number;
  readonly ssl?: SslConfig;
  /** Abort the attempt after this many ms. */
  readonly abortAfterMs?: number;
}

export interface ProbeJobResult {
  readonly name: string;
  readonly outcome: ProbeOutcome;
  readonly elapsedMs: number;
  readonly logs: readonly string[];
}

async function runJob(job: ProbeJob): Promise<ProbeJobResult> {
  const logs: string[] = [];
  const log = createLogger({ ident: 'test', level: 'debug', sinks: [(r) => logs.push(`${r.level}: ${r.msg}`)] });
  const env = { log, random: Math.random, ...(job.ssl !== undefined ? { ssl: job.ssl } : {}) };
  const probe = job.config.type === 'TCP_CHECK' ? createTcpProbe(job.config, env) : createHttpProbe(job.config, env);
  const ac = new AbortController();
  const t = job.abortAfterMs !== undefined ? setTimeout(() => ac.abort(), job.abortAfterMs) : undefined;
  const start = performance.now();
  const outcome = await probe.run({ urlIndex: job.urlIndex ?? 0, signal: ac.signal });
  clearTimeout(t);
  probe.close();
  return { name: job.name, outcome, elapsedMs: Math.round(performance.now() - start), logs };
}

async function main(): Promise<void> {
  const jobs = JSON.parse(process.argv[2] ?? '[]') as ProbeJob[];
  const results = await Promise.all(jobs.map(runJob));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

void main();
