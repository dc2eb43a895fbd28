/**
 * The short chaos run of the normal suite (the long one, next to keepalived, is
 * `npm run bench -- chaos`; docs/reliability.md): two keepalived-ts nodes, advert_int 1,
 * their log files on a full tmpfs, every fault kind once in a seeded order (CHAOS_SEED
 * replays another order). After each fault the higher-priority node must hold the VIP alone
 * again; a dual master must not outlive the lifted fault by more than one Advertisement
 * Interval (RFC 5798 §6.4.3: a master that hears a higher priority steps down at once, and
 * the other sends one advert per interval) plus one interval of scheduling margin; faults
 * that never silence the master (loss, delay, partition, a reload storm, a flapping backup)
 * leave no moment without the VIP; nothing crashes and both daemons run at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intEnv } from '../../src/test-kit/env-knobs.js';
import { keepalivedTsCommand } from '../lab/lab-daemon.js';
import { requireCommands } from '../lab/netns.js';
import { chaosSchedule, FAULT_KINDS, PROCESS_FAULTS, runChaos, type FaultKind } from './chaos-run.js';

const ADVERT_S = 1;
const NEVER_SILENT: ReadonlySet<FaultKind> = new Set(['loss', 'delay', 'partition', 'reload-storm']);

test('chaos, short: every fault kind once on two keepalived-ts nodes with a full log disk', { timeout: 600_000 }, async () => {
  requireCommands({ nft: 'nftables', unshare: 'util-linux', python3: 'python3' });
  const seed = intEnv('CHAOS_SEED', 11);
  const steps = chaosSchedule(seed, FAULT_KINDS.length, FAULT_KINDS, 0.6);
  const r = await runChaos({ cmd: keepalivedTsCommand(), steps, advertIntS: ADVERT_S, version: 2, fullLogDiskKb: 64, tag: 'chsh', progress: (l) => console.log(l) });
  const where = `(CHAOS_SEED=${seed})\n${r.tails}`;
  assert.deepEqual(r.crashLines, [], where);
  assert.deepEqual(r.alive, [true, true], `both daemons must run at the end ${where}`);
  for (const s of r.steps) {
    const what = `${s.kind}(${s.param}) on ${s.host} for ${s.ms} ms`;
    assert.notEqual(s.settleMs, undefined, `${what}: h1 never held the VIP alone again ${where}`);
    if (!PROCESS_FAULTS.has(s.kind)) assert.ok(s.dualAfterHealMs <= 2 * ADVERT_S * 1000, `${what}: a dual master outlived the fault by ${s.dualAfterHealMs} ms ${where}`);
    if (NEVER_SILENT.has(s.kind) || (s.target === 'backup' && s.kind.startsWith('flap'))) assert.equal(Math.round(s.noneMs), 0, `${what}: the VIP was held by nobody for ${s.noneMs} ms ${where}`);
    if (s.kind === 'reload-storm') assert.equal(Math.round(s.dualMs), 0, `${what}: a reload storm made a dual master ${where}`);
  }
});
