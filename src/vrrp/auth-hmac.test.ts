/**
 * auth_hmac against the published vectors: the wire images of draft-cassen-vrrp-auth-hmac's
 * appendix (key 00..1f, VRID 51, priority 200, sequence 0x68000000_80000000; IPv4 from
 * 198.51.100.10 with VIP 192.0.2.100, IPv6 from fe80::10 with VIP fe80::100, its checksum the
 * kernel's for destination fe80::20 over message and trailer), the same images keepalived's
 * own regression test checks. Then freshness, replay and the sender's sequence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ip } from '../test-kit/vrrp-adverts.js';
import { unhex } from '../test-kit/hex.js';
import { checkTrailer, defaultTimeWindowS, HmacReplayTable, HmacSendSequence, hmacPseudoHeader, keyBytes, resolveHmacSettings, signTrailer, type HmacSettings } from './auth-hmac.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const SETTINGS: HmacSettings = { keys: new Map([[1, KEY]]), activeKey: 1, mode: 'enforce', antiReplayTime: true, timeWindowS: 5 };
/** The vectors' timestamps are fixed: verify them in monotonic mode, as keepalived's test does. */
const MONOTONIC: HmacSettings = { ...SETTINGS, antiReplayTime: false };

const VECTORS = [
  { what: 'IPv4', family: 4 as const, src: ip('198.51.100.10'), message: '3133c80100644402c0000264', trailer: '010100006800000080000000' + '1b84bc4e8e43892dc6d98448f8ee2265' },
  { what: 'IPv6', family: 6 as const, src: ip('fe80::10'), message: '3133c8010064a2e9' + 'fe800000000000000000000000000100', trailer: '010100006800000080000000' + 'c8c56146ebfd66ee10ec4d8186461b78' },
];

const check = (s: HmacSettings, v: (typeof VECTORS)[number], msg: Uint8Array, tr: Uint8Array, o: { src?: Uint8Array; vrid?: number; replay?: HmacReplayTable; wallMs?: number } = {}) =>
  checkTrailer(s, o.replay ?? new HmacReplayTable(), hmacPseudoHeader(v.family, 3, o.vrid ?? 51, o.src ?? v.src), msg, tr, o.src ?? v.src, o.wallMs ?? 0);

for (const v of VECTORS) {
  test(`draft appendix vector, ${v.what}: verifies, and our signer writes the same trailer`, () => {
    const msg = unhex(v.message);
    const tr = unhex(v.trailer);
    assert.equal(check(MONOTONIC, v, msg, tr), null);
    const ours = new Uint8Array(28);
    signTrailer(ours, msg, SETTINGS, hmacPseudoHeader(v.family, 3, 51, v.src), 0x68000000_80000000n);
    assert.deepEqual(ours, tr);
  });
}

test('draft vector, one flipped byte at a time (as keepalived\'s test): every field but the checksum is covered', () => {
  const v = VECTORS[1]!;
  const cases: [string, 'msg' | 'tr', number, ReturnType<typeof checkTrailer>][] = [
    ['priority', 'msg', 2, 'bad-hmac'],
    ['advert interval', 'msg', 5, 'bad-hmac'],
    ['checksum', 'msg', 6, null],
    ['VIP', 'msg', 8 + 15, 'bad-hmac'],
    ['ext type', 'tr', 0, 'malformed'],
    ['key id', 'tr', 1, 'unknown-key'],
    ['reserved', 'tr', 2, 'malformed'],
    ['seconds', 'tr', 4, 'bad-hmac'],
    ['counter', 'tr', 10, 'bad-hmac'],
    ['hmac', 'tr', 12, 'bad-hmac'],
  ];
  for (const [what, part, at, want] of cases) {
    const msg = unhex(v.message);
    const tr = unhex(v.trailer);
    (part === 'msg' ? msg : tr)[at]! ^= 1;
    assert.equal(check(MONOTONIC, v, msg, tr), want, what);
  }
  assert.equal(check(MONOTONIC, v, unhex(v.message), unhex(v.trailer), { src: ip('fe80::20') }), 'bad-hmac', 'the source is bound');
  assert.equal(check(MONOTONIC, v, unhex(v.message), unhex(v.trailer), { vrid: 52 }), 'bad-hmac', 'the VRID is bound');
});

test('freshness (time mode): a stamp beyond ±window is stale before any digest; replays and old numbers are refused per sender', () => {
  const v = VECTORS[0]!;
  const msg = unhex(v.message);
  const sign = (seq: bigint): Uint8Array => {
    const tr = new Uint8Array(28);
    signTrailer(tr, msg, SETTINGS, hmacPseudoHeader(4, 3, 51, v.src), seq);
    return tr;
  };
  const nowS = 0x68000000;
  const at = (sec: number, ctr = 0): bigint => (BigInt(sec) << 32n) | BigInt(ctr);
  const replay = new HmacReplayTable();
  const wallMs = nowS * 1000;
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS - 6)), { replay, wallMs }), 'stale');
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS + 6)), { replay, wallMs }), 'stale');
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS - 5)), { replay, wallMs }), null);
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS - 5)), { replay, wallMs }), 'replay');
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS - 5, 1)), { replay, wallMs }), null);
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS - 5)), { replay, wallMs }), 'replay', 'older than the mark');
  // Another sender has its own mark.
  const other = ip('198.51.100.11');
  const trOther = new Uint8Array(28);
  signTrailer(trOther, msg, SETTINGS, hmacPseudoHeader(4, 3, 51, other), at(nowS - 5));
  assert.equal(checkTrailer(SETTINGS, replay, hmacPseudoHeader(4, 3, 51, other), msg, trOther, other, wallMs), null);
  // A mark that left the window is forgotten: a sender whose clock went back is heard again.
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS + 3)), { replay, wallMs: (nowS + 2) * 1000 }), null);
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS + 100)), { replay, wallMs: (nowS + 100) * 1000 }), null);
  assert.equal(check(SETTINGS, v, msg, sign(at(nowS + 1)), { replay, wallMs: (nowS + 1) * 1000 }), null, 'the +100 s mark is outside this window');
  // Monotonic mode: no window, the mark stays.
  const mono = new HmacReplayTable();
  assert.equal(check(MONOTONIC, v, msg, sign(at(nowS + 3600)), { replay: mono, wallMs }), null);
  assert.equal(check(MONOTONIC, v, msg, sign(at(nowS)), { replay: mono, wallMs }), 'replay');
});

test('multicast senders: four remembered, the least recently used forgotten first', () => {
  const t = new HmacReplayTable();
  const s = { antiReplayTime: false, timeWindowS: 5 };
  const a = [1, 2, 3, 4, 5].map((i) => Uint8Array.of(192, 0, 2, i));
  for (const x of a.slice(0, 4)) assert.ok(t.accept(x, 10n, 0, s));
  assert.ok(t.accept(a[0]!, 11n, 0, s)); // a0 used again: a1 is now the oldest
  assert.ok(t.accept(a[4]!, 10n, 0, s)); // evicts a1
  assert.ok(t.accept(a[1]!, 5n, 0, s), 'a1 was forgotten');
  assert.ok(!t.accept(a[0]!, 11n, 0, s), 'a0 was kept');
  const peers = new HmacReplayTable([a[0]!]);
  assert.ok(peers.accept(a[0]!, 1n, 0, s));
  for (const x of a.slice(1)) assert.ok(peers.accept(x, 1n, 0, s));
  assert.ok(!peers.accept(a[0]!, 1n, 0, s), 'a unicast peer keeps its own mark');
});

test('sender sequence: the clock, else the last plus one; a clock stepped back restarts from it in time mode only', () => {
  const time = { antiReplayTime: true, timeWindowS: 5 };
  const q = new HmacSendSequence();
  const t0 = 1_780_000_000_000;
  const s1 = q.next(t0 + 500, time);
  assert.equal(s1, (BigInt(1_780_000_000) << 32n) | (32768n << 16n), 'seconds, then half a second in 1/65536');
  assert.equal(q.next(t0 + 500, time), s1 + 1n, 'same instant: the counter grows');
  assert.equal(q.next(t0 + 400, time), s1 + 2n, 'clock slightly back: still growing');
  assert.equal(q.next(t0 - 60_000, time), BigInt(1_780_000_000 - 60) << 32n, 'a minute back (past the window): the clock again');
  const mono = new HmacSendSequence();
  const m1 = mono.next(t0, { antiReplayTime: false, timeWindowS: 5 });
  assert.equal(mono.next(t0 - 60_000, { antiReplayTime: false, timeWindowS: 5 }), m1 + 1n, 'monotonic keeps growing');
});

test('keys: hex: or text, 32 to 64 bytes; file: through the reader; the active key defaults to the first; strict forces enforce; window default', () => {
  assert.deepEqual(keyBytes('hex:00ff'), Uint8Array.of(0, 255));
  assert.equal(keyBytes('hex:0'), null);
  assert.equal(keyBytes('abc')!.length, 3);
  const hex32 = `hex:${'ab'.repeat(32)}`;
  const r = resolveHmacSettings(
    { keys: [{ id: 7, value: hex32 }, { id: 2, value: 'file:/k2' }, { id: 3, value: 'short' }, { id: 4, value: 'file:/missing' }], antiReplay: 'time', mode: 'permissive' },
    { advertIntCs: 300, strict: true, name: 'VI_1' },
    (p) => {
      if (p === '/k2') return `hex:${'cd'.repeat(40)}\n`;
      throw new Error('ENOENT');
    },
  );
  assert.deepEqual([...r.settings.keys.keys()], [7, 2]);
  assert.equal(r.settings.keys.get(2)!.length, 40);
  assert.equal(r.settings.activeKey, 7);
  assert.equal(r.settings.mode, 'enforce');
  assert.equal(r.settings.timeWindowS, 9);
  assert.equal(r.problems.length, 2, r.problems.join('\n'));
  assert.equal(defaultTimeWindowS(100), 5);
  assert.equal(defaultTimeWindowS(50), 5);
  assert.equal(defaultTimeWindowS(250), 8);
});
