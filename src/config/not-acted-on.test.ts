// keywordsNotActedOn: the keywords of a file whose rows say the daemon does not (fully) act
// on them, once per block and keyword, with every place, in order of first use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../test-kit/memory-reader.js';
import { formatDiagnostic } from './diagnostics.js';
import { keywordsNotActedOn, parseConfigText } from './parse-config.js';

const parse = (text: string): ReturnType<typeof parseConfigText> => parseConfigText(text, 'k.conf', { reader: memoryReader({}), configId: 'n1' });

const CONF = `net_namespace blue
vrrp_script chk {
  script /bin/true
  interval 2
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 7
  priority 100
  virtual_ipaddress {
    192.0.2.7
  }
  track_script {
    chk
  }
  unicast_peer {
    192.0.2.9 min_ttl 10
  }
  notify_master /bin/true
}
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 8
  virtual_ipaddress {
    192.0.2.8
  }
  track_script {
    chk
  }
}
`;

test('lists each not-acted-on keyword once, with every place and its status', () => {
  const list = keywordsNotActedOn(parse(CONF));
  assert.deepEqual(
    list.map((k) => [k.block, k.keyword, k.runtime, k.locs.map((l) => `${l.line}:${l.col}`)]),
    [
      ['top level', 'net_namespace', 'partly', ['1:1']],
      ['top level', 'vrrp_script', 'not-yet', ['2:1']],
      ['vrrp_instance', 'track_script', 'not-yet', ['13:3', '27:3']],
      ['vrrp_instance', 'unicast_peer', 'partly', ['16:3']],
      ['vrrp_instance', 'notify_master', 'partly', ['19:3']],
    ],
  );
  assert.equal(list.find((k) => k.keyword === 'unicast_peer')?.note, 'min_ttl/max_ttl are not enforced');
});

test('keywords inside a block the daemon does not act on are covered by the block', () => {
  const list = keywordsNotActedOn(parse(CONF));
  assert.ok(!list.some((k) => k.keyword === 'script' || k.keyword === 'interval'));
});

test('a file of acted-on keywords lists nothing, and the diagnostics do not change', () => {
  const plain = 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress {\n    192.0.2.7\n  }\n}\n';
  const r = parse(plain);
  assert.deepEqual(keywordsNotActedOn(r), []);
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  assert.deepEqual(parse(CONF).diagnostics.map(formatDiagnostic), []);
});
