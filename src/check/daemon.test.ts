import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_OPTIONS, type CliOptions } from '../process/options.js';
import { memoryLogger } from '../core/logger.js';
import { FakeClock } from '../test-kit/fake-clock.js';
import { scriptHostFor } from '../test-kit/fake-script-host.js';
import { FakeIpvs, lvsConfig, runUntil, ScriptedProbes } from '../test-kit/lvs-sim.js';
import type { ScriptRunner } from '../notify/runner.js';
import type { ChildContext } from '../process/child-api.js';
import { CheckerDaemon, type CheckerChildDeps } from './daemon.js';
import type { CheckerEffect } from './effects.js';
import { ipvsService } from './ipvs-desired.js';

const CONF = (extraGlobal = '', rsExtra = ''): string => `global_defs {
 router_id t1
 ${extraGlobal}
}
virtual_server 192.0.2.1 80 {
 lb_algo rr
 lb_kind NAT
 protocol TCP
 delay_loop 5
 real_server 192.0.2.10 8080 {
  notify_down "/x/down.sh arg"
  ${rsExtra}
  TCP_CHECK {
   connect_timeout 1
   retry 1
   delay_before_retry 1
   warmup 0
  }
 }
 real_server 192.0.2.11 8080 {
  TCP_CHECK {
   warmup 0
  }
 }
}
`;

interface Rig {
  readonly d: CheckerDaemon;
  readonly clock: FakeClock;
  readonly probes: ScriptedProbes;
  readonly ipvs: FakeIpvs;
  readonly effects: CheckerEffect[];
  readonly scripts: string[];
  readonly lines: readonly string[];
  readonly path: string;
  done(): void;
}

async function rig(conf: string, opts: { options?: Partial<CliOptions>; ipvs?: FakeIpvs | 'unavailable'; local?: Set<string> } = {}): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'kts-chk-'));
  const path = join(dir, 'k.conf');
  writeFileSync(path, conf);
  const { logger, records } = memoryLogger('Keepalived_healthcheckers', 'info');
  const ctx: ChildContext = { configPath: path, options: { ...DEFAULT_OPTIONS, ...opts.options }, log: logger, ipc: { send: () => undefined, connected: false } };
  const clock = new FakeClock();
  const probes = new ScriptedProbes();
  const ipvs = opts.ipvs instanceof FakeIpvs ? opts.ipvs : new FakeIpvs();
  const effects: CheckerEffect[] = [];
  const scripts: string[] = [];
  const runner: ScriptRunner = { run: (argv) => (scripts.push(argv.join(' ')), Promise.resolve(0)) };
  const deps: CheckerChildDeps = {
    clock,
    random: () => 0.5,
    scripts: runner,
    sink: { onEffect: (e) => effects.push(e) },
    createProbe: (cfg) => probes.probe('connection' in cfg ? `${cfg.connection.connectIp}:${cfg.connection.connectPort}` : 'x'),
    watchAddresses: () => Promise.resolve({ has: (a: string) => opts.local?.has(a) ?? true, close: () => undefined }),
    // Every configured script exists, root-owned: all of them are cleared to run.
    scriptHost: () => scriptHostFor(lvsConfig(readFileSync(path, 'utf8'))),
    openIpvs: opts.ipvs === 'unavailable' ? () => Promise.reject(Object.assign(new Error('Generic netlink family IPVS not found'), { code: 'KA_ERR_IPVS_UNAVAILABLE' })) : () => Promise.resolve(ipvs),
  };
  const d = new CheckerDaemon(ctx, deps);
  await d.start();
  return {
    d,
    clock,
    probes,
    ipvs,
    effects,
    scripts,
    path,
    get lines() {
      return records.map((x) => x.msg);
    },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const linesOf = (r: Rig, re: RegExp): string[] => r.lines.filter((l) => re.test(l));

test('daemon: start reconciles our service only (stale dest removed, foreign service kept), transitions reach IPVS, sink and scripts', async () => {
  const ours = ipvsService(lvsConfig(CONF()).virtualServers[0]!, { type: 'ip', family: 4, protocol: 'TCP', address: '192.0.2.1', port: 80 });
  const foreign = { ...ours, key: { ...ours.key, port: 443 }, scheduler: 'wlc' };
  const stale = { family: 4 as const, address: '192.0.2.99', port: 8080, fwdMethod: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0 };
  const ipvs = new FakeIpvs([{ service: ours, dests: [stale] }, { service: foreign, dests: [stale] }]);
  const r = await rig(CONF(), { ipvs });
  try {
    assert.deepEqual(r.ipvs.summary(), ['192.0.2.1:443 192.0.2.99:8080=1', '192.0.2.1:80 192.0.2.10:8080=1 192.0.2.11:8080=1']);
    assert.ok(r.lines.includes('Gained quorum 1+0=1 <= 2 for VS [192.0.2.1]:tcp:80'));
    await runUntil(r.clock, 1);
    r.probes.set('192.0.2.10:8080', false);
    await runUntil(r.clock, 20_000);
    await r.d.idle();
    assert.deepEqual(r.ipvs.summary(), ['192.0.2.1:443 192.0.2.99:8080=1', '192.0.2.1:80 192.0.2.11:8080=1']);
    assert.deepEqual(linesOf(r, /failed after/), ['TCP_CHECK on service [192.0.2.10]:tcp:8080 failed after 1 retries.']);
    assert.deepEqual(r.scripts, ['/x/down.sh arg']);
    assert.deepEqual(r.effects.filter((e) => e.type === 'rs-down').map((e) => (e.type === 'rs-down' ? `${e.rs} ${e.vs} ${e.reason ?? ''}` : '')), ['[192.0.2.10]:tcp:8080 [192.0.2.1]:tcp:80 connection refused']);
    await r.d.handle().shutdown();
    assert.deepEqual(r.ipvs.summary(), ['192.0.2.1:443 192.0.2.99:8080=1'], 'only our service removed');
    assert.ok(r.ipvs.closed);
    assert.deepEqual(linesOf(r, /Shutting down/), ['Shutting down service [192.0.2.11]:tcp:8080 from VS [192.0.2.1]:tcp:80']);
  } finally {
    r.done();
  }
});

test('daemon: -I leaves IPVS as it is; lvs_flush_on_stop flushes', async () => {
  const a = await rig(CONF(), { options: { dontReleaseIpvs: true } });
  try {
    await a.d.handle().shutdown();
    assert.deepEqual(a.ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=1 192.0.2.11:8080=1']);
  } finally {
    a.done();
  }
  const b = await rig(CONF('lvs_flush_on_stop'));
  try {
    await b.d.handle().shutdown();
    assert.deepEqual(b.ipvs.summary(), []);
    assert.equal(b.ipvs.ops.at(-1)?.type, 'flush');
  } finally {
    b.done();
  }
});

test('daemon: without IPVS one clear error line, and checks, scripts and effects keep running', async () => {
  const r = await rig(CONF(), { ipvs: 'unavailable' });
  try {
    const errs = r.lines.filter((l) => /IPVS/.test(l));
    assert.equal(errs.length, 1, errs.join('\n'));
    assert.match(errs[0]!, /IPVS not available/);
    r.probes.set('192.0.2.10:8080', false);
    await runUntil(r.clock, 20_000);
    assert.deepEqual(r.scripts, ['/x/down.sh arg']);
    assert.ok(r.effects.some((e) => e.type === 'rs-down'));
    assert.equal(r.lines.filter((l) => /IPVS/.test(l)).length, 1, 'no IPVS error per transition');
    await r.d.handle().shutdown();
  } finally {
    r.done();
  }
});

test('daemon: SIGHUP reload keeps a failed RS failed and applies only the difference', async () => {
  const r = await rig(CONF());
  try {
    r.probes.set('192.0.2.10:8080', false);
    await runUntil(r.clock, 20_000);
    await r.d.idle();
    const before = r.ipvs.ops.length;
    writeFileSync(r.path, CONF('', 'weight 1').replace('real_server 192.0.2.11 8080 {', 'real_server 192.0.2.12 8080 {'));
    await r.d.handle().reload();
    await r.d.idle();
    assert.deepEqual(r.ipvs.summary(), ['192.0.2.1:80 192.0.2.12:8080=1']);
    assert.deepEqual(r.ipvs.ops.slice(before).map((o) => o.type).sort(), ['add-dest', 'del-dest']);
    assert.ok(r.lines.some((l) => /Reload complete: 0 of 1 virtual servers unchanged, 1 changed, 0 new; 1 checkers kept their state, 1 started/.test(l)), r.lines.join('\n'));
    assert.equal(linesOf(r, /Gained quorum/).length, 1, 'no second Gained quorum on reload');
    assert.deepEqual(r.effects.flatMap((e) => (e.type === 'rs-down' && e.removed === true ? [e.rs] : [])), ['[192.0.2.11]:tcp:8080'], 'alive RS removed by the reload');
    await r.d.handle().shutdown();
  } finally {
    r.done();
  }
});

test('daemon: event-driven checker events (FILE_CHECK/BFD seam) move RSs and weights', async () => {
  const r = await rig(CONF());
  try {
    r.d.checkerEvent({ vs: 0, rs: 1, checker: 0 }, { up: false, reason: 'file says down' });
    await r.d.idle();
    assert.deepEqual(r.ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=1']);
    r.d.checkerEvent({ vs: 0, rs: 0, checker: 0 }, { weightDelta: 4 });
    await r.d.idle();
    assert.deepEqual(r.ipvs.summary(), ['192.0.2.1:80 192.0.2.10:8080=5']);
    await r.d.handle().shutdown();
  } finally {
    r.done();
  }
});

test('daemon: SIGUSR1 writes keepalived_check.data with VS/RS/checker state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kts-dump-'));
  const old = process.env['TMPDIR'];
  process.env['TMPDIR'] = dir;
  const r = await rig(CONF());
  try {
    r.d.checkerEvent({ vs: 0, rs: 1, checker: 0 }, { up: false });
    r.d.handle().dumpData?.();
    const text = readFileSync(join(dir, 'keepalived_check.data'), 'utf8');
    assert.match(text, /Virtual Server = \[192\.0\.2\.1\]:tcp:80\n\s+Quorum = 1, hysteresis = 0, state = UP, live weight = 1/);
    assert.match(text, /Real Server = \[192\.0\.2\.11\]:tcp:8080\n\s+Alive = no, weight = 1, failed checkers = 1/);
    await r.d.handle().shutdown();
  } finally {
    if (old === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = old;
    r.done();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('daemon: ha_suspend runs the checkers of a VS only while its address is local', async () => {
  const local = new Set<string>();
  const r = await rig(CONF().replace(' delay_loop 5', ' delay_loop 5\n ha_suspend'), { local });
  try {
    await runUntil(r.clock, 30_000);
    assert.equal(r.probes.runs.length, 0, 'suspended: no probe ran');
    local.add('192.0.2.1');
    await runUntil(r.clock, 40_000);
    assert.ok(r.probes.runs.length >= 2, `resumed: ${r.probes.runs.length} runs`);
    await r.d.handle().shutdown();
  } finally {
    r.done();
  }
});
