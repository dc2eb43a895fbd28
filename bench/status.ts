/**
 * status: what the status model costs at scale (docs/status-api.md). One node runs N
 * instances (default 1000, all MASTER, bench/scale.ts's layout); the control socket is asked
 * while they start (how soon `status` sees them all MASTER), then once the copy is fresh and
 * once stale (the parent asks the VRRP child for a full update), then by 1000 concurrent
 * clients; plus the document's size and the parent's memory.
 * Env: BENCH_STATUS_INSTANCES (default 1000).
 */
import { readFileSync } from 'node:fs';
import { askDaemon } from '../src/cli/status-client.js';
import { controlSocketPath, type ControlResponse } from '../src/process/control-protocol.js';
import { keepalivedConf } from '../test/lab/keepalived-conf.js';
import { keepalivedTsCommand, LabDaemon } from '../test/lab/lab-daemon.js';
import { createLab } from '../test/lab/netns.js';
import { nowUs, sleep } from '../test/lab/proc.js';
import { envNumber, fmt, markdownTable, outDir, requireTools, writeJson } from './common.js';
import { addInterfaces, parseProcStatTicks, parseStatusKb, PER_INTERFACE, scaleInstances, ticksPerSecond } from './scale.js';

const REQ = '{"version":1,"command":"status"}\n';

async function ask(path: string): Promise<{ ms: number; bytes: number; doc: Extract<ControlResponse, { ok: true }>['status'] }> {
  const t = performance.now();
  const raw = await askDaemon(path, REQ, 60_000);
  const ms = performance.now() - t;
  const r = JSON.parse(raw) as ControlResponse;
  if (!r.ok) throw new Error(`status: ${r.error.message}`);
  return { ms, bytes: Buffer.byteLength(raw), doc: r.status };
}

export async function statusBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  requireTools([['ip', 'iproute2'], ['python3', 'python3']]);
  const n = envNumber('BENCH_STATUS_INSTANCES', 1000, env);
  const dir = outDir('status', env);
  const lab = createLab(1, 'bst');
  const d = new LabDaemon(lab, lab.host(1), dir, keepalivedTsCommand(env), keepalivedConf({ routerId: 'kts_status', vrrpVersion: 3, instances: scaleInstances(n) }));
  try {
    addInterfaces(lab, lab.host(1), Math.ceil(n / PER_INTERFACE));
    const path = controlSocketPath(d.pidFile);
    const t0 = d.start();
    let allMasterMs = NaN;
    for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(200)) {
      try {
        const { doc } = await ask(path);
        if (doc.instances.filter((i) => i.state === 'MASTER').length === n) {
          allMasterMs = (nowUs() - t0) / 1000;
          break;
        }
      } catch {
        // not listening yet
      }
    }
    await sleep(1500);
    const fresh = await ask(path); // the copy is < 1 s old only if something changed: usually a refresh
    const again = await ask(path); // right after: served from the copy
    await sleep(1500);
    const stale = await ask(path);
    const main = d.mainPid() ?? 0;
    const cpu = (): number => parseProcStatTicks(readFileSync(`/proc/${main}/stat`, 'utf8')) / ticksPerSecond();
    const cpu0 = cpu();
    const t = performance.now();
    const all = await Promise.all(Array.from({ length: 1000 }, () => askDaemon(path, REQ, 60_000)));
    const concurrentMs = performance.now() - t;
    const parentCpuS = cpu() - cpu0;
    const okCount = all.filter((raw) => (JSON.parse(raw) as ControlResponse).ok).length;
    const status = readFileSync(`/proc/${main}/status`, 'utf8');
    const result = {
      instances: n,
      allMasterSeenMs: allMasterMs,
      firstMs: fresh.ms,
      fromCopyMs: again.ms,
      staleRefreshMs: stale.ms,
      documentBytes: stale.bytes,
      concurrent1000Ms: concurrentMs,
      concurrentOk: okCount,
      concurrentParentCpuS: parentCpuS,
      parentVmRssKb: parseStatusKb(status, 'VmRSS'),
      parentVmHwmKb: parseStatusKb(status, 'VmHWM'),
    };
    writeJson(`${dir}/status.json`, result);
    return [
      `### status — ${n} instances, all MASTER, one node`,
      '',
      markdownTable(
        ['all MASTER seen by status', 'one request (copy fresh)', 'one request (stale: child refresh)', 'document', '1000 concurrent (parent CPU)', 'parent VmRSS / VmHWM'],
        [[`${fmt(allMasterMs / 1000, 1)} s`, `${fmt(again.ms, 1)} ms`, `${fmt(stale.ms, 1)} ms`, `${fmt(stale.bytes / 1024, 0)} KiB`, `${fmt(concurrentMs, 0)} ms, ${okCount} ok (${fmt(parentCpuS, 2)} s)`, `${fmt(result.parentVmRssKb / 1024, 1)} / ${fmt(result.parentVmHwmKb / 1024, 1)} MB`]],
      ),
      '',
    ].join('\n');
  } finally {
    await d.stop();
    lab.down();
  }
}
