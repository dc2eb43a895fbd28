/**
 * Checker matrix, part 2: the real checker child (`keepalived-ts -n -l -D -C`) on lab host
 * h1 against real services on h2, one daemon run with a virtual server per checker type:
 * SMTP_CHECK (python3's smtpd), DNS_CHECK (dnsmasq), UDP_CHECK with require_reply (the echo
 * service of probe-servers.ts), PING_CHECK (h2 stops answering with icmp_echo_ignore_all)
 * and MISC_CHECK (a script whose exit status a file decides). Each goes DOWN after retry+1
 * failures spaced delay_before_retry (+ the attempt's own time: 1 s per unanswered ping)
 * and UP on the first success, with notify_down/notify_up (matrix-kit.ts downUpCycle);
 * then FILE_CHECK (event driven: a track_file the test writes). The lvs_notify_fifo lines
 * (`RS …`/`VS …`) and SMTP alerts (smtp-recorder.py) of every transition are asserted exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkerOnly, keepalivedTsCommand, LabDaemon } from '../lab/lab-daemon.js';
import { createLab, requireCommands, type LabHost } from '../lab/netns.js';
import { waitFor } from '../lab/wait.js';
import { LINES } from '../../src/check/format.js';
import { assertCycleEffects, downUpCycle, lineAfter, notifyLines, nowMs, notifyRecorder, startReady, stopProc, waitListening, watchEffects, type EffectsWatch, type MatrixCase } from './matrix-kit.js';

const SERVERS = join(dirname(fileURLToPath(import.meta.url)), 'probe-servers.js');
const TIMING = { retry: 2, delayBeforeRetryMs: 500, delayLoopMs: 1000 };
const TIMING_KW = `      retry 2\n      delay_before_retry 0.5\n      warmup 0\n      log_all_failures\n`;
const CHECK_TIMING = `      connect_timeout 1\n${TIMING_KW}`;

function vsBlock(addr: string, port: number, proto: 'TCP' | 'UDP', body: string): string {
  return `virtual_server ${addr} ${port} {\n  delay_loop 1\n  lb_algo rr\n  lb_kind NAT\n  smtp_alert\n  protocol ${proto}\n${body}}\n`;
}

test('checker matrix: SMTP_CHECK, DNS_CHECK, UDP_CHECK, PING_CHECK, MISC_CHECK, FILE_CHECK with FIFO lines and SMTP alerts in one checker child', { timeout: 120_000 }, async () => {
  requireCommands({ python3: 'python3', dnsmasq: 'dnsmasq-base', ss: 'iproute2', sysctl: 'procps' });
  const lab = createLab(2, 'mx2');
  const dir = mkdtempSync(join(tmpdir(), 'kts-mx2-'));
  const procs = new Set<ChildProcess>();
  let d: LabDaemon | undefined;
  let fx: EffectsWatch | undefined;
  try {
    const h1 = lab.host(1);
    const h2 = lab.host(2);
    const b = h2.ip4;
    // Closed UDP ports must answer every attempt with ICMP port unreachable, not rate-limited.
    lab.exec(h2, ['sysctl', '-qw', 'net.ipv4.icmp_ratelimit=0']);
    const notify = notifyRecorder(dir);
    fx = await watchEffects(lab, h2, dir);
    const effects = fx;
    const n = (tag: string): string => notifyLines(notify.script, tag);
    const track = (p: ChildProcess): ChildProcess => (procs.add(p), p);

    const smtp = async (): Promise<ChildProcess> => {
      const p = track(lab.spawn(h2, ['python3', '-W', 'ignore', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `${b}:2525`]));
      await waitListening(lab, h2, 't', 2525);
      return p;
    };
    const dns = async (): Promise<ChildProcess> => {
      const p = track(lab.spawn(h2, ['dnsmasq', '-k', '-C', '/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', `--listen-address=${b}`, '-p', '5300', '-u', 'root', '--pid-file=', '--address=/example.test/192.0.2.99']));
      await waitListening(lab, h2, 'u', 5300);
      return p;
    };
    const udp = async (): Promise<ChildProcess> => track(await startReady(lab, h2, [process.execPath, SERVERS, b, h2.ip6], /ready/));
    const running = new Map<string, ChildProcess>([
      ['smtp', await smtp()],
      ['dns', await dns()],
      ['udp', await udp()],
    ]);
    const miscState = join(dir, 'misc.state');
    const miscScript = join(dir, 'misc-check.sh');
    writeFileSync(miscState, 'up\n');
    writeFileSync(miscScript, `#!/bin/sh\n[ "$(cat ${miscState})" = up ]\n`);
    chmodSync(miscScript, 0o755);
    const trackFile = join(dir, 'track');
    writeFileSync(trackFile, '0\n');

    const conf =
      `global_defs {\n  router_id matrix2\n  enable_script_security\n  script_user root\n${fx.globalDefs}}\n` +
      `track_file TF {\n  file "${trackFile}"\n  weight 0\n}\n` +
      vsBlock('203.0.113.11', 25, 'TCP', `  real_server ${b} 2525 {\n${n('smtp')}    SMTP_CHECK {\n      helo_name matrix.example\n${CHECK_TIMING}    }\n  }\n`) +
      vsBlock('203.0.113.12', 53, 'UDP', `  real_server ${b} 5300 {\n${n('dns')}    DNS_CHECK {\n      type A\n      name example.test\n${CHECK_TIMING}    }\n  }\n`) +
      vsBlock('203.0.113.13', 7, 'UDP', `  real_server ${b} 7007 {\n${n('udp')}    UDP_CHECK {\n      payload deadbeef01\n      require_reply deadbeef01\n${CHECK_TIMING}    }\n  }\n`) +
      vsBlock('203.0.113.14', 80, 'TCP', `  real_server ${b} 80 {\n${n('ping')}    PING_CHECK {\n${CHECK_TIMING}    }\n  }\n`) +
      vsBlock('203.0.113.15', 80, 'TCP', `  real_server ${b} 9100 {\n${n('misc')}    MISC_CHECK {\n      misc_path "${miscScript}"\n      misc_timeout 1\n${TIMING_KW}    }\n  }\n`) +
      vsBlock('203.0.113.16', 80, 'TCP', `  real_server ${b} 9200 {\n${n('file')}    FILE_CHECK {\n      track_file TF\n    }\n  }\n`);

    d = new LabDaemon(lab, h1, dir, keepalivedTsCommand(), conf, { args: checkerOnly, jsonLog: true });
    d.start();
    const daemon = d;
    const restart = (tag: string, start: () => Promise<ChildProcess>) => async (): Promise<void> => void running.set(tag, await start());
    const kill = (tag: string) => (): Promise<void> => stopProc(running.get(tag)!);
    const sysctlPing = (host: LabHost, ignore: boolean): void => void lab.exec(host, ['sysctl', '-qw', `net.ipv4.icmp_echo_ignore_all=${ignore ? 1 : 0}`]);
    const rsOf = (proto: 'tcp' | 'udp', port: number): string => `[${b}]:${proto}:${port}`;
    const cases: MatrixCase[] = [
      {
        tag: 'smtp',
        mail: { down: '=> CHECK failed on service : connection refused <=', up: '=> CHECK succeed on service <=' },
        vs: '[203.0.113.11]:tcp:25',
        rs: rsOf('tcp', 2525),
        chk: rsOf('tcp', 2525),
        upLine: `Remote SMTP server ${rsOf('tcp', 2525)} succeed on service.`,
        downLine: `SMTP_CHECK on service ${rsOf('tcp', 2525)} failed after 2 retries.`,
        attemptMs: 0,
        away: kill('smtp'),
        back: restart('smtp', smtp),
      },
      {
        tag: 'dns',
        mail: { down: '=> DNS_CHECK: failed on service <=', up: '=> DNS_CHECK: succeed on service <=' },
        vs: '[203.0.113.12]:udp:53',
        rs: rsOf('udp', 5300),
        chk: rsOf('udp', 5300),
        upLine: `DNS_CHECK on service ${rsOf('udp', 5300)} succeed.`,
        downLine: `DNS_CHECK on service ${rsOf('udp', 5300)} failed after 2 retries.`,
        attemptMs: 0,
        away: kill('dns'),
        back: restart('dns', dns),
      },
      {
        tag: 'udp',
        mail: { down: '=> UDP CHECK failed on service <=', up: '=> UDP CHECK succeed on service <=' },
        vs: '[203.0.113.13]:udp:7',
        rs: rsOf('udp', 7007),
        chk: rsOf('udp', 7007),
        upLine: `UDP connection to ${rsOf('udp', 7007)} success.`,
        downLine: `UDP_CHECK on service ${rsOf('udp', 7007)} failed after 2 retries.`,
        attemptMs: 0,
        away: kill('udp'),
        back: restart('udp', udp),
      },
      {
        tag: 'ping',
        mail: { down: '=> ICMP CHECK failed on service <=', up: '=> ICMP CHECK succeed on service <=' },
        vs: '[203.0.113.14]:tcp:80',
        rs: rsOf('tcp', 80),
        chk: rsOf('tcp', 80),
        upLine: `PING_CHECK on service ${rsOf('tcp', 80)} succeed.`,
        downLine: `PING_CHECK on service ${rsOf('tcp', 80)} failed after 2 retries.`,
        // An unanswered echo fails at connect_timeout.
        attemptMs: 1000,
        away: () => sysctlPing(h2, true),
        back: async () => sysctlPing(h2, false),
      },
      {
        tag: 'misc',
        mail: { down: '=> MISC CHECK failed on service <=', up: '=> MISC CHECK succeeded on service <=' },
        vs: '[203.0.113.15]:tcp:80',
        rs: rsOf('tcp', 9100),
        chk: rsOf('tcp', 9100),
        upLine: `Misc check for [${miscScript}] success.`,
        downLine: `Misc check for [${miscScript}] failed after 2 retries.`,
        attemptMs: 0,
        away: () => writeFileSync(miscState, 'down\n'),
        back: async () => writeFileSync(miscState, 'up\n'),
      },
    ];
    for (const c of cases) await lineAfter(daemon, c.upLine, 0, 10_000);
    await downUpCycle(daemon, cases, TIMING, notify.calls);
    await assertCycleEffects(effects, cases, 'matrix2');

    // FILE_CHECK is event driven (no retries): weight 0, so a non-zero value is a failure at once.
    const fileRs = rsOf('tcp', 9200);
    const fileVs = '[203.0.113.16]:tcp:80';
    const tFault = nowMs();
    writeFileSync(trackFile, '1\n');
    const fault = await lineAfter(daemon, `(${fileRs}): tracked file TF now FAULT state`, tFault, 5000);
    assert.ok(fault.tMs - tFault < 500, `FILE_CHECK down ${fault.tMs - tFault} ms after the write (daemon-stamped)`);
    const removed = await lineAfter(daemon, LINES.rsRemove(fileRs, fileVs, false), fault.tMs, 1000);
    await lineAfter(daemon, LINES.lost(1, 0, 0, fileVs), removed.tMs, 1000);
    // Notify scripts run unordered (as keepalived's): let notify_down finish before the way back.
    await waitFor(() => notify.calls().some((c) => c.args === 'down file'), 5000, 'FILE_CHECK notify_down');
    const tOk = nowMs();
    writeFileSync(trackFile, '0\n');
    const ok = await lineAfter(daemon, `(${fileRs}): tracked file TF leaving FAULT state`, tOk, 5000);
    assert.ok(ok.tMs - tOk < 500, `FILE_CHECK up ${ok.tMs - tOk} ms after the write (daemon-stamped)`);
    await lineAfter(daemon, LINES.rsAdd(fileRs, fileVs, false), ok.tMs, 1000);
    await waitFor(() => notify.calls().filter((c) => c.args.endsWith(' file')).length >= 2, 5000, 'FILE_CHECK notify scripts');
    assert.deepEqual(notify.calls().filter((c) => c.args.endsWith(' file')).map((c) => c.args), ['down file', 'up file']);
    await waitFor(() => effects.fifo().endsWith(`RS ${fileRs} ${fileVs} UP\nVS ${fileVs} UP\n`), 5000, 'FILE_CHECK FIFO lines');
    assert.deepEqual(
      effects.fifo().split('\n').filter((l) => l.includes(fileVs)),
      [`VS ${fileVs} UP`, `RS ${fileRs} ${fileVs} DOWN`, `VS ${fileVs} DOWN`, `RS ${fileRs} ${fileVs} UP`, `VS ${fileVs} UP`],
    );
    await waitFor(() => effects.mails().filter((m) => m.includes(`virtual server ${fileVs} - `)).length >= 2, 10_000, 'FILE_CHECK mails');
    assert.deepEqual(effects.mails().filter((m) => m.includes(`virtual server ${fileVs} - `)), [
      `[matrix2] Realserver ${fileRs} of virtual server ${fileVs} - DOWN | => FILE CHECK failed on service <=`,
      `[matrix2] Realserver ${fileRs} of virtual server ${fileVs} - UP | => FILE CHECK succeeded on service <=`,
    ]);
    await d.stop(10_000);
  } catch (e) {
    // The daemon's log is the evidence: show it with the failure.
    for (const l of d?.lines ?? []) console.error(`${(l.tUs / 1000).toFixed(0)} ${l.text}`);
    throw e;
  } finally {
    await d?.stop(3000);
    fx?.stop();
    for (const p of procs) await stopProc(p);
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
});
