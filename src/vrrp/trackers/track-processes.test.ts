import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLogger } from '../../core/logger.js';
import type { TrackProcessConfig } from '../../config/model.js';
import { FakeClock } from '../../test-kit/fake-clock.js';
import { diffScans, parseProcStat, type ProcInfo } from './process-scan.js';
import { processMatches, TrackProcesses } from './track-processes.js';

const cfg = (o: Partial<TrackProcessConfig> = {}): TrackProcessConfig => ({
  name: 'p', loc: { file: 'k.conf', line: 1, col: 1 }, process: 'nginx', params: [], paramMatch: 'exact', weight: 0, reverse: false,
  quorum: 1, quorumMax: 4294967295, forkDelayMs: 0, terminateDelayMs: 0, fullCommand: false, ...o,
});

test('matching: comm exactly (pgrep ^name$); argv[0] and parameters exact, partial or initial', () => {
  assert.ok(processMatches(cfg(), { comm: 'nginx', argv: null }));
  assert.ok(!processMatches(cfg(), { comm: 'nginx2', argv: null }));
  const withArgs = cfg({ process: '/usr/sbin/nginx', params: ['-c', '/etc/n'] });
  assert.ok(processMatches(withArgs, { comm: 'nginx', argv: ['/usr/sbin/nginx', '-c', '/etc/n'] }));
  assert.ok(!processMatches(withArgs, { comm: 'nginx', argv: ['/usr/sbin/nginx', '-c', '/etc/n', '-g'] }));
  assert.ok(processMatches({ ...withArgs, paramMatch: 'partial' }, { comm: 'nginx', argv: ['/usr/sbin/nginx', '-c', '/etc/n', '-g'] }));
  assert.ok(processMatches({ ...withArgs, paramMatch: 'initial' }, { comm: 'nginx', argv: ['/usr/sbin/nginx', '-c', '/etc/nginx.conf'] }));
  assert.ok(!processMatches({ ...withArgs, paramMatch: 'partial' }, { comm: 'nginx', argv: ['/usr/sbin/nginx', '-c', '/etc/nginx.conf'] }));
  assert.ok(processMatches(cfg({ process: '/usr/bin/python3', fullCommand: true }), { comm: 'python3', argv: ['/usr/bin/python3', 'x.py'] }));
});

test('/proc: stat parsing skips zombies; scans diff into fork (same program as the parent), exec and exit', () => {
  assert.deepEqual(parseProcStat('42 (my (odd) name) S 7 42 42 0'), { comm: 'my (odd) name', ppid: 7 });
  assert.equal(parseProcStat('42 (nginx) Z 7 42'), null);
  const p = (comm: string, ppid: number): ProcInfo => ({ comm, ppid, argv: null });
  const prev = new Map([[10, p('nginx', 1)], [11, p('bash', 1)]]);
  const next = new Map([[10, p('nginx', 1)], [12, p('nginx', 10)], [13, p('nginx', 11)]]);
  assert.deepEqual(diffScans(prev, next), [
    { type: 'fork', pid: 12, ppid: 10 },
    { type: 'exec', pid: 13, id: p('nginx', 11) },
    { type: 'exit', pid: 11 },
  ]);
});

test('quorum and quorum_max; fork_delay waits after a fork, terminate_delay after an exit, the opposite event cancels', () => {
  const clock = new FakeClock();
  const { logger, records } = memoryLogger('t', 'info');
  const changes: string[] = [];
  const t = new TrackProcesses([cfg({ quorum: 2, quorumMax: 3, forkDelayMs: 500, terminateDelayMs: 1000 })], { clock, log: logger }, (n) => changes.push(`${n}:${String(t.quorum(n))}`));
  t.initial([[1, { comm: 'nginx', argv: null }]]);
  assert.equal(t.quorum('p'), false);
  t.handle({ type: 'fork', pid: 2, ppid: 1 });
  assert.equal(t.quorum('p'), false, 'fork_delay running');
  clock.advanceTo(500);
  assert.equal(t.quorum('p'), true);
  // Too many (4 > quorum_max 3): lost at once by an exec.
  t.handle({ type: 'exec', pid: 3, id: { comm: 'nginx', argv: null } });
  t.handle({ type: 'exec', pid: 4, id: { comm: 'nginx', argv: null } });
  assert.equal(t.quorum('p'), false);
  t.handle({ type: 'exit', pid: 4 });
  assert.equal(t.quorum('p'), false, 'back to 3 by an exit: keepalived waits terminate_delay for that too');
  clock.advanceTo(1500);
  assert.equal(t.quorum('p'), true);
  t.handle({ type: 'exit', pid: 3 });
  t.handle({ type: 'exit', pid: 2 });
  assert.equal(t.quorum('p'), true, 'below quorum: terminate_delay running');
  clock.advanceTo(2000);
  t.handle({ type: 'fork', pid: 5, ppid: 1 });
  clock.advanceTo(4000);
  assert.equal(t.quorum('p'), true, 'the fork cancelled the terminate delay');
  t.handle({ type: 'exit', pid: 5 });
  clock.advanceTo(5100);
  assert.equal(t.quorum('p'), false);
  assert.deepEqual(records.map((r) => r.msg), ['Quorum gained for tracked process p', 'Quorum lost for tracked process p', 'Quorum gained for tracked process p', 'Quorum lost for tracked process p']);
  assert.deepEqual(changes, ['p:true', 'p:false', 'p:true', 'p:false']);
  // A resync after lost events: what is gone exits, what matches comes in.
  t.handle({ type: 'resync', procs: new Map([[1, { comm: 'nginx', argv: null }], [9, { comm: 'nginx', argv: null }]]) });
  assert.equal(t.snapshot()[0]!.count, 2);
  assert.equal(t.quorum('p'), true);
});
