/**
 * Checker matrix, part 1: the real checker child (`keepalived-ts -n -l -D -C`) on lab host
 * h1 against real backends on h2, one daemon run with a virtual server per case:
 * TCP_CHECK (python listener), HTTP_GET with a digest and SSL_GET (the test web server,
 * TLS with an openssl self-signed certificate), an HTTP_GET timeout (a listener that
 * accepts and never answers), alpha start with the backend up and down, and quorum 2 with a
 * sorry server. Every polled case goes DOWN after retry+1 failures spaced
 * delay_before_retry and UP on the first success (matrix-kit.ts downUpCycle), with its
 * notify scripts, exact lvs_notify_fifo lines and SMTP alerts (smtp-recorder.py). The host
 * kernel has no ip_vs: everything is asserted from log lines, the FIFO and the mails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkerOnly, keepalivedTsCommand, LabDaemon, type DaemonRecord } from '../lab/lab-daemon.js';
import { createLab, requireCommands } from '../lab/netns.js';
import { waitFor } from '../lab/wait.js';
import { LINES } from '../../src/check/format.js';
import { assertCycleEffects, downUpCycle, failedAttempt, lineAfter, notifyLines, notifyRecorder, startListener, stopProc, watchEffects, type EffectsWatch, type MatrixCase } from './matrix-kit.js';
import { startTestServer, type TestServer } from './test-server-proc.js';

const TIMING = { retry: 2, delayBeforeRetryMs: 500, delayLoopMs: 1000 };
const CHECK_TIMING = `      connect_timeout 1\n      retry 2\n      delay_before_retry 0.5\n      warmup 0\n      log_all_failures\n`;
/** MD5 of the test server's /ok page ("hello world\n"), as genhash prints it. */
const OK_DIGEST = '6f5902ac237024bdd0c176cb93063dc4';

function vsBlock(addr: string, port: number, body: string, extra = ''): string {
  return `virtual_server ${addr} ${port} {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  smtp_alert\n  protocol TCP\n${extra}${body}}\n`;
}

test('checker matrix: TCP_CHECK, HTTP_GET, SSL_GET, HTTP timeout, alpha, quorum + sorry server, FIFO and SMTP in one checker child', { timeout: 120_000 }, async () => {
  requireCommands({ python3: 'python3', openssl: 'openssl', ss: 'iproute2' });
  const lab = createLab(2, 'mx1');
  const dir = mkdtempSync(join(tmpdir(), 'kts-mx1-'));
  const procs = new Set<ChildProcess>();
  let web: TestServer | undefined;
  let d: LabDaemon | undefined;
  let fx: EffectsWatch | undefined;
  try {
    const h1 = lab.host(1);
    const h2 = lab.host(2);
    const b = h2.ip4;
    const notify = notifyRecorder(dir);
    fx = await watchEffects(lab, h2, dir);
    const effects = fx;
    const n = (tag: string): string => notifyLines(notify.script, tag);
    const listen = async (port: number, mode: 'close' | 'hold' = 'close'): Promise<ChildProcess> => {
      const p = await startListener(lab, h2, port, mode);
      procs.add(p);
      return p;
    };
    const listeners = new Map<number, ChildProcess>();
    for (const port of [9001, 9005, 9011, 9012]) listeners.set(port, await listen(port));
    await listen(9004, 'hold');
    web = startTestServer(lab, h2, dir);
    await web.ready;

    const conf =
      `global_defs {\n  router_id matrix1\n  enable_script_security\n  script_user root\n${fx.globalDefs}}\n` +
      vsBlock('203.0.113.1', 80, `  real_server ${b} 9001 {\n${n('tcp')}    TCP_CHECK {\n${CHECK_TIMING}    }\n  }\n`) +
      vsBlock('203.0.113.2', 80, `  real_server ${b} 8080 {\n${n('http')}    HTTP_GET {\n      url {\n        path /ok\n        digest ${OK_DIGEST}\n      }\n${CHECK_TIMING}    }\n  }\n`) +
      vsBlock('203.0.113.3', 443, `  real_server ${b} 8443 {\n${n('ssl')}    SSL_GET {\n      url {\n        path /ok\n        status_code 200\n      }\n${CHECK_TIMING}    }\n  }\n`) +
      vsBlock('203.0.113.4', 80, `  real_server ${b} 9004 {\n    HTTP_GET {\n      url {\n        path /ok\n      }\n${CHECK_TIMING}    }\n  }\n`) +
      vsBlock('203.0.113.5', 80, `  real_server ${b} 9005 {\n    TCP_CHECK {\n${CHECK_TIMING}    }\n  }\n`, '  alpha\n') +
      vsBlock('203.0.113.6', 80, `  real_server ${b} 9006 {\n    TCP_CHECK {\n${CHECK_TIMING}    }\n  }\n`, '  alpha\n') +
      vsBlock(
        '203.0.113.7',
        80,
        `  real_server ${b} 9011 {\n    TCP_CHECK {\n${CHECK_TIMING}    }\n  }\n  real_server ${b} 9012 {\n${n('quorum-rs')}    TCP_CHECK {\n${CHECK_TIMING}    }\n  }\n`,
        `  quorum 2\n  sorry_server ${b} 9099\n  quorum_up "${notify.script} qup vs7"\n  quorum_down "${notify.script} qdown vs7"\n`,
      );

    d = new LabDaemon(lab, h1, dir, keepalivedTsCommand(), conf, { args: checkerOnly, jsonLog: true });
    d.start();
    const daemon = d;
    const tcp = (tag: string, vsAddr: string, port: number): MatrixCase => {
      const rs = `[${b}]:tcp:${port}`;
      return {
        tag,
        vs: `[${vsAddr}]:tcp:80`,
        rs,
        chk: rs,
        upLine: `TCP connection to ${rs} success.`,
        mail: { down: '=> TCP CHECK failed on service <=', up: '=> TCP CHECK succeed on service <=' },
        downLine: `TCP_CHECK on service ${rs} failed after 2 retries.`,
        attemptMs: 0,
        away: () => stopProc(listeners.get(port)!),
        back: async () => void listeners.set(port, await listen(port)),
      };
    };
    let webBack: Promise<void> | undefined;
    const restartWeb = (): Promise<void> => (webBack ??= (async () => {
      web = startTestServer(lab, h2, dir, true);
      await web.ready;
    })());
    const web1 = (tag: string, vsAddr: string, vsPort: number, port: number): MatrixCase => {
      const rs = `[${b}]:tcp:${port}`;
      return {
        tag,
        vs: `[${vsAddr}]:tcp:${vsPort}`,
        rs,
        chk: rs,
        upLine: `Remote Web server ${rs} succeed on service.`,
        mail: { down: '=> CHECK failed on service : HTTP request failed <=', up: '=> CHECK succeed on service <=' },
        downLine: `HTTP_CHECK on service ${rs} failed after 2 retries.`,
        attemptMs: 0,
        away: () => web?.stop(),
        back: restartWeb,
      };
    };
    const cases = [tcp('tcp', '203.0.113.1', 9001), web1('http', '203.0.113.2', 80, 8080), web1('ssl', '203.0.113.3', 443, 8443), tcp('quorum-rs', '203.0.113.7', 9012)];

    // Start-up: every non-alpha checker's first success is logged; the alpha RS with a live
    // backend is added only after its first success, the dead one never.
    for (const c of cases) await lineAfter(daemon, c.upLine, 0, 10_000);
    const alphaRs = `[${b}]:tcp:9005`;
    const alphaVs = '[203.0.113.5]:tcp:80';
    const alphaUp = await lineAfter(daemon, `TCP connection to ${alphaRs} success.`, 0, 10_000);
    const alphaAdd = await lineAfter(daemon, LINES.rsAdd(alphaRs, alphaVs, false), 0, 3000);
    const msgs = (): string[] => daemon.records().map((r) => r.msg);
    assert.ok(msgs().indexOf(alphaAdd.msg) > msgs().indexOf(alphaUp.msg), 'alpha RS added after its first success');
    await lineAfter(daemon, LINES.gained(1, 0, 1, alphaVs), alphaUp.tMs, 3000);
    const activated = await lineAfter(daemon, LINES.activating(`[${b}]:tcp:9004`, '[203.0.113.4]:tcp:80'), 0, 1000);

    await downUpCycle(daemon, cases, TIMING, notify.calls);
    await assertCycleEffects(effects, cases, 'matrix1');

    // Timeout: a server that accepts and never answers fails each attempt after connect_timeout.
    const hungChk = `[${b}]:tcp:9004`;
    const hungLines = (): DaemonRecord[] => daemon.records().filter((r) => failedAttempt(hungChk).test(r.msg));
    await waitFor(() => hungLines().length >= 4, 8000, 'four attempts on the hung server');
    const hung = hungLines();
    // Daemon-stamped: never before connect_timeout; later only by the daemon's own scheduling.
    const firstHung = hung[0]!.tMs - activated.tMs;
    assert.ok(firstHung >= 995 && firstHung <= 1700, `first attempt failed ${firstHung} ms after start (connect_timeout 1 s)`);
    assert.match(hung[0]!.msg, /time/i, 'a timeout, not a refusal');
    // A checker's very first result is applied at once (keepalived pre-loads the retry
    // counter): DOWN on that first failure. A DOWN checker still spends its retries (as
    // keepalived's): attempts come delay_before_retry or delay_loop after the previous 1 s one.
    const downHung = await lineAfter(daemon, `HTTP_CHECK on service ${hungChk} failed.`, 0, 1000);
    const [iFirst, iDown] = [msgs().indexOf(hung[0]!.msg), msgs().indexOf(downHung.msg)];
    assert.ok(iDown > iFirst && !msgs().slice(iFirst + 1, iDown).some((m) => failedAttempt(hungChk).test(m)), 'DOWN with the first failure, before a second attempt');
    const later = hung.filter((r) => r.tMs > downHung.tMs);
    for (let i = 1; i < later.length; i++) {
      const gap = later[i]!.tMs - later[i - 1]!.tMs;
      assert.ok(gap >= 1495 && gap <= 2400, `down checker: attempts every delay_before_retry|delay_loop + connect_timeout, got ${gap} ms`);
    }
    assert.equal(msgs().filter((m) => m.includes(`Remote Web server ${hungChk} succeed`)).length, 0);

    // Alpha with a dead backend: never added, never a success.
    const deadRs = `[${b}]:tcp:9006`;
    assert.deepEqual(msgs().filter((m) => m.includes(`service ${deadRs} to VS`) || m.includes(`${deadRs} success`)), []);
    assert.ok(msgs().some((m) => failedAttempt(deadRs).test(m)), 'alpha dead backend was checked');

    // Quorum 2 of 2 with a sorry server: losing one RS loses quorum and swaps the sorry server in.
    const qVs = '[203.0.113.7]:tcp:80';
    const sorry = `[${b}]:tcp:9099`;
    const qDown = await lineAfter(daemon, 'TCP_CHECK on service [192.0.2.12]:tcp:9012 failed after 2 retries.', 0, 1000);
    const lost = await lineAfter(daemon, LINES.lost(2, 0, 1, qVs), qDown.tMs, 1000);
    const sorryIn = await lineAfter(daemon, LINES.sorryAdd(sorry, qVs), lost.tMs, 1000);
    await lineAfter(daemon, LINES.poolRemove(qVs), sorryIn.tMs, 1000);
    const qUp = await lineAfter(daemon, 'TCP connection to [192.0.2.12]:tcp:9012 success.', qDown.tMs, 1000);
    const gained = await lineAfter(daemon, LINES.gained(2, 0, 2, qVs), qUp.tMs, 1000);
    const sorryOut = await lineAfter(daemon, LINES.sorryRemove(sorry, qVs), gained.tMs, 1000);
    await lineAfter(daemon, LINES.poolAdd(qVs), sorryOut.tMs, 1000);
    await waitFor(() => notify.calls().filter((c) => c.args.endsWith(' vs7')).length >= 3, 3000, 'quorum scripts');
    const qScripts = notify.calls().filter((c) => c.args.endsWith(' vs7'));
    // keepalived's start-up pass gains quorum too (log line and quorum_up), then the cycle.
    assert.deepEqual(qScripts.map((c) => c.args), ['qup vs7', 'qdown vs7', 'qup vs7'], 'quorum_up at start, quorum_down, quorum_up');
    assert.ok(qScripts[1]!.tMs >= lost.tMs && qScripts[2]!.tMs >= gained.tMs, 'scripts ran with the transitions, not before');
    assert.equal(msgs().filter((m) => m === LINES.lost(2, 0, 1, qVs)).length, 1);

    // Nothing else flapped: the steady alpha RS stayed up through the cycle.
    assert.equal(msgs().filter((m) => m.includes(`service ${alphaRs} from VS`)).length, 0);
    await d.stop(10_000);
    assert.equal(d.running, false);
  } catch (e) {
    // The daemon's log is the evidence: show it with the failure.
    for (const l of d?.lines ?? []) console.error(`${(l.tUs / 1000).toFixed(0)} ${l.text}`);
    throw e;
  } finally {
    await d?.stop(3000);
    fx?.stop();
    web?.stop();
    for (const p of procs) await stopProc(p);
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
