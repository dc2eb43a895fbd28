import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lvsConfig, sortedSummary } from '../test-kit/lvs-sim.js';
import { mulberry32 } from '../test-kit/prng.js';
import { IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL, IP_VS_SVC_F_PERSISTENT } from '../ipvs/ipvs-types.js';
import type { CheckerEffect, Step } from './effects.js';
import { buildState, checkerResult, desiredTable, setCheckerState, setWeightDelta, shutdownStep, startStep, type EngineState } from './lvs-state.js';
import { applyOps } from './table-diff.js';

const vs = (body: string, head = '192.0.2.1 80'): string => `virtual_server ${head} {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n delay_loop 5\n${body}\n}\n`;
const rs = (ip: string, extra = '', check = 'TCP_CHECK { connect_timeout 1 retry 1 delay_before_retry 1 }'): string => ` real_server ${ip} 8080 {\n ${extra}\n ${check}\n }\n`;

const logs = (s: Step): string[] => s.effects.flatMap((e) => (e.type === 'log' ? [e.msg] : []));
const kinds = (s: Step): string[] => s.effects.filter((e) => e.type !== 'log').map((e) => (e.type === 'run-script' ? `script:${e.script.argv.join(' ')}` : e.type));

function down(st: EngineState, v: number, r: number): Step {
  return setCheckerState(st, { vs: v, rs: r, checker: 0 }, false, 'connection refused');
}
function up(st: EngineState, v: number, r: number): Step {
  return setCheckerState(st, { vs: v, rs: r, checker: 0 }, true);
}

test('desired table: services with scheduler/persistence, dests with NAT/DR/TUN and weights', () => {
  const cfg = lvsConfig(
    vs(' persistence_timeout 50\n' + rs('192.0.2.10', 'weight 3') + ' real_server 192.0.2.11 8080 {\n lvs_method DR\n }\n real_server 192.0.2.12 8080 {\n lvs_method TUN\n }\n'),
  );
  const st = buildState(cfg);
  const t = desiredTable(st);
  assert.equal(t.length, 1);
  const e = t[0]!;
  assert.equal(e.service.scheduler, 'rr');
  assert.equal(e.service.flags & IP_VS_SVC_F_PERSISTENT, IP_VS_SVC_F_PERSISTENT);
  assert.equal(e.service.timeoutS, 50);
  assert.deepEqual(e.service.key, { type: 'addr', family: 4, protocol: 6, address: '192.0.2.1', port: 80 });
  const byAddr = new Map(e.dests.map((d) => [d.address, d]));
  assert.deepEqual([byAddr.get('192.0.2.10')?.fwdMethod, byAddr.get('192.0.2.10')?.weight, byAddr.get('192.0.2.10')?.port], [IP_VS_CONN_F_MASQ, 3, 8080]);
  // DR/TUN: dest port = service port.
  assert.deepEqual([byAddr.get('192.0.2.11')?.fwdMethod, byAddr.get('192.0.2.11')?.port], [IP_VS_CONN_F_DROUTE, 80]);
  assert.deepEqual([byAddr.get('192.0.2.12')?.fwdMethod, byAddr.get('192.0.2.12')?.tunType], [IP_VS_CONN_F_TUNNEL, 0]);
});

test('VSG: one service per address of a range; fwmark VS keyed by fwmark', () => {
  const cfg = lvsConfig(
    'virtual_server_group G {\n 192.0.2.20-22 80\n fwmark 7\n}\n' + vs(rs('192.0.2.10'), 'group G') + vs(rs('192.0.2.11'), 'fwmark 9'),
  );
  const st = buildState(cfg);
  assert.deepEqual(sortedSummary(desiredTable(st)), ['192.0.2.20:80 192.0.2.10:8080=1', '192.0.2.21:80 192.0.2.10:8080=1', '192.0.2.22:80 192.0.2.10:8080=1', 'fwm7 192.0.2.10:8080=1', 'fwm9 192.0.2.11:8080=1']);
});

test('start: non-alpha RSs are in IPVS and quorum is gained with keepalived wording; alpha RSs are absent', () => {
  const cfg = lvsConfig(vs(' quorum_up "/bin/qup"\n' + rs('192.0.2.10') + rs('192.0.2.11')) + vs(' alpha\n' + rs('192.0.2.12'), '192.0.2.2 80'));
  const st = buildState(cfg);
  const s = startStep(st);
  assert.deepEqual(logs(s).slice(0, 1), ['Gained quorum 1+0=1 <= 2 for VS [192.0.2.1]:tcp:80']);
  assert.ok(logs(s).includes('Activating healthchecker for service [192.0.2.12]:tcp:8080 for VS [192.0.2.2]:tcp:80'));
  // The alpha VS starts without quorum: no line or script, but a start-up DOWN for FIFO/mail.
  assert.deepEqual(kinds(s), ['script:/bin/qup', 'vs-quorum-up', 'vs-quorum-down']);
  assert.deepEqual(s.effects.flatMap((e) => (e.type === 'vs-quorum-down' || e.type === 'vs-quorum-up' ? [`${e.vs} ${e.startup}`] : [])), ['[192.0.2.1]:tcp:80 true', '[192.0.2.2]:tcp:80 true']);
  assert.deepEqual(sortedSummary(desiredTable(st)), ['192.0.2.1:80 192.0.2.10:8080=1 192.0.2.11:8080=1', '192.0.2.2:80']);
});

test('start with a sorry server and quorum: only "Gained quorum" (no sorry-server or pool lines, as keepalived 2.2.7)', () => {
  const st = buildState(lvsConfig(vs(' quorum 2\n sorry_server 192.0.2.19 80\n' + rs('192.0.2.10') + rs('192.0.2.11'))));
  const s = startStep(st);
  assert.deepEqual(logs(s).filter((l) => !l.startsWith('Activating')), ['Gained quorum 2+0=2 <= 2 for VS [192.0.2.1]:tcp:80']);
  assert.deepEqual(sortedSummary(desiredTable(st)), ['192.0.2.1:80 192.0.2.10:8080=1 192.0.2.11:8080=1']);
  // Later gains do swap the sorry server back out, with both lines.
  down(st, 0, 0);
  const u = up(st, 0, 0);
  assert.deepEqual(logs(u).slice(1), [
    'Gained quorum 2+0=2 <= 2 for VS [192.0.2.1]:tcp:80',
    'Removing sorry server [192.0.2.19]:tcp:80 from VS [192.0.2.1]:tcp:80',
    'Adding alive servers to the pool for VS [192.0.2.1]:tcp:80',
  ]);
});

test('RS down/up: Removing/Adding service lines, notify scripts, rs events, del-dest/add-dest', () => {
  const st = buildState(lvsConfig(vs(rs('192.0.2.10', 'notify_up "/bin/up x"\n notify_down "/bin/down"') + rs('192.0.2.11'))));
  startStep(st);
  const d = down(st, 0, 0);
  assert.deepEqual(logs(d), ['Removing service [192.0.2.10]:tcp:8080 from VS [192.0.2.1]:tcp:80']);
  assert.deepEqual(kinds(d), ['script:/bin/down', 'rs-down', 'checker-down']);
  const ev = d.effects.find((e) => e.type === 'rs-down');
  assert.deepEqual(ev && ev.type === 'rs-down' ? [ev.rs, ev.vs, ev.checkerType, ev.reason] : [], ['[192.0.2.10]:tcp:8080', '[192.0.2.1]:tcp:80', 'TCP_CHECK', 'connection refused']);
  assert.deepEqual(d.ops, [{ type: 'del-dest', key: { type: 'addr', family: 4, protocol: 6, address: '192.0.2.1', port: 80 }, dest: { family: 4, address: '192.0.2.10', port: 8080 } }]);
  const u = up(st, 0, 0);
  assert.deepEqual(logs(u), ['Adding service [192.0.2.10]:tcp:8080 to VS [192.0.2.1]:tcp:80']);
  assert.deepEqual(kinds(u), ['script:/bin/up x', 'rs-up', 'checker-up']);
  assert.deepEqual(u.ops.map((o) => o.type), ['add-dest']);
});

test('inhibit_on_failure: failed RS stays with weight 0 (Disabling/Enabling service)', () => {
  const st = buildState(lvsConfig(vs(rs('192.0.2.10', 'weight 5\n inhibit_on_failure') + rs('192.0.2.11'))));
  startStep(st);
  const d = down(st, 0, 0);
  assert.deepEqual(logs(d), ['Disabling service [192.0.2.10]:tcp:8080 of VS [192.0.2.1]:tcp:80']);
  assert.deepEqual(d.ops.map((o) => (o.type === 'edit-dest' ? `edit ${o.dest.address}=${o.dest.weight}` : o.type)), ['edit 192.0.2.10=0']);
  const u = up(st, 0, 0);
  assert.deepEqual(logs(u), ['Enabling service [192.0.2.10]:tcp:8080 of VS [192.0.2.1]:tcp:80']);
  assert.deepEqual(u.ops.map((o) => (o.type === 'edit-dest' ? `edit ${o.dest.address}=${o.dest.weight}` : o.type)), ['edit 192.0.2.10=5']);
});

test('quorum with hysteresis: lost below q-h, regained at q+h (keepalived numbers in lines and events)', () => {
  const body = ' quorum 3\n hysteresis 1\n' + ['10', '11', '12', '13', '14'].map((x) => rs(`192.0.2.${x}`)).join('');
  const st = buildState(lvsConfig(vs(body)));
  assert.deepEqual(logs(startStep(st)).slice(0, 1), ['Gained quorum 3+1=4 <= 5 for VS [192.0.2.1]:tcp:80']);
  const seq: string[] = [];
  for (const i of [0, 1, 2, 3]) seq.push(...logs(down(st, 0, i)).filter((l) => /quorum/.test(l)));
  // live 4, 3, 2 (< 3-1=2? no), 1 → lost at live 1.
  assert.deepEqual(seq, ['Lost quorum 3-1=2 > 1 for VS [192.0.2.1]:tcp:80']);
  const back: string[] = [];
  for (const i of [0, 1, 2]) back.push(...logs(up(st, 0, i)).filter((l) => /quorum/.test(l)));
  // live 2, 3 (< 4), 4 → gained at 4.
  assert.deepEqual(back, ['Gained quorum 3+1=4 <= 4 for VS [192.0.2.1]:tcp:80']);
  const s = down(st, 0, 0);
  const ev = s.effects.find((e): e is Extract<CheckerEffect, { type: 'vs-quorum-down' }> => e.type === 'vs-quorum-down');
  assert.equal(ev, undefined, 'live 3 is not below 2');
});

test('sorry server: swapped in when quorum is lost (alive RSs removed, inhibited kept at 0), swapped out when regained', () => {
  const body = ' quorum 2\n sorry_server 192.0.2.99 8081\n quorum_down "/bin/qd"\n' + rs('192.0.2.10') + rs('192.0.2.11', 'inhibit_on_failure');
  const st = buildState(lvsConfig(vs(body)));
  startStep(st);
  let table = desiredTable(st);
  assert.deepEqual(sortedSummary(table), ['192.0.2.1:80 192.0.2.10:8080=1 192.0.2.11:8080=1']);
  const d = down(st, 0, 1);
  assert.deepEqual(logs(d), [
    'Disabling service [192.0.2.11]:tcp:8080 of VS [192.0.2.1]:tcp:80',
    'Lost quorum 2-0=2 > 1 for VS [192.0.2.1]:tcp:80',
    'Adding sorry server [192.0.2.99]:tcp:8081 to VS [192.0.2.1]:tcp:80',
    'Removing alive servers from the pool for VS [192.0.2.1]:tcp:80',
  ]);
  // keepalived's order: RS FIFO line, quorum (script, VS line/mail), then the checker's mail.
  assert.deepEqual(kinds(d), ['rs-down', 'script:/bin/qd', 'vs-quorum-down', 'checker-down']);
  table = applyOps(table, d.ops);
  // keepalived 2.2.7 (qemu): the inhibited RS stays at weight 0 next to the sorry server.
  assert.deepEqual(sortedSummary(table), ['192.0.2.1:80 192.0.2.11:8080=0 192.0.2.99:8081=1']);
  // An RS coming up while the sorry server serves: logged, but IPVS unchanged until quorum.
  const d2 = down(st, 0, 0);
  table = applyOps(table, d2.ops);
  const u = up(st, 0, 0);
  assert.deepEqual(u.ops, []);
  assert.deepEqual(logs(u), ['Adding service [192.0.2.10]:tcp:8080 to VS [192.0.2.1]:tcp:80']);
  const u2 = up(st, 0, 1);
  assert.deepEqual(logs(u2).slice(1), ['Gained quorum 2+0=2 <= 2 for VS [192.0.2.1]:tcp:80', 'Removing sorry server [192.0.2.99]:tcp:8081 from VS [192.0.2.1]:tcp:80', 'Adding alive servers to the pool for VS [192.0.2.1]:tcp:80']);
  table = applyOps(table, u2.ops);
  assert.deepEqual(sortedSummary(table), ['192.0.2.1:80 192.0.2.10:8080=1 192.0.2.11:8080=1']);
});

test('sorry_server_inhibit: the sorry server sits at weight 0 while quorum is up', () => {
  const st = buildState(lvsConfig(vs(' sorry_server 192.0.2.99 8081\n sorry_server_inhibit\n' + rs('192.0.2.10'))));
  startStep(st);
  assert.deepEqual(sortedSummary(desiredTable(st)), ['192.0.2.1:80 192.0.2.10:8080=1 192.0.2.99:8081=0']);
  const t = applyOps(desiredTable(st), down(st, 0, 0).ops);
  assert.deepEqual(sortedSummary(t), ['192.0.2.1:80 192.0.2.99:8081=1']);
});

test('misc_dynamic weight and weight deltas: edit-dest with the effective weight', () => {
  const st = buildState(lvsConfig(vs(rs('192.0.2.10', 'weight 2', 'MISC_CHECK {\n misc_path /bin/true\n misc_dynamic\n }'))));
  startStep(st);
  const r = checkerResult(st, { vs: 0, rs: 0, checker: 0 }, { type: 'success', dynamicWeight: 7 });
  assert.deepEqual(r.step.ops.map((o) => (o.type === 'edit-dest' ? o.dest.weight : -1)), [7]);
  assert.ok(logs(r.step).includes('Changing weight from 2 to 7 for active service [192.0.2.10]:tcp:8080 of VS [192.0.2.1]:tcp:80'));
  const s = setWeightDelta(st, { vs: 0, rs: 0, checker: 0 }, 0);
  assert.deepEqual(s.ops.map((o) => (o.type === 'edit-dest' ? o.dest.weight : -1)), [2]);
});

test('property: incremental ops always land on desiredTable (seeded random flips, 5 VS with sorry/inhibit/quorum)', () => {
  const rnd = mulberry32(2026);
  const body = (i: number): string =>
    ` quorum ${1 + (i % 3)}\n hysteresis ${i % 2}\n${i % 2 === 0 ? ' sorry_server 192.0.2.99 9000\n' : ''}` +
    [10, 11, 12, 13].map((x) => rs(`192.0.2.${x}`, x % 2 === 0 ? 'inhibit_on_failure' : `weight ${1 + (x % 3)}`)).join('');
  const st = buildState(lvsConfig([0, 1, 2, 3, 4].map((i) => vs(body(i), `198.51.100.${i + 1} 80`)).join('')));
  startStep(st);
  let table = desiredTable(st);
  for (let n = 0; n < 2000; n++) {
    const ref = { vs: rnd.int(0, 4), rs: rnd.int(0, 3), checker: 0 };
    const s = setCheckerState(st, ref, rnd.chance(0.5));
    table = applyOps(table, s.ops);
    assert.deepEqual(sortedSummary(table), sortedSummary(desiredTable(st)), `after flip ${n}`);
  }
});

test('shutdown: removes dests and services unless -I; omega runs notify_down and quorum_down', () => {
  const st = buildState(lvsConfig(vs(' omega\n quorum_down "/bin/qd"\n' + rs('192.0.2.10', 'notify_down "/bin/nd"'))));
  startStep(st);
  const s = shutdownStep(st, { releaseIpvs: true });
  assert.deepEqual(logs(s), ['Shutting down service [192.0.2.10]:tcp:8080 from VS [192.0.2.1]:tcp:80']);
  assert.deepEqual(s.ops.map((o) => o.type), ['del-dest', 'del-service']);
  assert.deepEqual(kinds(s), ['script:/bin/nd', 'rs-down', 'script:/bin/qd', 'vs-quorum-down']);
  const keep = shutdownStep(st, { releaseIpvs: false });
  assert.deepEqual(keep.ops, []);
  const plain = buildState(lvsConfig(vs(rs('192.0.2.10', 'notify_down "/bin/nd"'))));
  startStep(plain);
  assert.deepEqual(kinds(shutdownStep(plain, { releaseIpvs: true })), [], 'no scripts without omega');
});

test('checker events: one per checker flip, with the RS resulting state (two checkers, one failing keeps the RS down)', () => {
  const two = 'TCP_CHECK {\n connect_port 8080\n }\n TCP_CHECK {\n connect_port 8081\n }';
  const st = buildState(lvsConfig(vs(rs('192.0.2.10', '', two) + rs('192.0.2.11'))));
  startStep(st);
  const ev = (s: Step): string[] => s.effects.flatMap((e) => (e.type === 'checker-up' || e.type === 'checker-down' ? [`${e.type} alive=${e.rsAlive} changed=${e.rsChanged}`] : []));
  assert.deepEqual(ev(setCheckerState(st, { vs: 0, rs: 0, checker: 0 }, false)), ['checker-down alive=false changed=true']);
  assert.deepEqual(ev(setCheckerState(st, { vs: 0, rs: 0, checker: 1 }, false)), ['checker-down alive=false changed=false']);
  assert.deepEqual(ev(setCheckerState(st, { vs: 0, rs: 0, checker: 0 }, true)), ['checker-up alive=false changed=false']);
  assert.deepEqual(ev(setCheckerState(st, { vs: 0, rs: 0, checker: 1 }, true)), ['checker-up alive=true changed=true']);
  assert.deepEqual(ev(setCheckerState(st, { vs: 0, rs: 0, checker: 1 }, true)), [], 'no flip, no event');
});
