import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from './options.js';
import { IPC_PROTOCOL_VERSION, parseChildToParent, parseParentToChild, validateOptions } from './ipc.js';

const hello = { type: 'hello', protocol: IPC_PROTOCOL_VERSION, child: 'vrrp', configPath: '/k.conf', options: { ...DEFAULT_OPTIONS, dontFork: true }, parentPid: 42 };

test('parent→child: valid messages pass, with the structured-clone shape', () => {
  const r = parseParentToChild(structuredClone(hello));
  assert.equal(r.ok, true);
  assert.equal(r.ok && r.value.type === 'hello' && r.value.options.dontFork, true);
  for (const type of ['cfg-reload', 'ctl-shutdown', 'dump-data', 'dump-stats', 'status-request']) assert.deepEqual(parseParentToChild({ type }), { ok: true, value: { type } });
  for (const fn of ['JSON', 'STATS_CLEAR', 'TDUMP']) assert.deepEqual(parseParentToChild({ type: 'signal-function', fn }), { ok: true, value: { type: 'signal-function', fn } });
  assert.equal(parseParentToChild({ type: 'signal-function', fn: 'DATA' }).ok, false, 'only the real-time functions');
});

test('parent→child: unknown types and malformed hellos are protocol errors', () => {
  assert.deepEqual(parseParentToChild({ type: 'reboot' }), { ok: false, reason: "unknown message type 'reboot'" });
  assert.equal(parseParentToChild(null).ok, false);
  assert.equal(parseParentToChild('hello').ok, false);
  assert.equal(parseParentToChild({}).ok, false);
  assert.equal(parseParentToChild({ ...hello, protocol: 99 }).ok, false);
  assert.equal(parseParentToChild({ ...hello, child: 'bfd' }).ok, false);
  assert.equal(parseParentToChild({ ...hello, configPath: 3 }).ok, false);
  const badOpts = parseParentToChild({ ...hello, options: { ...DEFAULT_OPTIONS, dontFork: 'yes' } });
  assert.deepEqual(badOpts, { ok: false, reason: 'hello: options.dontFork: expected boolean' });
});

test('options validation checks optional fields too', () => {
  assert.equal(validateOptions({ ...DEFAULT_OPTIONS, umask: 0o22, logJson: '-' }).ok, true);
  assert.equal(validateOptions({ ...DEFAULT_OPTIONS, umask: '022' }).ok, false);
  assert.equal(validateOptions({ ...DEFAULT_OPTIONS, perf: 'sometimes' }).ok, false);
  const { pidFile: _dropped, ...missing } = DEFAULT_OPTIONS;
  assert.equal(validateOptions(missing).ok, false);
});

test('child→parent messages', () => {
  assert.equal(parseChildToParent({ type: 'hello', protocol: IPC_PROTOCOL_VERSION, child: 'vrrp', pid: 10 }).ok, true);
  assert.equal(parseChildToParent({ type: 'hello', protocol: IPC_PROTOCOL_VERSION, child: 'vrrp', pid: 1.5 }).ok, false);
  assert.deepEqual(parseChildToParent({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  const inst = {
    name: 'VI_1', vrid: 51, family: 4, interface: 'eth0', version: 2, state: 'MASTER', effectivePriority: 150, basePriority: 150,
    sourceAddress: '192.0.2.1', masterAddress: '192.0.2.1', masterPriority: 150, lastAdvertWallMs: null, vips: ['192.0.2.10/32 dev eth0'],
    trackers: [{ kind: 'interface', name: 'eth1', state: 'up', weight: 0 }], faultSources: [], syncGroup: null,
    lastTransition: { from: 'BACKUP', to: 'MASTER', reason: 'master-down-timer', atWallMs: 1 },
  };
  const update = { schema: 1, seq: 1, full: true, instances: [inst], removedInstances: [], virtualServers: [], removedVirtualServers: [] };
  const st = parseChildToParent(structuredClone({ type: 'status', update }));
  assert.equal(st.ok && st.value.type === 'status' && st.value.update.instances[0]?.state, 'MASTER');
  assert.equal(parseChildToParent({ type: 'status', update: { ...update, instances: [{ ...inst, state: 'master' }] } }).ok, false);
  assert.equal(parseChildToParent({ type: 'status', update: { ...update, instances: [{ ...inst, trackers: [{ kind: 'weather', name: 'x', state: 'up', weight: 0 }] }] } }).ok, false);
  assert.equal(parseChildToParent({ type: 'status', update: { ...update, schema: 2 } }).ok, false);
  assert.deepEqual(parseChildToParent({ type: 'pong', seq: 3 }), { ok: true, value: { type: 'pong', seq: 3 } });
  assert.equal(parseChildToParent({ type: 'pong' }).ok, false);
  assert.deepEqual(parseParentToChild({ type: 'ping', seq: 3 }), { ok: true, value: { type: 'ping', seq: 3 } });
  assert.equal(parseParentToChild({ ...hello, title: 5 }).ok, false);
  assert.deepEqual(parseChildToParent({ type: 'reload-done', ok: false, reason: 'bad' }), { ok: true, value: { type: 'reload-done', ok: false, reason: 'bad' } });
  assert.equal(parseChildToParent({ type: 'reload-done' }).ok, false);
  assert.equal(parseChildToParent({ type: 'cfg-reload' }).ok, false);
});
