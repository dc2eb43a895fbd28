/**
 * The checker child's side effects end to end: the real CLI (`-n -l -D -C`) in a lab
 * namespace with a TCP backend the test stops and restarts, an lvs_notify_fifo read by a
 * `cat`, and SMTP alerts delivered to Python's smtpd (test/notify/smtp-recorder.py) in the
 * same namespace. Asserts the exact `RS …`/`VS …` FIFO lines and the mails of a TCP_CHECK
 * failure that costs the VS its quorum and its recovery, then a FILE_CHECK whose
 * track_file the test flips (log lines, FIFO lines, mails).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { checkerOnly, keepalivedTsCommand, LabDaemon } from '../lab/lab-daemon.js';
import { createLab, requireCommands } from '../lab/netns.js';
import { SMTP_RECORDER, recorderReady, tempDir } from '../notify/helpers.js';
import { waitFor } from '../lab/wait.js';
import { startListener, stopProc } from './matrix-kit.js';

/** `Subject | body` of every mail received so far, in arrival order. */
function mails(dir: string): string[] {
  return readdirSync(dir)
    .map((n) => /^conn-(\d+)\.json$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => (JSON.parse(readFileSync(`${dir}/${m[0]}`, 'utf8')) as { data: string }).data)
    .map((data) => `${/^Subject: (.*)$/m.exec(data)?.[1]?.trim() ?? ''} | ${data.split(/\r?\n\r?\n/)[1]?.trim() ?? ''}`);
}

test('checker child: lvs_notify_fifo lines and SMTP alerts for TCP_CHECK and FILE_CHECK transitions', { timeout: 90_000 }, async () => {
  requireCommands({ python3: 'python3', ip: 'iproute2', mkfifo: 'coreutils' });
  const lab = createLab(1, 'chkfx');
  const tmp = tempDir('chkfx');
  const mailDir = tempDir('chkfx-mail');
  const procs: ChildProcess[] = [];
  let listener: ChildProcess | undefined;
  let d: LabDaemon | undefined;
  try {
    const h = lab.host(1);
    const smtpd = lab.spawn(h, ['python3', SMTP_RECORDER, mailDir.dir, h.ip4, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(smtpd);
    const smtpPort = await recorderReady(smtpd);
    const fifo = tmp.path('lvs.fifo');
    lab.exec(h, ['mkfifo', fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(reader);
    let fifoText = '';
    reader.stdout.on('data', (b: Buffer) => (fifoText += b.toString()));
    const trackFile = tmp.path('tf');
    writeFileSync(trackFile, '0\n');
    const port = 8082;
    const conf = `global_defs {
  router_id chk_fx
  notification_email {
    admin@example.com
  }
  notification_email_from ka@example.com
  smtp_server ${h.ip4} ${smtpPort}
  smtp_connect_timeout 5
  lvs_notify_fifo ${fifo}
}
track_file TF {
  file "${trackFile}"
  weight 0
}
virtual_server 198.51.100.1 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  smtp_alert
  real_server ${h.ip4} ${port} {
    TCP_CHECK {
      connect_timeout 1
      retry 0
      warmup 0
    }
  }
}
virtual_server 198.51.100.1 81 {
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server ${h.ip4} 9999 {
    FILE_CHECK {
      track_file TF
    }
  }
}
`;
    listener = await startListener(lab, h, port);
    d = new LabDaemon(lab, h, tmp.dir, keepalivedTsCommand(), conf, { args: checkerOnly });
    d.start();
    const vs80 = '[198.51.100.1]:tcp:80';
    const vs81 = '[198.51.100.1]:tcp:81';
    const rsTcp = `[${h.ip4}]:tcp:${port}`;
    const rsFile = `[${h.ip4}]:tcp:9999`;
    const first = await d.waitLine(new RegExp(`TCP connection to \\[${h.ip4}\\]:tcp:${port} success\\.`), 0, 20_000);
    await waitFor(() => fifoText.split('\n').length > 2, 5000, 'start-up VS lines');

    // TCP backend down: RS line, quorum lost (VS line + mail), then the checker's mail.
    await stopProc(listener);
    listener = undefined;
    const down = await d.waitLine(new RegExp(`Removing service ${rsTcp.replace(/[[\].]/g, '\\$&')} from VS`), first.tUs, 15_000);
    await waitFor(() => fifoText.includes(`VS ${vs80} DOWN\n`), 5000, 'VS DOWN line');
    listener = await startListener(lab, h, port);
    await d.waitLine(/Gained quorum 1\+0=1 <= 1 for VS \[198\.51\.100\.1\]:tcp:80/, down.tUs, 10_000);
    await waitFor(() => fifoText.endsWith(`VS ${vs80} UP\n`), 5000, 'VS UP line');

    // FILE_CHECK: a non-zero value with weight 0 is a failure.
    writeFileSync(trackFile, '1\n');
    const fault = await d.waitLine(new RegExp(`\\(${rsFile.replace(/[[\].]/g, '\\$&')}\\): tracked file TF now FAULT state`), down.tUs, 10_000);
    await d.waitLine(new RegExp(`Removing service .* from VS \\[198\\.51\\.100\\.1\\]:tcp:81`), fault.tUs, 5000);
    writeFileSync(trackFile, '0\n');
    await d.waitLine(/tracked file TF leaving FAULT state/, fault.tUs, 10_000);
    await d.waitLine(new RegExp(`Adding service .* to VS \\[198\\.51\\.100\\.1\\]:tcp:81`), fault.tUs, 5000);
    await waitFor(() => mails(mailDir.dir).length >= 7, 10_000, 'seven mails');

    await d.stop(10_000);
    await waitFor(() => reader.exitCode !== null, 5000, 'FIFO reader sees EOF when the child closes the FIFO');
    assert.equal(
      fifoText,
      [
        `VS ${vs80} UP`,
        `VS ${vs81} UP`,
        `RS ${rsTcp} ${vs80} DOWN`,
        `VS ${vs80} DOWN`,
        `RS ${rsTcp} ${vs80} UP`,
        `VS ${vs80} UP`,
        `RS ${rsFile} ${vs81} DOWN`,
        `VS ${vs81} DOWN`,
        `RS ${rsFile} ${vs81} UP`,
        `VS ${vs81} UP`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(mails(mailDir.dir), [
      `[chk_fx] Virtualserver ${vs80} - UP | => Starting with quorum up 1+0=1 <= 1 <=`,
      `[chk_fx] Virtualserver ${vs80} - DOWN | => Lost quorum 1+0=1 <= 0 <=`,
      `[chk_fx] Realserver ${rsTcp} of virtual server ${vs80} - DOWN | => TCP CHECK failed on service <=`,
      `[chk_fx] Virtualserver ${vs80} - UP | => Gained quorum 1+0=1 <= 1 <=`,
      `[chk_fx] Realserver ${rsTcp} of virtual server ${vs80} - UP | => TCP CHECK succeed on service <=`,
      `[chk_fx] Realserver ${rsFile} of virtual server ${vs81} - DOWN | => FILE CHECK failed on service <=`,
      `[chk_fx] Realserver ${rsFile} of virtual server ${vs81} - UP | => FILE CHECK succeeded on service <=`,
    ]);
    assert.equal(existsSync(fifo), true, 'a FIFO we did not create is left in place');
    assert.deepEqual(d.lines.filter((l) => /SMTP connection ERROR|Timeout connecting SMTP|sink failed/.test(l.text)).map((l) => l.text), []);
  } finally {
    await d?.stop(3000);
    if (listener) await stopProc(listener);
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    lab.down();
    tmp.remove();
    mailDir.remove();
  }
});
