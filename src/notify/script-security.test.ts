/**
 * The script checks against the cases Debian's keepalived 2.2.7 was run on (enable_script_security,
 * scripts run as root unless said): the same verdicts and the same log lines, in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeScriptHost } from '../test-kit/fake-script-host.js';
import { checkScript, resolvePath } from './script-security.js';
import { ScriptPass } from './script-pass.js';

const S = '/tmp/knfy/sec';
const ROOT = { uid: 0, gid: 0 };
const NOBODY = { uid: 65534, gid: 65534 };
const KTSXG = 1001;

function lab(): FakeScriptHost {
  return new FakeScriptHost()
    .dir('/tmp', 0o1777)
    .dir(S)
    .file(`${S}/ok.sh`)
    .file(`${S}/ww.sh`, 0o777)
    .file(`${S}/nobodyown.sh`, 0o755, { uid: 65534 })
    .file(`${S}/grpw.sh`, 0o775, { gid: KTSXG })
    .file(`${S}/grpwroot.sh`, 0o775)
    .file(`${S}/noexec.sh`, 0o644)
    .file(`${S}/setuid.sh`, 0o4755)
    .dir(`${S}/wwdir`, 0o777)
    .file(`${S}/wwdir/in.sh`)
    .symlink(`${S}/wwdir/link.sh`, '../ok.sh')
    .dir(`${S}/stickydir`, 0o1777)
    .file(`${S}/stickydir/in.sh`)
    .dir(`${S}/grpdir`, 0o775, { gid: KTSXG })
    .file(`${S}/grpdir/in.sh`)
    .symlink(`${S}/link-ok.sh`, 'ok.sh')
    .symlink(`${S}/link-ww.sh`, 'wwdir/in.sh')
    .dir('/root', 0o700)
    .dir('/root/knfy-x', 0o711)
    .file('/root/knfy-x/x.sh')
    .file('/usr/bin/true');
}

const run = (argv: string[], ids = ROOT, security = true) => checkScript(lab(), argv, ids, security);
const lines = (argv: string[], ids = ROOT, security = true): readonly string[] => {
  const c = run(argv, ids, security);
  return c.type === 'file-test' ? [] : c.log;
};
const argvOf = (argv: string[], ids = ROOT, security = true): readonly string[] | null => {
  const c = run(argv, ids, security);
  return c.type === 'runnable' ? c.argv : null;
};

test('safe scripts run; the executed argv[0] is the resolved path', () => {
  assert.deepEqual(argvOf([`${S}/ok.sh`, 'I_ok']), [`${S}/ok.sh`, 'I_ok']);
  assert.deepEqual(argvOf([`${S}/grpwroot.sh`]), [`${S}/grpwroot.sh`], 'group-writable by root’s group');
  assert.deepEqual(argvOf([`${S}/stickydir/in.sh`]), [`${S}/stickydir/in.sh`], 'a sticky world-writable directory');
  assert.deepEqual(argvOf([`${S}/wwdir/../ok.sh`]), [`${S}/ok.sh`]);
  assert.deepEqual(argvOf(['sec/ok.sh', 'd']), null, 'relative to / in the fake: not found');
  const h = lab();
  h.cwd = '/tmp/knfy';
  const rel = checkScript(h, ['sec/ok.sh', 'd'], ROOT, true);
  assert.deepEqual(rel.type === 'runnable' ? rel.argv : null, [`${S}/ok.sh`, 'd']);
});

test('symbolic links: the name is kept when it reaches the same file from the resolved directory', () => {
  assert.deepEqual(argvOf([`${S}/link-ok.sh`]), [`${S}/link-ok.sh`]);
  assert.deepEqual(argvOf([`${S}/wwdir/link.sh`]), [`${S}/ok.sh`], 'a link in an unsafe directory runs the safe file it names');
  assert.deepEqual(lines([`${S}/link-ww.sh`]), [`Unsafe permissions found for script '${S}/wwdir/in.sh' - disabling.`]);
});

test('unsafe files and directories are refused with keepalived’s line', () => {
  for (const [script, reported] of [
    ['ww.sh', 'ww.sh'],
    ['nobodyown.sh', 'nobodyown.sh'],
    ['grpw.sh', 'grpw.sh'],
    ['wwdir/in.sh', 'wwdir/in.sh'],
    ['grpdir/in.sh', 'grpdir/in.sh'],
  ]) {
    const c = run([`${S}/${script}`]);
    assert.equal(c.type, 'disabled', script);
    assert.deepEqual(lines([`${S}/${script}`]), [`Unsafe permissions found for script '${S}/${reported}' - disabling.`], script);
  }
});

test('without enable_script_security an unsafe script is reported and still runs', () => {
  const c = run([`${S}/ww.sh`, 'x'], ROOT, false);
  assert.equal(c.type, 'runnable');
  assert.equal(c.type === 'runnable' && c.insecure, true);
  assert.deepEqual(lines([`${S}/ww.sh`], ROOT, false), [`Unsafe permissions found for script '${S}/ww.sh'.`]);
});

test('scripts run by a non-root user are not path-checked; a set-uid root file is', () => {
  assert.deepEqual(argvOf([`${S}/ww.sh`], NOBODY), [`${S}/ww.sh`]);
  assert.deepEqual(argvOf([`${S}/wwdir/in.sh`], NOBODY), [`${S}/wwdir/in.sh`]);
  assert.deepEqual(argvOf([`${S}/setuid.sh`], NOBODY), [`${S}/setuid.sh`]);
  const h = lab().file(`${S}/wwdir/setuid.sh`, 0o4755);
  assert.equal(checkScript(h, [`${S}/wwdir/setuid.sh`], NOBODY, true).type, 'disabled');
});

test('missing, not executable, not a file, not reachable, bare names', () => {
  assert.deepEqual(lines([`${S}/missing.sh`]), [`Script ${S}/missing.sh cannot be accessed - No such file or directory`]);
  assert.deepEqual(lines([`${S}/noexec.sh`]), [`WARNING - script '${S}/noexec.sh' is not executable for uid:gid 0:0 - disabling.`]);
  assert.deepEqual(lines([`${S}/noexec.sh`], NOBODY), [`WARNING - script '${S}/noexec.sh' is not executable for uid:gid 65534:65534 - disabling.`]);
  assert.deepEqual(lines([`${S}/wwdir`]), [`Wrong file type found in script path '${S}/wwdir'.`]);
  assert.equal(run([`${S}/wwdir`], ROOT, false).type, 'disabled', 'wrong type is refused even without script security');
  assert.deepEqual(lines(['/root/knfy-x/x.sh'], NOBODY), ['Script /root/knfy-x/x.sh cannot be accessed - Permission denied']);
  assert.deepEqual(lines(['nosuchcmd', 'arg']), ['Cannot find script nosuchcmd in path - disabling']);
  assert.deepEqual(lines(['true']), ['WARNING - script `true` resolved by path search to `/usr/bin/true`. Please specify full path.']);
  assert.deepEqual(argvOf(['true', 'x']), ['/usr/bin/true', 'x']);
  assert.deepEqual(run(['</dev/tcp/127.0.0.1/80']), { type: 'file-test' });
});

test('path resolution: loops, dangling links, a file used as a directory', () => {
  const h = new FakeScriptHost().symlink('/a', '/b').symlink('/b', '/a').symlink('/d', '/nowhere').file('/f');
  assert.deepEqual(resolvePath(h, '/a', ROOT), { ok: false, errno: 'ELOOP' });
  assert.deepEqual(resolvePath(h, '/d', ROOT), { ok: false, errno: 'ENOENT' });
  assert.deepEqual(resolvePath(h, '/f/x', ROOT), { ok: false, errno: 'ENOTDIR' });
});

test('a pass: the default user, users that do not exist, the SECURITY VIOLATION line', () => {
  const spec = (text: string, user?: string, group?: string) => ({ argv: text.split(' '), text, ...(user ? { user } : {}), ...(group ? { group } : {}) });
  // enable_script_security, no script_user, no keepalived_script account: scripts without a user are dropped.
  const p1 = new ScriptPass(lab(), { enableScriptSecurity: true });
  assert.equal(p1.vet(spec(`${S}/ok.sh b`), { type: 'notify' }), null);
  assert.equal(p1.vet(spec(`${S}/ok.sh c`), { type: 'notify' }), null);
  assert.deepEqual(p1.vet(spec(`${S}/ok.sh d`, 'nobody'), { type: 'notify' }), { argv: [`${S}/ok.sh`, 'd'], uid: 65534, gid: 65534, text: `${S}/ok.sh d` });
  assert.equal(p1.fifoOwner({ argv: ['/run/v.fifo'], text: '/run/v.fifo' }, 'vrrp_'), null);
  assert.deepEqual(p1.log, [
    "Script user 'keepalived_script' does not exist",
    'Unable to set default user keepalived_script for script',
    `Failed to set default user for notify script ${S}/ok.sh - ignoring`,
    `Failed to set default user for notify script ${S}/ok.sh - ignoring`,
    'Failed to set default user for vrrp_ fifo (null) - ignoring',
  ]);
  assert.equal(p1.violation('vrrp'), null);

  const p2 = new ScriptPass(lab().addGroup('ktsxg', KTSXG), { scriptUser: 'nosuchu' });
  assert.equal(p2.vet(spec(`${S}/ok.sh b`, 'nosuchu4'), { type: 'notify' }), null);
  assert.equal(p2.vet(spec(`${S}/ok.sh m`, 'root', 'nosuchg'), { type: 'notify' }), null);
  assert.equal(p2.vet(spec(`${S}/ok.sh misc`), { type: 'misc' }), null);
  assert.deepEqual(p2.vet(spec(`${S}/ok.sh s`, 'nobody', 'ktsxg'), { type: 'notify' })?.gid, KTSXG);
  assert.deepEqual(p2.log, [
    "Script user 'nosuchu' does not exist",
    'Error setting global script uid/gid',
    "Script user 'nosuchu4' does not exist",
    `Invalid user/group for notify script ${S}/ok.sh - ignoring`,
    "Script group 'nosuchg' does not exist",
    `Invalid user/group for notify script ${S}/ok.sh - ignoring`,
    `Unable to set default user for misc script '${S}/ok.sh' 'misc' - removing`,
  ]);

  // No script security, keepalived_script missing: root, and the warning at the end.
  const p3 = new ScriptPass(lab(), {});
  assert.equal(p3.vet(spec(`${S}/ok.sh`), { type: 'notify' })?.uid, 0);
  assert.equal(p3.violation('vrrp'), 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.');
  p3.vet(spec(`${S}/ww.sh`), { type: 'notify' });
  assert.equal(p3.violation('checker'), 'SECURITY VIOLATION - check scripts are being executed but script_security not enabled. There are insecure scripts.');
  const p4 = new ScriptPass(lab(), {});
  p4.vet(spec(`${S}/missing.sh`), { type: 'notify' });
  assert.equal(p4.violation('vrrp'), null, 'a script that does not exist does not count');

  const p5 = new ScriptPass(lab(), { enableScriptSecurity: true, scriptUser: 'root' });
  p5.vet(spec(`${S}/ww.sh misc`), { type: 'misc' });
  p5.vet(spec(`${S}/missing.sh misc`), { type: 'misc' });
  p5.vet(spec(`${S}/ww.sh chk`), { type: 'track', name: 'chk_ww' });
  p5.vet(spec(`${S}/noexec.sh chk`), { type: 'track', name: 'chk_x' });
  assert.deepEqual(p5.log, [
    `Unsafe permissions found for script '${S}/ww.sh' - disabling.`,
    `Disabling misc script '${S}/ww.sh' 'misc' due to insecure`,
    `Script ${S}/missing.sh cannot be accessed - No such file or directory`,
    `Disabling misc script '${S}/missing.sh' 'misc' since not found/accessible`,
    `Unsafe permissions found for script '${S}/ww.sh' - disabling.`,
    'Disabling track script chk_ww due to insecure',
    `WARNING - script '${S}/noexec.sh' is not executable for uid:gid 0:0 - disabling.`,
  ]);
});
