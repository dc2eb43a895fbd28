import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, type LogRecord } from './logger.js';
import { childLogFileName, consoleSink, ctime, formatJson, formatSyslog, jsonSink, syslogSink, type SyslogTransport } from './log-sinks.js';

// A fixed local time, whatever the TZ: build it from local components.
const WALL = new Date(2026, 10, 26, 10, 50, 9).getTime();
const rec = (over: Partial<LogRecord> = {}): LogRecord => ({ level: 'info', ident: 'Keepalived_vrrp', msg: '(VI_1) Entering MASTER STATE', fields: {}, wallMs: WALL, ...over });

test('console lines look like Debian keepalived -l output', () => {
  assert.equal(ctime(WALL), 'Thu Nov 26 10:50:09 2026');
  assert.equal(ctime(new Date(2026, 0, 5, 1, 2, 3).getTime()), 'Mon Jan  5 01:02:03 2026');
  const lines: string[] = [];
  const log = createLogger({ ident: 'Keepalived', level: 'info', sinks: [consoleSink((l) => lines.push(l))], wallMs: () => WALL });
  log.info('Starting VRRP child process, pid=6291');
  log.debug('hidden');
  assert.deepEqual(lines, ['Thu Nov 26 10:50:09 2026: Starting VRRP child process, pid=6291\n']);
});

test('syslog datagrams carry PRI, ident and pid', () => {
  assert.equal(formatSyslog(rec(), 3, 77), '<30>Nov 26 10:50:09 Keepalived_vrrp[77]: (VI_1) Entering MASTER STATE');
  assert.equal(formatSyslog(rec({ level: 'error' }), 16, 1).slice(0, 5), '<131>');
  const sent: string[] = [];
  const fallback: LogRecord[] = [];
  let up = true;
  const t: SyslogTransport = { send: (d) => (up ? (sent.push(d), true) : false), close: () => undefined };
  const sink = syslogSink(t, 3, 5, (r) => fallback.push(r));
  sink(rec());
  up = false;
  sink(rec({ msg: 'lost' }));
  assert.equal(sent.length, 1);
  assert.deepEqual(fallback.map((r) => r.msg), ['lost']);
});

test('JSON lines keep structured fields and never let them override the core keys', () => {
  const line = formatJson(rec({ fields: { instance: 'VI_1', prio: 150, msg: 'spoof', gone: undefined } }), 9);
  assert.ok(line.endsWith('\n'));
  const o = JSON.parse(line) as Record<string, unknown>;
  assert.deepEqual(o, { time: new Date(WALL).toISOString(), level: 'info', ident: 'Keepalived_vrrp', pid: 9, msg: '(VI_1) Entering MASTER STATE', instance: 'VI_1', prio: 150 });
  const out: string[] = [];
  jsonSink((l) => out.push(l), 1)(rec());
  assert.equal(out.length, 1);
});

test('child log file names', () => {
  assert.equal(childLogFileName('/tmp/keepalived.log', 'vrrp'), '/tmp/keepalived_vrrp.log');
  assert.equal(childLogFileName('/var/log/ka', 'healthcheckers'), '/var/log/ka_healthcheckers');
  assert.equal(childLogFileName('/var/log.d/ka', 'vrrp'), '/var/log.d/ka_vrrp');
  assert.equal(childLogFileName('/x/.hidden', 'vrrp'), '/x/.hidden_vrrp');
});
