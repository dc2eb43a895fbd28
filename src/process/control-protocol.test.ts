import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlSocketPath, MAX_REQUEST_BYTES, parseControlRequest } from './control-protocol.js';
import { processTitle } from './process-title.js';

test('control socket path: beside the pid file, named after it', () => {
  assert.equal(controlSocketPath('/run/keepalived.pid'), '/run/keepalived.ctl');
  assert.equal(controlSocketPath('/tmp/x/h1.pid'), '/tmp/x/h1.ctl');
  assert.equal(controlSocketPath('/var/run/ka'), '/var/run/ka.ctl');
  assert.equal(controlSocketPath('k.pid'), 'k.ctl');
});

test('control requests: the one valid shape, everything else a reason', () => {
  assert.deepEqual(parseControlRequest('{"version":1,"command":"status"}'), { ok: true, value: { version: 1, command: 'status' } });
  assert.deepEqual(parseControlRequest('{"version":1,"command":"status","instance":"VI_1"}'), { ok: true, value: { version: 1, command: 'status', instance: 'VI_1' } });
  assert.deepEqual(parseControlRequest('{"version":1,"command":"status","instance":null}'), { ok: true, value: { version: 1, command: 'status' } });
  for (const [line, re] of [
    ['', /not JSON/],
    ['{', /not JSON/],
    ['"status"', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"command":"status"}', /version null not supported/],
    ['{"version":"1","command":"status"}', /version "1" not supported/],
    ['{"version":1}', /unknown command null/],
    ['{"version":1,"command":"shutdown"}', /unknown command "shutdown"/],
    ['{"version":1,"command":"status","instance":""}', /non-empty string/],
    ['{"version":1,"command":"status","instance":["a"]}', /non-empty string/],
    [`{"version":1,"command":"status","instance":"${'a'.repeat(MAX_REQUEST_BYTES)}"}`, /longer than/],
  ] as const) {
    const r = parseControlRequest(line);
    assert.equal(r.ok, false, line);
    assert.match(r.ok ? '' : r.reason, re);
  }
});

test('process titles: ours by default, keepalived names with process_names, explicit names win', () => {
  assert.equal(processTitle('parent', undefined), 'keepalived-ts');
  assert.equal(processTitle('vrrp', {}), 'keepalived-ts: vrrp');
  assert.equal(processTitle('checker', { processNames: true }), 'keepalived_ipvs');
  assert.equal(processTitle('vrrp', { processNames: true }), 'keepalived_vrrp');
  assert.equal(processTitle('parent', { processNames: true }), 'keepalived');
  assert.equal(processTitle('vrrp', { vrrp: 'lb-vrrp' }), 'lb-vrrp');
  assert.equal(processTitle('checker', { processNames: true, checker: 'lb-check' }), 'lb-check');
});
