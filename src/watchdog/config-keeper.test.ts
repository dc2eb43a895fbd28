import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../core/logger.js';
import { fail, ok, type Result } from '../core/result.js';
import { encodeSlices } from '../config/slices.js';
import type { ParentToChild } from '../process/ipc.js';
import type { ChildKind } from '../process/options.js';
import { lvsConfig } from '../test-kit/lvs-sim.js';
import { ConfigKeeper, type ConfigLoadRequest, type LoadedConfig } from './config-keeper.js';

const vs = (ip: string, port: number): string => `virtual_server ${ip} 80 {\n lb_algo rr\n protocol TCP\n real_server 198.51.100.10 ${port} {\n  TCP_CHECK {\n  }\n }\n}\n`;

const GLOBAL_DEFS = lvsConfig('').globalDefs;

function loaded(text: string, more: Partial<LoadedConfig> = {}): LoadedConfig {
  return {
    summary: { hasVrrp: true, hasChecker: true, notActedOn: [], globalDefs: GLOBAL_DEFS, childWaitTimeS: 5, errorCount: 0 },
    messages: [],
    slices: encodeSlices(lvsConfig(text)),
    ...more,
  };
}

/** A keeper over scripted loads and two children that record what they were sent. */
function rig(first: LoadedConfig) {
  const { logger, records } = memoryLogger();
  const loads: Array<Result<LoadedConfig>> = [ok(first)];
  const requests: ConfigLoadRequest[] = [];
  const sent: Record<ChildKind, ParentToChild[]> = { vrrp: [], checker: [] };
  const running = new Set<ChildKind>(['vrrp', 'checker']);
  const events: string[] = [];
  let release: (() => void) | null = null;
  let gate = false;
  const keeper = new ConfigKeeper({
    load: async (req) => {
      requests.push(req);
      if (gate) await new Promise<void>((r) => (release = r));
      const next = loads.shift();
      assert.ok(next, 'a load nobody scripted');
      return next;
    },
    request: (check) => ({ path: '/k.conf', allConfig: false, dumpConf: false, ...(check ? { check } : {}) }),
    log: logger,
    children: () => (['vrrp', 'checker'] as const).map((kind) => ({ kind, running: running.has(kind), send: (m: ParentToChild) => (sent[kind].push(m), true) })),
    observer: {
      started: () => events.push('started'),
      sent: (g, kinds) => events.push(`sent ${g} ${kinds.join(',')}`),
      finished: (isOk, reason) => events.push(`finished ${isOk} ${reason ?? ''}`.trimEnd()),
    },
    accepted: (l) => events.push(`accepted ${l.summary.childWaitTimeS}`),
  });
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
  return {
    keeper,
    loads,
    requests,
    sent,
    running,
    events,
    records,
    settle,
    hold: () => (gate = true),
    open: () => {
      gate = false;
      release?.();
    },
  };
}

const payloadOf = (m: ParentToChild | undefined): { type: string; generation: number; changed?: unknown[] } => {
  assert.ok(m?.type === 'config');
  return JSON.parse(m.payload) as { type: string; generation: number; changed?: unknown[] };
};

test('config keeper: a reload that cannot run is refused before any child hears of it', async () => {
  const r = rig(loaded(vs('192.0.2.1', 8080)));
  assert.ok((await r.keeper.initial()).ok);
  r.keeper.startMessage('vrrp');
  r.keeper.startMessage('checker');
  r.loads.push(ok(loaded(vs('192.0.2.1', 8080), { summary: { hasVrrp: true, hasChecker: true, notActedOn: [], globalDefs: GLOBAL_DEFS, childWaitTimeS: 5, unusable: '(VI_1) the virtual router id must be set' } })));
  r.loads.push(fail('cannot read the configuration: ENOENT'));
  r.loads.push(ok(loaded(vs('192.0.2.1', 8080), { noConfig: '/k.conf:3:1: include check failed' })));
  for (let i = 0; i < 3; i++) {
    r.keeper.requestReload();
    await r.settle();
  }
  assert.deepEqual(r.sent.vrrp, []);
  assert.deepEqual(r.sent.checker, []);
  assert.equal(r.keeper.generation, 1, 'the running configuration stays in force');
  assert.deepEqual(r.events, [
    'started',
    'finished false configuration cannot run: (VI_1) the virtual router id must be set',
    'started',
    'finished false cannot read the configuration: ENOENT',
    'started',
    'finished false configuration not usable: /k.conf:3:1: include check failed',
  ]);
  assert.equal(r.records.filter((x) => /^Reload refused, the running configuration stays in force/.test(x.msg)).length, 3);
});

test('config keeper: an accepted reload goes to every running child and ends with their reload-done; a failure is reported with the child', async () => {
  const r = rig(loaded(vs('192.0.2.1', 8080)));
  await r.keeper.initial();
  r.keeper.startMessage('vrrp');
  r.keeper.startMessage('checker');
  r.loads.push(ok(loaded(vs('192.0.2.1', 8080) + vs('192.0.2.2', 8080), { summary: { hasVrrp: true, hasChecker: true, notActedOn: [], globalDefs: GLOBAL_DEFS, childWaitTimeS: 2, errorCount: 1 } })));
  r.keeper.requestReload();
  await r.settle();
  assert.deepEqual(r.events, ['started', 'accepted 2', 'sent 2 vrrp,checker']);
  const p = payloadOf(r.sent.checker[0]);
  assert.equal(p.type, 'delta');
  assert.equal(p.changed?.length, 1, 'only the new virtual server travels');
  r.keeper.childReloaded('vrrp', 1, true); // a stale answer changes nothing
  r.keeper.childReloaded('vrrp', 2, true);
  assert.equal(r.events.length, 3, 'waits for the checker');
  r.keeper.childReloaded('checker', 2, true);
  assert.equal(r.events.at(-1), 'finished true 1 configuration error(s) ignored');

  // The checker fails generation 3: reported, and its next configuration goes whole.
  r.loads.push(ok(loaded(vs('192.0.2.1', 9090))));
  r.keeper.requestReload();
  await r.settle();
  r.keeper.childReloaded('checker', 3, false, 'KA_ERR_VRRP_CONFIG: boom');
  r.keeper.childReloaded('vrrp', 3, true);
  assert.equal(r.events.at(-1), 'finished false checker: KA_ERR_VRRP_CONFIG: boom');
  r.loads.push(ok(loaded(vs('192.0.2.1', 9090))));
  r.keeper.requestReload();
  await r.settle();
  assert.equal(payloadOf(r.sent.checker.at(-1)).type, 'full');
  assert.equal(payloadOf(r.sent.checker.at(-1)).generation, 4);
  // A child that dies mid-reload is not waited for.
  r.running.delete('checker');
  r.keeper.childGone('checker');
  r.keeper.childReloaded('vrrp', 4, true);
  assert.equal(r.events.at(-1), 'finished true');
});

test('config keeper: SIGHUPs during a reload collapse into one more reload afterwards', async () => {
  const r = rig(loaded(vs('192.0.2.1', 8080)));
  await r.keeper.initial();
  r.running.clear();
  r.hold();
  r.loads.push(ok(loaded(vs('192.0.2.1', 8080))), ok(loaded(vs('192.0.2.1', 8080))));
  r.keeper.requestReload();
  await r.settle();
  r.keeper.requestReload();
  r.keeper.requestReload();
  assert.equal(r.requests.length, 2, 'one read in flight');
  r.open();
  await r.settle();
  await r.settle();
  assert.equal(r.requests.length, 3, 'exactly one queued reload ran');
  assert.deepEqual(r.events.filter((e) => e.startsWith('finished')), ['finished true', 'finished true']);
  assert.equal(r.keeper.generation, 3);
  assert.equal(r.records.filter((x) => /Reload already in progress/.test(x.msg)).length, 1);
});

test('config keeper: with reload_check_config the new file must pass -t, and the check is asked of the loader', async () => {
  const r = rig(loaded(vs('192.0.2.1', 8080), { reloadCheckConfig: { logFile: '/tmp/x.log' } }));
  await r.keeper.initial();
  assert.equal(r.requests[0]?.check, undefined, 'the first read runs no host check');
  r.loads.push(ok(loaded(vs('192.0.2.1', 8080), { checkStatus: 1, summary: { hasVrrp: true, hasChecker: true, notActedOn: [], globalDefs: GLOBAL_DEFS, childWaitTimeS: 5, errorCount: 2 } })));
  r.keeper.requestReload();
  await r.settle();
  assert.deepEqual(r.requests[1]?.check, { logFile: '/tmp/x.log' });
  assert.match(r.events.at(-1) ?? '', /^finished false reload_check_config: the configuration test exits 1 \(2 error\(s\)/);
  assert.deepEqual(r.sent.vrrp, []);
});
