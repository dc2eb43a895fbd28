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
  garp_extra_if 5
  use_vmac
  promote_secondaries
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
      ['vrrp_instance', 'garp_extra_if', 'not-yet', ['16:3']],
      ['vrrp_instance', 'use_vmac', 'partly', ['17:3']],
      ['vrrp_instance', 'promote_secondaries', 'not-yet', ['18:3']],
    ],
  );
  assert.equal(list.find((k) => k.keyword === 'use_vmac')?.note, 'netlink_notify_msg and group (keepalived 2.3+) are read, not acted on');
});

test('keywords inside a block the daemon does not act on are covered by the block', () => {
  const bfd = parse('bfd_instance b1 {\n  neighbor_ip 192.0.2.9\n  min_rx 50\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress {\n    192.0.2.7\n  }\n  track_bfd {\n    b1\n  }\n}\n');
  const list = keywordsNotActedOn(bfd);
  assert.deepEqual(
    list.map((k) => [k.block, k.keyword, k.runtime]),
    [
      ['top level', 'bfd_instance', 'not-yet'],
      ['vrrp_instance', 'track_bfd', 'not-yet'],
    ],
  );
  assert.ok(!list.some((k) => k.keyword === 'neighbor_ip' || k.keyword === 'min_rx'));
});

test('trackers are acted on (vrrp_script, track_file, vrrp_track_process and their track_* lines); only BFD is not', () => {
  const r = parse('vrrp_script chk {\n  script /bin/true\n}\ntrack_file tf {\n  file /run/x\n  init_file 3\n}\nvrrp_track_process p {\n  process nginx\n}\nvrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress {\n    192.0.2.7\n  }\n  track_script {\n    chk\n  }\n  track_file {\n    tf\n  }\n  track_process {\n    p\n  }\n}\n');
  assert.deepEqual(keywordsNotActedOn(r), []);
});

test('a file of acted-on keywords lists nothing, and the diagnostics do not change', () => {
  const plain = 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  virtual_ipaddress {\n    192.0.2.7\n  }\n}\n';
  const r = parse(plain);
  assert.deepEqual(keywordsNotActedOn(r), []);
  assert.deepEqual(r.diagnostics.map(formatDiagnostic), []);
  assert.deepEqual(parse(CONF).diagnostics.map(formatDiagnostic), []);
});
