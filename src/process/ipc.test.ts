import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from './options.js';
import { IPC_PROTOCOL_VERSION, parseChildToParent, parseParentToChild, validateOptions } from './ipc.js';

const hello = { type: 'hello', protocol: IPC_PROTOCOL_VERSION, child: 'vrrp', configPath: '/k.conf', options: { ...DEFAULT_OPTIONS, dontFork: true }, parentPid: 42 };

test('parent→child: valid messages pass, with the structured-clone shape', () => {
  const r = parseParentToChild(structuredClone(hello));
  assert.equal(r.ok, true);
  assert.equal(r.ok && r.value.type === 'hello' && r.value.options.dontFork, true);
  for (const type of ['cfg-reload', 'ctl-shutdown', 'dump-data', 'dump-stats']) assert.deepEqual(parseParentToChild({ type }), { ok: true, value: { type } });
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
  const st = parseChildToParent({ type: 'status', instances: [{ name: 'VI_1', state: 'MASTER', effectivePriority: 150 }] });
  assert.equal(st.ok && st.value.type === 'status' && st.value.instances[0]?.state, 'MASTER');
  assert.equal(parseChildToParent({ type: 'status', instances: [{ name: 'VI_1', state: 'master', effectivePriority: 150 }] }).ok, false);
  assert.deepEqual(parseChildToParent({ type: 'reload-done', ok: false, reason: 'bad' }), { ok: true, value: { type: 'reload-done', ok: false, reason: 'bad' } });
  assert.equal(parseChildToParent({ type: 'reload-done' }).ok, false);
  assert.equal(parseChildToParent({ type: 'cfg-reload' }).ok, false);
});
