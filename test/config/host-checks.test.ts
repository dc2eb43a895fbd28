// `-t` host checks against the real oracle: Debian's `keepalived -t` and ours run on the same
// crafted configs in a throw-away network namespace holding only lo and eth0, on this host's
// users and files. Both must give the same exit status, and the host lines keepalived prints
// (location prefix removed) must be exactly ours (KA_CFG_HOST_* diagnostics). Needs root and
// the Debian keepalived package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigTestJson } from '../../src/cli/config-test.js';
import { requireDebianKeepalived, runKeepalivedTest, withBareNetns } from '../lab/keepalived-check.js';

const CLI = fileURLToPath(new URL('../../src/cli/keepalived-ts.js', import.meta.url));

const instance = (iface: string, body = ''): string =>
  `vrrp_instance VI_1 {\n    interface ${iface}\n    virtual_router_id 51\n    virtual_ipaddress {\n        192.0.2.100/24\n    }\n${body}}\n`;
const misc = (extra = ''): string =>
  `virtual_server 198.51.100.1 80 {\n    protocol TCP\n    lb_algo rr\n    lb_kind NAT\n    real_server 198.51.100.2 80 {\n        MISC_CHECK {\n            misc_path "OK"\n${extra}        }\n    }\n}\n`;

interface Case {
  readonly name: string;
  readonly conf: string;
  readonly status: number;
  readonly host: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'interfaces everywhere',
    conf:
      'static_ipaddress {\n    192.0.2.50/24 dev nosuchs1\n}\nstatic_routes {\n    198.51.100.0/24 via 192.0.2.1 dev nosuchs2\n}\n' +
      'vrrp_sync_group G1 {\n    group {\n        VI_1\n    }\n    track_interface {\n        nosuchsg1\n    }\n}\n' +
      instance('eth0', '    track_interface {\n        nosucht1 weight 10\n    }\n    virtual_ipaddress_excluded {\n        192.0.2.101/24 dev nosuchx1\n    }\n    virtual_routes {\n        198.51.100.0/24 dev nosuchr1\n    }\n    virtual_rules {\n        from 192.0.2.1 table 100 iif nosuchru1\n    }\n'),
    status: 5,
    host: [
      "WARNING - interface nosuchs1 for ip address 192.0.2.50/24 doesn't exist",
      "WARNING - interface nosuchs2 for VROUTE nexthop doesn't exist",
      "(G1) tracked interface nosuchsg1 doesn't exist",
      "(VI_1) tracked interface nosucht1 doesn't exist",
      "WARNING - interface nosuchx1 for ip address 192.0.2.101/24 doesn't exist",
      "WARNING - interface nosuchr1 for VROUTE nexthop doesn't exist",
      "WARNING - interface nosuchru1 for rule doesn't exist",
      'Non-existent interface specified in configuration',
    ],
  },
  {
    name: 'a missing instance interface skips the VRRP security check, not the checker one',
    conf: `vrrp_script chk {\n    script "OK"\n}\n${instance('nosuchif0', '    track_script {\n        chk\n    }\n')}${misc()}`,
    status: 6,
    host: ["WARNING - interface nosuchif0 for vrrp_instance VI_1 doesn't exist", 'Non-existent interface specified in configuration'],
  },
  {
    name: 'missing programs: vrrp_script reported, notify not',
    conf: `global_defs {\n    enable_script_security\n    script_user root\n}\nvrrp_script chk {\n    script "/nonexistent/check.sh"\n}\n${instance('eth0', '    track_script {\n        chk\n    }\n    notify_master "/nonexistent/notify.sh"\n')}`,
    status: 5,
    host: ['Disabling track script chk since not found/accessible'],
  },
  {
    name: 'users and groups that do not exist',
    conf: `global_defs {\n    enable_script_security\n    script_user nosuchuserx\n}\nvrrp_script chk {\n    script "OK"\n    user nosuchuser2 nosuchgroup2\n}\n${instance('eth0', '    track_script {\n        chk\n    }\n')}${misc('            user root nosuchgroup3\n')}`,
    status: 5,
    host: ['Error setting global script uid/gid', "Unable to set uid/gid for script 'OK'", '(VI_1) track script chk not found, ignoring...', "Failed to set uid/gid for misc checker script 'OK' - removing"],
  },
  {
    name: 'the default script user keepalived_script for a MISC_CHECK',
    conf: `global_defs {\n    enable_script_security\n}\n${misc()}`,
    status: 5,
    host: ['Unable to set default user keepalived_script for script', "Unable to set default user for misc script 'OK' - removing"],
  },
  {
    name: 'a net_namespace this host does not have',
    conf: `net_namespace kts-absent-ns\n${instance('nosuchif0')}bogus_keyword\n`,
    status: 0,
    host: [],
  },
];

/** keepalived's line without its `(FILE: Line N) ` prefix. */
const bare = (line: string): string => line.replace(/^\((?:[^)]*: )?Line \d+\) /, '').trim();

test('host checks: the same exit status and host lines as Debian keepalived -t', () => {
  requireDebianKeepalived();
  const dir = mkdtempSync(join(tmpdir(), 'kts-hostchk-'));
  try {
    const ok = join(dir, 'ok.sh');
    writeFileSync(ok, '#!/bin/sh\nexit 0\n');
    chmodSync(ok, 0o755);
    withBareNetns('hostchk', (ns) => {
      execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p'], { stdio: 'pipe' });
      const problems: string[] = [];
      for (const c of CASES) {
        const file = join(dir, 'k.conf');
        writeFileSync(file, c.conf.replaceAll('"OK"', `"${ok}"`));
        const theirs = runKeepalivedTest(file, { netns: ns });
        const ourRun = spawnSync('ip', ['netns', 'exec', ns, process.execPath, CLI, '-t', '--json', '-f', file, '-i', 'low'], { encoding: 'utf8', timeout: 20000 });
        const doc = JSON.parse(ourRun.stdout) as ConfigTestJson;
        const expected = c.host.map((l) => l.replaceAll("'OK'", `'${ok}'`));
        const ours = doc.diagnostics.filter((d) => d.code.startsWith('KA_CFG_HOST_') && d.code !== 'KA_CFG_HOST_NAMESPACE').map((d) => d.message);
        const keepalivedLines = theirs.stderr.split('\n').map(bare);
        if (theirs.status !== c.status) problems.push(`${c.name}: keepalived -t exits ${theirs.status}, expected ${c.status}:\n${theirs.stderr}`);
        if (ourRun.status !== c.status || doc.exitCode !== c.status) problems.push(`${c.name}: ours exits ${ourRun.status} (json ${doc.exitCode}), expected ${c.status}`);
        for (const l of expected) if (!keepalivedLines.includes(l)) problems.push(`${c.name}: keepalived no longer prints "${l}":\n${theirs.stderr}`);
        assert.deepEqual([...ours].sort(), [...expected].sort(), c.name);
      }
      assert.deepEqual(problems, []);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
