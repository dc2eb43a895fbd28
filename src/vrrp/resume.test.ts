// A VRRP child restarted after a crash: which instances take MASTER back at once (resume.ts),
// and what the state machine does with a resumed start-up (fsm.ts onStartup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResumeInfo, ResumedInstance } from '../process/ipc.js';
import { testFsmParams, testInstanceConfig } from '../test-kit/fsm-params.js';
import { initialFsmState, step } from './fsm.js';
import { instancesToResume } from './resume.js';

const EXITED = 1_780_000_000_000;
const cfg = testInstanceConfig(0, { name: 'VI_1', vrid: 51, priority: 150, advertIntCs: 100 });
const held = (over: Partial<ResumedInstance> = {}): ResumedInstance => ({ name: 'VI_1', state: 'MASTER', vrid: 51, family: 4, interface: cfg.interface ?? null, ...over });
const info = (...instances: ResumedInstance[]): ResumeInfo => ({ exitedAtWallMs: EXITED, instances });
const none = (_name: string): boolean => false;
const resumed = (r: ResumeInfo | undefined, afterMs: number, inGroup = none): string[] => [...instancesToResume([cfg], r, inGroup, EXITED + afterMs)];

test('a MASTER the dead child held resumes within its Master_Down_Interval, not after', () => {
  // advert_int 1 s, priority 150: 3 s + (256 - 150) / 256 s = 3414.06 ms.
  assert.deepEqual(resumed(info(held()), 0), ['VI_1']);
  assert.deepEqual(resumed(info(held()), 3400), ['VI_1']);
  assert.deepEqual(resumed(info(held()), 3415), []);
  assert.deepEqual(resumed(info(held()), -1), [], 'a clock that went back: no guess');
  assert.deepEqual(resumed(undefined, 0), [], 'a first start');
});

test('only the same standalone instance that was MASTER resumes', () => {
  assert.deepEqual(resumed(info(held({ state: 'BACKUP' })), 0), []);
  assert.deepEqual(resumed(info(held({ vrid: 52 })), 0), []);
  assert.deepEqual(resumed(info(held({ family: 6 })), 0), []);
  assert.deepEqual(resumed(info(held({ interface: 'eth9' })), 0), []);
  assert.deepEqual(resumed(info(held({ name: 'VI_2' })), 0), []);
  assert.deepEqual(resumed(info(held()), 0, (n) => n === 'VI_1'), [], 'a sync group member starts with its group');
});

test('a resumed start-up enters MASTER at once: advert, VIPs and GARPs now, the next advert one interval later', () => {
  const p = testFsmParams(0, { name: 'VI_1', priority: 150 });
  const r = step(p, initialFsmState(p), { type: 'Startup', resumeMaster: true }, 1000);
  assert.equal(r.state.state, 'MASTER');
  assert.deepEqual(
    r.actions.filter((a) => a.type !== 'LogEvent').map((a) => a.type),
    ['SendAdvert', 'AddVips', 'SendGarpBurst', 'Transition'],
  );
  assert.ok(r.actions.some((a) => a.type === 'LogEvent' && a.msg === 'Resuming MASTER state held before the VRRP process restarted'));
  assert.equal(r.state.adverAtMs, 1000 + p.advertIntCs * 10);
  // Without the flag it is the usual start-up as BACKUP.
  assert.equal(step(p, initialFsmState(p), { type: 'Startup' }, 1000).state.state, 'BACKUP');
});

test('a fault found at start-up wins over a resume', () => {
  const p = testFsmParams(0, { name: 'VI_1', priority: 150 });
  const faulted = step(p, initialFsmState(p), { type: 'FaultChanged', source: 'interface:eth0', active: true }, 0).state;
  assert.equal(step(p, faulted, { type: 'Startup', resumeMaster: true }, 1000).state.state, 'FAULT');
});
