/**
 * Fuzzing what the checker child parses from real servers (docs/reliability.md): the
 * HTTP_GET/SSL_GET response reader, the SMTP_CHECK dialogue, DNS_CHECK's reply check,
 * UDP_CHECK's reply pattern and PING_CHECK's echo-reply decoder. Valid exchanges are
 * mutated (status lines, header terminators, line endings, reply codes, lengths, bit
 * flips) and, for the stream parsers, cut into random chunks. Each parser is held to an
 * oracle written apart from it, and the stream parsers' verdict must not depend on where
 * the stream was cut; bounds (header block, body, reply line) hold whatever arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { internetChecksum } from '../../core/checksum.js';
import { formatFuzzStats, fuzzPlan, runFuzz } from '../../test-kit/fuzz.js';
import type { Prng } from '../../test-kit/prng.js';
import { checkDnsReply, encodeDnsQuery } from './dns-codec.js';
import { HttpResponseReader, type HttpResponseLimits } from './http-response.js';
import { decodeEchoReply, encodeEchoRequest } from './ping-codec.js';
import { SMTP_MAX_REPLY_BYTES, SmtpDialog, type SmtpStep } from './smtp-dialog.js';
import { checkUdpReply, compileReplyPattern } from './udp.js';

const FILE = fileURLToPath(import.meta.url);
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const show = (b: Uint8Array): string => JSON.stringify(Buffer.from(b).toString('latin1').slice(0, 600));

/** `buf` cut at 0–5 random points (empty chunks included). */
function chunks(rng: Prng, buf: Buffer): Buffer[] {
  const cuts = Array.from({ length: rng.int(0, 5) }, () => rng.int(0, buf.length)).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts, buf.length]) {
    out.push(buf.subarray(at, c));
    at = c;
  }
  return out;
}

function flip(rng: Prng, b: Buffer): Buffer {
  const c = Buffer.from(b);
  if (c.length > 0) c[rng.int(0, c.length - 1)]! ^= 1 << rng.int(0, 7);
  return c;
}

// ---------- HTTP ----------

const LIMITS: HttpResponseLimits = { maxHeaderBytes: 512, maxBodyBytes: 2048, maxRegexBytes: 100 };

function httpResponse(rng: Prng): Buffer {
  const version = rng.pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/2', 'HTTP/1.1', 'HTTP/x', 'HTTP/1.1  ', 'http/1.1', '']);
  const code = rng.pick(['200', '404', '503', '20', '2000', 'abc', String(rng.int(100, 599))]);
  const sep = rng.pick([' ', ' ', '\t', '']);
  const reason = rng.pick([' OK', '', ' Not Found', '\tx']);
  const eol = rng.pick(['\r\n', '\r\n', '\r\n', '\n']);
  const headers = Array.from({ length: rng.chance(0.1) ? rng.int(20, 40) : rng.int(0, 4) }, (_, i) => `X-H${i}: ${'v'.repeat(rng.int(0, 30))}${eol}`).join('');
  const body = rng.chance(0.1) ? Buffer.alloc(rng.int(2000, 2100), 0x61) : Buffer.from(rng.bytes(rng.int(0, 300)));
  const end = rng.pick(['\r\n\r\n', '\r\n\r\n', '\r\n\r\n', '\n\n', '\r\n', '']);
  let b: Buffer = Buffer.concat([latin1(`${version}${sep}${code}${reason}${eol}${headers}`.replace(/\r\n$/, '').replace(/\n$/, '')), latin1(end), body]);
  if (rng.chance(0.15)) b = flip(rng, b);
  if (rng.chance(0.1)) b = b.subarray(0, rng.int(0, b.length));
  return b;
}

/** The reader's contract, read off the whole stream at once. */
function httpOracle(all: Buffer): { ok: false; reason: string } | { ok: true; statusCode: number | undefined; head: string; md5: string; bodyBytes: number; window: string } {
  const end = all.indexOf('\r\n\r\n');
  if (end < 0) {
    if (all.length > LIMITS.maxHeaderBytes) return { ok: false, reason: 'header block too large' };
    return { ok: false, reason: all.length === 0 ? 'connection closed without a response' : 'connection closed before the end of the HTTP header' };
  }
  const head = all.subarray(0, end + 4);
  if (head.length > LIMITS.maxHeaderBytes) return { ok: false, reason: 'header block too large' };
  const body = all.subarray(end + 4);
  if (body.length > LIMITS.maxBodyBytes) return { ok: false, reason: 'body too large' };
  const first = head.toString('latin1').split('\r\n')[0]!;
  const m = /^HTTP\/[0-9]+(\.[0-9]+)? +([0-9]{3})([ \t][^]*)?$/.exec(first);
  return {
    ok: true,
    statusCode: m ? Number(m[2]) : undefined,
    head: head.toString('latin1'),
    md5: createHash('md5').update(body).digest('hex'),
    bodyBytes: body.length,
    window: body.subarray(0, LIMITS.maxRegexBytes).toString('latin1'),
  };
}

test('HTTP response reader fuzz: any cut of any response gives the oracle’s verdict, within the limits', (t) => {
  const seen = { ok: 0, failed: 0 };
  const stats = runFuzz(fuzzPlan('http-response', 20_000), FILE, (rng) => {
    const all = httpResponse(rng);
    const want = httpOracle(all);
    const r = new HttpResponseReader(LIMITS);
    let error: string | undefined;
    for (const c of chunks(rng, all)) {
      const p = r.push(c);
      if (p.type === 'error') {
        error = p.reason;
        assert.equal(r.push(latin1('more')).type, 'error', 'a failed reader stays failed');
        break;
      }
    }
    const got = r.finish();
    const why = `response ${show(all)}`;
    if (!want.ok) {
      assert.ok(!got.ok && got.reason.startsWith(want.reason), `want failure "${want.reason}", got ${JSON.stringify(got.ok ? 'ok' : got.reason)}\n${why}`);
      assert.ok(error === undefined || error.startsWith(want.reason), why);
      seen.failed++;
      return;
    }
    assert.ok(got.ok, `want ok, got ${got.ok ? '' : got.reason}\n${why}`);
    assert.deepEqual(
      { statusCode: got.value.head.statusCode, head: got.value.head.raw.toString('latin1'), md5: got.value.md5, bodyBytes: got.value.bodyBytes, window: got.value.regexWindow.toString('latin1') },
      { statusCode: want.statusCode, head: want.head, md5: want.md5, bodyBytes: want.bodyBytes, window: want.window },
      why,
    );
    seen.ok++;
  });
  t.diagnostic(`${formatFuzzStats(stats)}; ${JSON.stringify(seen)}`);
  if (stats.cases >= 20_000) assert.ok(seen.ok > stats.cases / 10 && seen.failed > stats.cases / 10, JSON.stringify(seen));
});

// ---------- SMTP ----------

function smtpSession(rng: Prng): string {
  const eol = (): string => rng.pick(['\r\n', '\r\n', '\n', '\r\r\n']);
  const reply = (code: string): string => {
    const lines = rng.chance(0.2) ? Array.from({ length: rng.int(1, 3) }, () => `${code}-more${eol()}`).join('') : '';
    return `${lines}${code}${rng.pick([' ok', '', ' ', '-'])}${eol()}`;
  };
  const codes = [rng.pick(['220', '220', '220', '554', '22', 'x20']), rng.pick(['250', '250', '550', '2500']), rng.pick(['221', '221', '421'])];
  let s = codes.map(reply).join('');
  if (rng.chance(0.05)) s = 'y'.repeat(SMTP_MAX_REPLY_BYTES + rng.int(1, 50)); // a flood without a newline
  if (rng.chance(0.15)) s = flip(rng, latin1(s)).toString('latin1');
  if (rng.chance(0.1)) s = s.slice(0, rng.int(0, s.length));
  return s;
}

/** The dialogue's verdicts, one reply at a time (RFC 5321 §4.2: `NNN-` continues, `NNN ` or `NNN` ends a reply). */
function smtpOracle(all: string): SmtpStep[] {
  const steps: SmtpStep[] = [];
  const expect = [220, 250, 221];
  let stage = 0;
  const lines = all.split('\n');
  const tail = lines.pop()!;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = /^([0-9]{3})([ -]|$)/.exec(line);
    if (!m) return [...steps, { type: 'fail', reason: 'malformed reply' }];
    if (m[2] === '-') continue;
    if (stage === 3) return [...steps, { type: 'done' }];
    if (Number(m[1]) !== expect[stage]) return [...steps, { type: 'fail', reason: 'unexpected code' }];
    stage++;
    steps.push(stage === 1 ? { type: 'send', data: 'HELO fuzz.example\r\n' } : stage === 2 ? { type: 'send', data: 'QUIT\r\n' } : { type: 'done' });
    if (stage === 3) return steps;
  }
  if (tail.length > SMTP_MAX_REPLY_BYTES) steps.push({ type: 'fail', reason: 'reply line too long' });
  return steps;
}

test('SMTP dialogue fuzz: the same steps as the oracle however the replies are cut, a flood fails at the line bound', (t) => {
  const seen = { done: 0, fail: 0, open: 0 };
  const stats = runFuzz(fuzzPlan('smtp-dialog', 20_000), FILE, (rng) => {
    const all = smtpSession(rng);
    const want = smtpOracle(all);
    const d = new SmtpDialog('fuzz.example');
    const got: SmtpStep[] = [];
    // The probe feeds what arrives; several replies in one read are drained one step at a time.
    outer: for (const c of chunks(rng, latin1(all))) {
      let step = d.feed(c.toString('latin1'));
      for (;;) {
        if (step.type === 'wait') break;
        got.push(step);
        if (step.type === 'done' || step.type === 'fail') break outer;
        step = d.feed('');
      }
    }
    const norm = (s: SmtpStep): string => (s.type === 'fail' ? 'fail' : s.type === 'send' ? `send ${s.data}` : s.type);
    assert.deepEqual(got.map(norm), want.map(norm), `session ${JSON.stringify(all.slice(0, 300))}`);
    const last = want[want.length - 1];
    if (last?.type === 'done') seen.done++;
    else if (last?.type === 'fail') seen.fail++;
    else seen.open++;
  });
  t.diagnostic(`${formatFuzzStats(stats)}; ${JSON.stringify(seen)}`);
  if (stats.cases >= 20_000) for (const [k, v] of Object.entries(seen)) assert.ok(v > stats.cases / 50, `${k}: ${v}`);
});

// ---------- DNS, UDP, PING ----------

test('DNS reply check fuzz: passes exactly the replies with the query id, QR set and RCODE 0', (t) => {
  let passed = 0;
  const stats = runFuzz(fuzzPlan('dns-reply', 100_000), FILE, (rng) => {
    const id = rng.int(0, 0xffff);
    const q = encodeDnsQuery(id, rng.pick(['example.com', '.', 'a.b.c']), 'A');
    assert.ok(q.ok);
    const reply = Buffer.from(q.value);
    reply[2] = reply[2]! | (rng.chance(0.8) ? 0x80 : 0);
    reply[3] = rng.chance(0.7) ? 0 : rng.int(0, 255);
    let b: Buffer = rng.chance(0.1) ? Buffer.from(rng.bytes(rng.int(0, 40))) : reply;
    if (rng.chance(0.2)) b = flip(rng, b);
    if (rng.chance(0.1)) b = b.subarray(0, rng.int(0, b.length));
    const want = b.length >= 12 && ((b[0]! << 8) | b[1]!) === id && (b[2]! & 0x80) !== 0 && (b[3]! & 0x0f) === 0;
    const got = checkDnsReply(b, id);
    assert.equal(got.ok, want, `reply ${b.toString('hex')} id ${id}: ${got.ok ? 'ok' : got.reason}`);
    if (want) passed++;
  });
  t.diagnostic(`${formatFuzzStats(stats)}; passed ${passed}`);
});

test('UDP reply check fuzz: length bounds and the x-wildcard pattern, nibble by nibble', (t) => {
  let passed = 0;
  const stats = runFuzz(fuzzPlan('udp-reply', 50_000), FILE, (rng) => {
    const hex = Array.from({ length: rng.int(0, 12) }, () => rng.pick(['x', 'X', '0', '7', 'a', 'F', 'g', String(rng.int(0, 9))])).join('');
    const reply = rng.chance(0.5) ? Buffer.from(rng.bytes(rng.int(0, 10))) : Buffer.from(hex.replace(/[xXg]/g, '0').padEnd(hex.length + (hex.length % 2), '0'), 'hex');
    if (rng.chance(0.3)) reply[rng.int(0, Math.max(0, reply.length - 1))] = rng.int(0, 255);
    const cfg = { minReplyLength: rng.int(0, 4), maxReplyLength: rng.int(0, 12) };
    let want = reply.length >= cfg.minReplyLength && reply.length <= cfg.maxReplyLength;
    // Only min(reply, pattern) bytes are compared; a non-hex character (g) compares nothing.
    for (let i = 0; want && i < Math.min(hex.length, reply.length * 2); i++) {
      const ch = hex[i]!.toLowerCase();
      if (!/[0-9a-f]/.test(ch)) continue;
      const nibble = i % 2 === 0 ? reply[i >> 1]! >> 4 : reply[i >> 1]! & 0xf;
      if (nibble !== parseInt(ch, 16)) want = false;
    }
    const got = checkUdpReply(reply, cfg, hex === '' && rng.chance(0.5) ? undefined : compileReplyPattern(hex));
    assert.equal(got === undefined, want, `reply ${reply.toString('hex')} pattern '${hex}' ${JSON.stringify(cfg)}: ${got ?? 'ok'}`);
    if (want) passed++;
  });
  t.diagnostic(`${formatFuzzStats(stats)}; passed ${passed}`);
});

test('PING echo-reply fuzz: decoded exactly when it is an intact echo reply (checksum for ICMP, IHL for raw IPv4)', (t) => {
  let decoded = 0;
  const stats = runFuzz(fuzzPlan('ping-reply', 50_000), FILE, (rng) => {
    const family = rng.pick([4, 6] as const);
    const rawIp = family === 4 && rng.chance(0.5);
    const echo = { id: rng.int(0, 0xffff), seq: rng.int(0, 0xffff), payload: rng.bytes(rng.int(0, 24)) };
    const icmp = Buffer.from(encodeEchoRequest(family, echo));
    icmp[0] = rng.chance(0.8) ? (family === 4 ? 0 : 129) : rng.int(0, 255); // a reply, usually
    if (family === 4) {
      icmp[2] = 0;
      icmp[3] = 0;
      icmp.writeUInt16BE(internetChecksum(icmp), 2);
    }
    const ihl = rng.pick([5, 5, 6, 4, 15]);
    let b: Buffer = rawIp ? Buffer.concat([Buffer.from([0x40 | ihl, ...new Uint8Array(ihl * 4 - 1)]), icmp]) : icmp;
    if (rng.chance(0.2)) b = flip(rng, b);
    if (rng.chance(0.1)) b = b.subarray(0, rng.int(0, b.length));
    let body: Buffer | null = b;
    if (rawIp) {
      const h = b.length >= 20 && b[0]! >> 4 === 4 ? (b[0]! & 0x0f) * 4 : 0;
      body = h >= 20 && b.length >= h ? b.subarray(h) : null;
    }
    const intact = body !== null && body.length >= 8 && body[0] === (family === 4 ? 0 : 129) && body[1] === 0 && (family === 6 || internetChecksum(body) === 0);
    const got = decodeEchoReply(family, Uint8Array.from(b), rawIp); // as the socket hands it over
    assert.equal(got !== undefined, intact, `IPv${family}${rawIp ? ' raw' : ''} ${b.toString('hex')}`);
    if (got && body) {
      assert.deepEqual(got, { id: body.readUInt16BE(4), seq: body.readUInt16BE(6), payload: Uint8Array.from(body.subarray(8)) });
      decoded++;
    }
  });
  t.diagnostic(`${formatFuzzStats(stats)}; decoded ${decoded}`);
});
