/**
 * The real checker child through the CLI (`-n -l -D -C`) in a lab namespace, against a TCP
 * listener there that the test stops and restarts: DOWN after retry+1 failures spaced
 * delay_before_retry, UP on recovery, notify_up/notify_down scripts run, and the one
 * "IPVS not available" line (this kernel has no ip_vs; the child keeps checking).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkerOnly, keepalivedTsCommand, LabDaemon } from '../lab/lab-daemon.js';
import { createLab, requireCommands } from '../lab/netns.js';
import { nowUs, sleep } from '../lab/proc.js';
import { waitFor } from '../lab/wait.js';
import { startListener, stopProc } from './matrix-kit.js';

test('checker child: TCP_CHECK DOWN after retry+1 failures, kept DOWN across SIGHUP, UP on recovery, notify scripts, no IPVS', { timeout: 60_000 }, async () => {
  requireCommands({ python3: 'python3', ip: 'iproute2' });
  const lab = createLab(1, 'chk');
  const dir = mkdtempSync(join(tmpdir(), 'kts-chk-e2e-'));
  const listeners: ChildProcess[] = [];
  let d: LabDaemon | undefined;
  try {
    const h = lab.host(1);
    const port = 8081;
    const log = join(dir, 'notify.log');
    const script = join(dir, 'notify.sh');
    writeFileSync(script, `#!/bin/sh\necho "$*" >> ${log}\n`);
    chmodSync(script, 0o755);
    const conf = `global_defs {
  router_id chk_e2e
}
virtual_server 198.51.100.1 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server ${h.ip4} ${port} {
    notify_up "${script} up"
    notify_down "${script} down"
    TCP_CHECK {
      connect_timeout 1
      retry 2
      delay_before_retry 1
      warmup 0
    }
  }
}
`;
    listeners.push(await startListener(lab, h, port));
    d = new LabDaemon(lab, h, dir, keepalivedTsCommand(), conf, { args: checkerOnly });
    d.start();
    const rs = `[${h.ip4}]:tcp:${port}`;
    const vs = '[198.51.100.1]:tcp:80';
    await d.waitLine(/IPVS not available/, 0, 20_000);
    const first = await d.waitLine(new RegExp(`TCP connection to \\[${h.ip4}\\]:tcp:${port} success\\.`), 0, 20_000);
    assert.equal(d.lines.filter((l) => /Can't initialize ipvs/.test(l.text)).length, 1, 'one IPVS error line');

    await stopProc(listeners.pop()!);
    const tStop = Date.now();
    const downLine = await d.waitLine(/failed after 2 retries\./, first.tUs, 15_000);
    const downMs = Date.now() - tStop;
    assert.equal(downLine.text.endsWith(`TCP_CHECK on service ${rs} failed after 2 retries.`), true, downLine.text);
    // Next loop run ≤ 1 s after the stop, then 2 retries 1 s apart: 2..3 s (+ slack for a loaded CI).
    assert.ok(downMs >= 1800 && downMs <= 6000, `DOWN ${downMs} ms after the listener stopped`);
    const removed = await d.waitLine(new RegExp(`Removing service \\[${h.ip4}\\]:tcp:${port} from VS \\[198\\.51\\.100\\.1\\]:tcp:80`), downLine.tUs, 5000);
    assert.ok(removed.text.includes(vs));
    await d.waitLine(/Lost quorum 1-0=1 > 0 for VS \[198\.51\.100\.1\]:tcp:80/, downLine.tUs, 5000);
    await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('down'), 5000, 'notify_down ran');

    // SIGHUP: the failed RS stays failed (its checker state is carried, #2318), no flap.
    const tHup = nowUs();
    d.signal('SIGHUP');
    await d.waitLine(/Reload complete: 1 of 1 virtual servers unchanged, 0 changed, 0 new; 1 checkers kept their state, 0 started/, downLine.tUs, 10_000);
    await sleep(1500);
    assert.deepEqual(d.lines.filter((l) => l.tUs >= tHup && /success\.|Adding service|Gained quorum/.test(l.text)).map((l) => l.text), [], 'no flap on reload');

    listeners.push(await startListener(lab, h, port));
    const up = await d.waitLine(new RegExp(`TCP connection to \\[${h.ip4}\\]:tcp:${port} success\\.`), downLine.tUs, 10_000);
    await d.waitLine(new RegExp(`Adding service \\[${h.ip4}\\]:tcp:${port} to VS`), up.tUs, 5000);
    await d.waitLine(/Gained quorum 1\+0=1 <= 1 for VS \[198\.51\.100\.1\]:tcp:80/, up.tUs, 5000);
    await waitFor(() => readFileSync(log, 'utf8').split('\n').filter(Boolean).join(',') === 'down,up', 5000, 'notify_up ran after notify_down');
    assert.equal(d.lines.filter((l) => /failed after/.test(l.text)).length, 1, 'one DOWN transition');
    assert.deepEqual(d.lines.filter((l) => /IPVS: [a-z-]+ failed:/.test(l.text)).map((l) => l.text), [], 'no per-transition IPVS errors');

    await d.stop(10_000);
    assert.equal(d.running, false);
    assert.ok(d.lines.some((l) => /Shutting down service/.test(l.text)), 'releases its RS at stop');
  } finally {
    await d?.stop(3000);
    for (const p of listeners) await stopProc(p);
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
