// keepalived-ts -t --json / -t -d, run as a real process on temporary config files (with
// --no-host-checks: what the file holds, whatever this host has; host checks: host-checks.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSummaryLoader, type ConfigTestJson } from './config-test.js';

const CLI = fileURLToPath(new URL('./keepalived-ts.js', import.meta.url));
const CONF = `global_defs {\n router_id t1\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n priority 150\n authentication {\n  auth_type PASS\n  auth_pass s3cret\n }\n virtual_ipaddress {\n  ~SEQ(I,1,2) 192.0.2.\${I}/32\n }\n}\n`;
/** CONF without its authentication block: every keyword of it is acted on. */
const CLEAN = CONF.replace(/ authentication \{[^}]*\}\n/, '');

function run(conf: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kts-cfgtest-'));
  try {
    const path = join(dir, 'k.conf');
    writeFileSync(path, conf);
    const r = spawnSync(process.execPath, [CLI, '-f', path, '--no-host-checks', ...args], { encoding: 'utf8', timeout: 20000 });
    return { status: r.status, stdout: r.stdout.split(path).join('K'), stderr: r.stderr.split(path).join('K') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('-t --json: exit code and located diagnostics as one JSON document', () => {
  const r = run(`${CONF}bogus_keyword 1\nincludea /nonexistent/kts/x.conf\n`, ['-t', '--json']);
  assert.equal(r.status, 6);
  const doc = JSON.parse(r.stdout) as ConfigTestJson;
  assert.equal(doc.exitCode, 6);
  assert.deepEqual(
    doc.diagnostics.map((d) => [d.file, d.line, d.col, d.severity, d.code, d.class]),
    // The source stage (includes) reports before the keyword tables.
    [
      ['K', 17, 1, 'error', 'KA_CFG_INCLUDE_CHECK', 'no-config'],
      ['K', 16, 1, 'warning', 'KA_CFG_UNKNOWN_KEYWORD', 'ignored'],
    ],
  );
  assert.equal(doc.diagnostics[0]!.message, "Config files missing '/nonexistent/kts/x.conf'.");
  assert.equal(typeof doc.diagnostics[1]!.hint, 'string');
});

test('--config-test --json on a clean file: exit 0, no diagnostics; -e turns a plain include miss into 6', () => {
  const clean = run(CLEAN, ['--config-test', '--json']);
  assert.equal(clean.status, 0);
  assert.deepEqual(JSON.parse(clean.stdout), { exitCode: 0, diagnostics: [], notActedOn: [] });
  assert.equal(run(`${CONF}include /nonexistent/kts/y.conf\n`, ['-t']).status, 0);
  assert.equal(run(`${CONF}include /nonexistent/kts/y.conf\n`, ['-t', '-e']).status, 6);
});

test('-t -d prints the effective config (loops expanded, secret masked) and exits with the test status', () => {
  const r = run(CONF, ['-t', '-d']);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /configuration OK/);
  assert.match(r.stdout, /^vrrp_instance VI_1 \{$/m);
  assert.match(r.stdout, /^ {8}192\.0\.2\.1\/32$/m);
  assert.match(r.stdout, /^ {8}192\.0\.2\.2\/32$/m);
  assert.match(r.stdout, /auth_pass \*{8}/);
  assert.doesNotMatch(r.stdout, /s3cret/);
});

test("a keyword read but not acted on: one warning per keyword with every place, -t's status unchanged; --json and --not-acted-on list them", () => {
  const conf = [
    'global_defs {',
    ' enable_script_security',
    ' script_user root',
    '}',
    'vrrp_instance VI_1 {',
    ' interface eth0',
    ' virtual_router_id 7',
    ' virtual_ipaddress {',
    '  192.0.2.1/32',
    ' }',
    '}',
    'vrrp_script chk {',
    ' script /bin/true',
    '}',
    'vrrp_script chk2 {',
    ' script /bin/true',
    '}',
    '',
  ].join('\n');
  const note = "the -t verdict only: scripts run as the daemon's user, their paths are not checked";
  const text = run(conf, ['-t']);
  assert.equal(text.status, 0);
  assert.equal(
    text.stderr,
    [
      `K:2:2: warning: 'enable_script_security' is read but only partly acted on: ${note}`,
      `K:3:2: warning: 'script_user' is read but only partly acted on: ${note}`,
      "K:12:1: warning: 'vrrp_script' is read but not acted on yet (also at K:15:1)",
      'configuration OK',
      '',
    ].join('\n'),
  );
  const doc = JSON.parse(run(conf, ['-t', '--json']).stdout) as ConfigTestJson;
  assert.equal(doc.exitCode, 0);
  assert.deepEqual(doc.notActedOn.map((k) => [k.block, k.keyword, k.status, k.note, k.places.map((p) => p.line)]), [
    ['global_defs', 'enable_script_security', 'partly', note, [2]],
    ['global_defs', 'script_user', 'partly', note, [3]],
    ['top level', 'vrrp_script', 'not-yet', null, [12, 15]],
  ]);
  const list = run(conf, ['-t', '--not-acted-on']);
  assert.equal(list.status, 0);
  assert.equal(list.stderr, '');
  assert.equal(
    list.stdout,
    [
      `partly   global_defs  enable_script_security  K:2:2  (${note})`,
      `partly   global_defs  script_user             K:3:2  (${note})`,
      'not-yet  top level    vrrp_script             K:12:1 K:15:1',
      '',
    ].join('\n'),
  );
  assert.equal(run(CLEAN, ['-t', '--not-acted-on']).stdout, 'every keyword of the file is acted on\n');
  assert.equal(run(`${conf}bogus 1\n`, ['-t', '--not-acted-on']).status, 5, "the exit status is the test's");
});

test('-tFILE: a symbolic link at FILE is not followed (exit 1, as keepalived); a new FILE is 0600', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-cfgtest-'));
  try {
    const target = join(dir, 'target');
    writeFileSync(target, 'keep me\n');
    symlinkSync(target, join(dir, 'out'));
    const linked = run(CONF, [`-t${join(dir, 'out')}`]);
    assert.equal(linked.status, 1);
    assert.equal(linked.stderr, `Unable to open config-test log file ${join(dir, 'out')} 40 - Too many levels of symbolic links\n`);
    assert.equal(readFileSync(target, 'utf8'), 'keep me\n');
    const fresh = join(dir, 'new');
    assert.equal(run(CLEAN, [`-t${fresh}`]).status, 0);
    assert.equal(readFileSync(fresh, 'utf8'), 'configuration OK\n');
    assert.equal(statSync(fresh).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the parent's config summary carries the top-level child_wait_time (default 5 s)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-cfgtest-'));
  try {
    const path = join(dir, 'k.conf');
    const opts = { allConfig: false, dumpConf: false };
    writeFileSync(path, `child_wait_time 1.5\n${CONF}`);
    const set = await configSummaryLoader(path, opts);
    assert.ok(set.ok);
    assert.equal(set.value.childWaitTimeS, 1.5);
    writeFileSync(path, CONF);
    const dflt = await configSummaryLoader(path, opts);
    assert.ok(dflt.ok);
    assert.equal(dflt.value.childWaitTimeS, 5);
    // What the parent logs at start-up about keywords it does not act on: here, none.
    assert.deepEqual(dflt.value.notActedOn, []);
    writeFileSync(path, `${CONF}vrrp_script chk {\n script /bin/true\n}\n`);
    const notActed = await configSummaryLoader(path, opts);
    assert.ok(notActed.ok);
    assert.deepEqual(notActed.value.notActedOn, [`${path}:16:1: warning: 'vrrp_script' is read but not acted on yet`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
