import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckerEffect } from './effects.js';
import { deliverEffect, notifySettingsKey, type CheckerNotifyTarget, type NotifySinkOptions } from './notify-sink.js';
import { lvsConfig } from '../test-kit/lvs-sim.js';

function recorder(): { target: CheckerNotifyTarget; calls: string[] } {
  const calls: string[] = [];
  const target: CheckerNotifyTarget = {
    realServerLine: (vs, rs, up) => calls.push(`line RS ${rs} ${vs} ${up ? 'UP' : 'DOWN'}`),
    realServerMail: (vs, rs, up, body) => calls.push(`mail RS ${rs} ${vs} ${up ? 'UP' : 'DOWN'} ${body}`),
    realServerShutdown: (vs, rs, stopping, mail) => calls.push(`shut RS ${rs} ${vs} ${stopping ? 'stopping' : 'removed'} mail=${mail}`),
    quorum: (vs, ev, f, mail) => calls.push(`quorum ${vs} ${ev} ${f.quorum}+${f.hysteresis}=${f.threshold} live=${f.liveWeight} mail=${mail}`),
    quorumShutdown: (vs, mail) => calls.push(`quorum-shut ${vs} mail=${mail}`),
  };
  return { target, calls };
}

const VS = { vs: '[192.0.2.1]:tcp:80', vsIdentity: 'v', smtpAlert: true };
const RS = '[192.0.2.10]:tcp:8080';

const rsDown: CheckerEffect = { type: 'rs-down', ...VS, rs: RS, rsSmtpAlert: true, checkerType: 'TCP_CHECK', reason: 'connection refused' };
const quorumLost: CheckerEffect = { type: 'vs-quorum-down', ...VS, quorum: 1, hysteresis: 0, threshold: 1, live: 0 };
const checkerDown = (rsChanged: boolean, rsSmtpAlert = true): CheckerEffect => ({ type: 'checker-down', ...VS, rs: RS, rsSmtpAlert, checkerType: 'TCP_CHECK', reason: 'connection refused', rsAlive: false, rsChanged });

function run(effects: readonly CheckerEffect[], opts: NotifySinkOptions = { noCheckerEmails: false }): string[] {
  const r = recorder();
  for (const e of effects) deliverEffect(r.target, opts, e);
  return r.calls;
}

test('notify sink: one RS failure in keepalived order (RS line, quorum line+mail, RS mail)', () => {
  const calls = run([{ type: 'log', level: 'info', msg: 'Removing service' }, rsDown, quorumLost, checkerDown(true)]);
  assert.deepEqual(calls, [
    `line RS ${RS} ${VS.vs} DOWN`,
    `quorum ${VS.vs} lost 1+0=1 live=0 mail=true`,
    `mail RS ${RS} ${VS.vs} DOWN => TCP CHECK failed on service <=`,
  ]);
});

test('notify sink: recovery, start-up quorum, MISC timeout and SMTP_CHECK reason bodies', () => {
  const calls = run([
    { type: 'vs-quorum-up', ...VS, quorum: 2, hysteresis: 1, threshold: 3, live: 3, startup: true },
    { type: 'vs-quorum-down', ...VS, smtpAlert: false, quorum: 2, hysteresis: 0, threshold: 2, live: 0, startup: true },
    { type: 'rs-up', ...VS, rs: RS, rsSmtpAlert: true, checkerType: 'TCP_CHECK' },
    { type: 'vs-quorum-up', ...VS, quorum: 1, hysteresis: 0, threshold: 1, live: 1 },
    { type: 'checker-up', ...VS, rs: RS, rsSmtpAlert: true, checkerType: 'TCP_CHECK', rsAlive: true, rsChanged: true },
    { type: 'checker-down', ...VS, rs: RS, rsSmtpAlert: true, checkerType: 'MISC_CHECK', reason: 'timeout', rsAlive: false, rsChanged: true },
    { type: 'checker-down', ...VS, rs: RS, rsSmtpAlert: true, checkerType: 'SMTP_CHECK', reason: 'bad banner', rsAlive: false, rsChanged: true },
  ]);
  assert.deepEqual(calls, [
    `quorum ${VS.vs} starting-up 2+1=3 live=3 mail=true`,
    `quorum ${VS.vs} starting-down 2+0=2 live=0 mail=false`,
    `line RS ${RS} ${VS.vs} UP`,
    `quorum ${VS.vs} gained 1+0=1 live=1 mail=true`,
    `mail RS ${RS} ${VS.vs} UP => TCP CHECK succeed on service <=`,
    `mail RS ${RS} ${VS.vs} DOWN => MISC CHECK timed out on service <=`,
    `mail RS ${RS} ${VS.vs} DOWN => CHECK failed on service : bad banner <=`,
  ]);
});

test('notify sink: smtp_alert off and no_checker_emails suppress checker mails only', () => {
  assert.deepEqual(run([checkerDown(true, false)]), []);
  assert.deepEqual(run([checkerDown(false)], { noCheckerEmails: true }), [], 'RS state unchanged: no mail');
  assert.deepEqual(run([checkerDown(true)], { noCheckerEmails: true }), [`mail RS ${RS} ${VS.vs} DOWN => TCP CHECK failed on service <=`]);
  assert.deepEqual(run([checkerDown(false)]), [`mail RS ${RS} ${VS.vs} DOWN => TCP CHECK failed on service <=`], 'without no_checker_emails every checker change mails');
});

test('notify sink: omega shutdown and reload removal', () => {
  const calls = run([
    { ...rsDown, shutdown: true, rsSmtpAlert: false },
    { ...rsDown, removed: true },
    { type: 'vs-quorum-down', ...VS, quorum: 1, hysteresis: 0, threshold: 1, live: 1, shutdown: true },
  ]);
  assert.deepEqual(calls, [`shut RS ${RS} ${VS.vs} stopping mail=false`, `shut RS ${RS} ${VS.vs} removed mail=true`, `quorum-shut ${VS.vs} mail=true`]);
});

test('notify sink: the reopen key follows FIFO and mail settings, not the rest', () => {
  const base = 'virtual_server 192.0.2.1 80 {\n real_server 192.0.2.10 80 {\n }\n}\n';
  const a = lvsConfig(`global_defs {\n router_id r1\n lvs_notify_fifo /tmp/a.fifo\n}\n${base}`).globalDefs;
  const b = lvsConfig(`global_defs {\n router_id r1\n lvs_notify_fifo /tmp/a.fifo\n lvs_flush\n}\n${base}`).globalDefs;
  const c = lvsConfig(`global_defs {\n router_id r1\n lvs_notify_fifo /tmp/b.fifo\n}\n${base}`).globalDefs;
  assert.equal(notifySettingsKey(a, []), notifySettingsKey(b, []));
  assert.notEqual(notifySettingsKey(a, []), notifySettingsKey(c, []));
});

test('smtp_alert of VS/RS: own keyword, else smtp_alert_checker, else smtp_alert, else VS off / RS on', () => {
  const alerts = (globals: string, rsExtra = ''): [boolean, boolean] => {
    const c = lvsConfig(`global_defs {\n${globals}}\nvirtual_server 192.0.2.1 80 {\n real_server 192.0.2.10 80 {\n${rsExtra} }\n}\n`);
    const vs = c.virtualServers[0]!;
    return [vs.smtpAlert, vs.realServers[0]!.smtpAlert];
  };
  assert.deepEqual(alerts(''), [false, true]);
  assert.deepEqual(alerts(' smtp_alert\n'), [true, true]);
  assert.deepEqual(alerts(' smtp_alert\n smtp_alert_checker off\n'), [false, false]);
  assert.deepEqual(alerts(' smtp_alert off\n smtp_alert_checker\n'), [true, true]);
  assert.deepEqual(alerts(' smtp_alert_checker off\n', '  smtp_alert on\n'), [false, true]);
});
