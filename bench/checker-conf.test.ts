import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkerConf, checkersLayout, DETECTION_TIMING, detectionBoundMs, HTTP_FIRST_PORT, reloadLayout, TCP_FIRST_PORT } from './checker-conf.js';
import { ipvsDestPorts } from './checker-scenario.js';

test('the issue bound is delay_loop × (retry+1) + connect_timeout + 50 ms', () => {
  assert.equal(detectionBoundMs(DETECTION_TIMING), 3050);
  assert.equal(detectionBoundMs({ delayLoopS: 2, connectTimeoutS: 3, retry: 2, delayBeforeRetryS: 1 }), 9050);
});

test('checkers layout: every real server once, perVs per virtual server', () => {
  const vss = checkersLayout(250, 120, 100);
  const tcp = vss.filter((v) => v.kind === 'tcp');
  const http = vss.filter((v) => v.kind === 'http');
  assert.deepEqual(tcp.map((v) => v.rsPorts.length), [100, 100, 50]);
  assert.deepEqual(http.map((v) => v.rsPorts.length), [100, 20]);
  assert.equal(tcp[0]!.rsPorts[0], TCP_FIRST_PORT);
  assert.equal(http[1]!.rsPorts[19], HTTP_FIRST_PORT + 119);
  const keys = new Set(vss.map((v) => `${v.vip}:${v.port}`));
  assert.equal(keys.size, vss.length);
});

test('reload layout: 2000 distinct virtual servers × 15 shared real servers', () => {
  const vss = reloadLayout(2000, 15);
  assert.equal(vss.length, 2000);
  assert.equal(new Set(vss.map((v) => `${v.vip}:${v.port}`)).size, 2000);
  assert.equal(vss.reduce((n, v) => n + v.rsPorts.length, 0), 30_000);
});

test('ipvsDestPorts reads real servers of one address from /proc/net/ip_vs', () => {
  const text = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn',
    'TCP  CB007101:03E8 rr  ',
    '  -> C6336402:2710      Masq    1      0          0         ',
    '  -> C6336402:2711      Masq    1      0          0         ',
    '  -> C6336403:2712      Masq    1      0          0         ',
    'TCP  CB007101:03E9 rr  ',
    '  -> C6336402:2710      Masq    1      0          0         ',
  ].join('\n');
  const r = ipvsDestPorts(text, 'C6336402');
  assert.deepEqual([...r.ports].sort(), [10000, 10001]);
  assert.equal(r.count, 3);
});

test("keepalived -t accepts the generated configurations", () => {
  const bin = '/usr/sbin/keepalived';
  assert.ok(existsSync(bin), `${bin} missing: apt-get install keepalived`);
  const dir = mkdtempSync(join(tmpdir(), 'kts-bench-conf-'));
  try {
    for (const [name, vss] of [['checkers', checkersLayout(20, 5, 10)], ['reload', reloadLayout(3, 2)]] as const) {
      const f = join(dir, `${name}.conf`);
      writeFileSync(f, checkerConf(vss, DETECTION_TIMING));
      const r = spawnSync(bin, ['-t', '-f', f], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${name}: keepalived -t exited ${r.status}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Unknown keyword|Unexpected/, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
