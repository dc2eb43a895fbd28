// Plain rows carry a keyword whole: the model field, the default value the compiler fills,
// the dump line, the docs' default text. A new plain keyword needs no compiler or printer code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagSink } from '../diagnostics.js';
import { memoryReader } from '../../test-kit/memory-reader.js';
import { defaultText } from '../config-doc.js';
import { GLOBAL_DEFS_TABLE } from '../global-defs/keywords.js';
import { parseConfigText } from '../parse-config.js';
import { expandSource } from '../source/expand.js';
import { buildTree } from '../source/tree.js';
import { TOP_LEVEL_TABLE } from '../top-level.js';
import { BFD_INSTANCE_TABLE, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, VRRP_SCRIPT_TABLE } from '../trackers/keywords.js';
import { VRRP_INSTANCE_TABLE } from '../vrrp-instance/keywords.js';
import { VRRP_SYNC_GROUP_TABLE } from '../vrrp-sync-group/keywords.js';
import { applyTable, boolKw, defineTable, derived, getField, intKw, isDefaultValue, plainFields, printEntries, SECONDS_AS_MS, timerKw, type TableInfo } from './table.js';

interface Model {
  readonly retries: number;
  readonly delayMs: number;
  readonly fast: boolean;
  readonly hand: string;
}
type Draft = { -readonly [K in keyof Model]?: Model[K] };

const TABLE = defineTable<Draft>('demo', [
  intKw<Draft>('retries', 0, 9, 'retries', { default: 3 }),
  timerKw<Draft>('delay', 0, 60, 3, 'delayMs', { default: 1.5, unit: SECONDS_AS_MS }),
  boolKw<Draft>('fast', 'fast', { default: derived('on with retries') }),
]);

function read(text: string): Draft {
  const diags = new DiagSink();
  const { lines } = expandSource('/d.conf', text, { reader: memoryReader({}), configId: 'x' }, diags);
  const d: Draft = {};
  applyTable(TABLE, buildTree(lines, diags), d, { diags });
  assert.deepEqual(diags.list, []);
  return d;
}

test('plainFields: the value given, else the row default in model units; derived defaults stay to the compiler', () => {
  assert.deepEqual(plainFields(TABLE, read('')), { retries: 3, delayMs: 1500 });
  assert.deepEqual(plainFields(TABLE, read('retries 5\ndelay 0.25\nfast off\n')), { retries: 5, delayMs: 250, fast: false });
  assert.equal(defaultText(TABLE.defs.get('delay')!), '1.5');
  assert.equal(defaultText(TABLE.defs.get('fast')!), 'on with retries');
});

test('printEntries: hand-written entries first, then every plain row they do not name, re-readable', () => {
  const model: Model = { ...plainFields<Omit<Model, 'hand'>>(TABLE, read('delay 2.5\n')), fast: true, hand: 'x' };
  const lines = printEntries(TABLE, model, [['retries', (m) => [`# retries by hand: ${m.retries}`]]]);
  assert.deepEqual(lines, ['# retries by hand: 3', 'delay 2.5', 'fast true']);
  assert.deepEqual(plainFields(TABLE, read(lines.slice(1).join('\n'))), { retries: 3, delayMs: 2500, fast: true });
});

/** Every table whose plain rows the compiler fills from their defaults. */
const FILLED: ReadonlyArray<[TableInfo, (c: ReturnType<typeof parseConfigText>['config']) => object]> = [
  [TOP_LEVEL_TABLE, (c) => c],
  [GLOBAL_DEFS_TABLE, (c) => c.globalDefs],
  [VRRP_INSTANCE_TABLE, (c) => c.vrrpInstances[0]!],
  [VRRP_SYNC_GROUP_TABLE, (c) => c.vrrpSyncGroups[0]!],
  [VRRP_SCRIPT_TABLE, (c) => c.vrrpScripts[0]!],
  [TRACK_FILE_TABLE, (c) => c.trackFiles[0]!],
  [TRACK_PROCESS_TABLE, (c) => c.trackProcesses[0]!],
  [BFD_INSTANCE_TABLE, (c) => c.bfdInstances[0]!],
];

/** Rows whose value the compiler converts into another field (advert_int seconds → advertIntCs). */
const CONVERTED = new Set(['vrrp_instance:advert_int']);

test('a minimal config gets every row default: no plain field with a default is left unset', () => {
  const vi = (n: number): string => `vrrp_instance VI_${n} {\ninterface eth0\nvirtual_router_id ${n}\nvirtual_ipaddress {\n192.0.2.${n}\n}\n}\n`;
  const text = `global_defs {\nenable_script_security\nscript_user nobody\n}\nvrrp_script s {\nscript /bin/true\n}\ntrack_file f {\nfile /tmp/f\n}\nvrrp_track_process p {\nprocess x\n}\nbfd_instance b {\nneighbor_ip 192.0.2.1\n}\n${vi(1)}${vi(2)}vrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\n}\n`;
  const r = parseConfigText(text, 'm.conf', { reader: memoryReader({}), configId: 'n1' });
  assert.deepEqual(r.diagnostics, []);
  for (const [table, pick] of FILLED) {
    const model = pick(r.config);
    for (const d of table.defs.values()) {
      if (d.field === undefined || !(isDefaultValue(d.default) || d.form.type === 'list') || CONVERTED.has(`${table.block}:${d.name}`)) continue;
      assert.notEqual(getField(model, d.field), undefined, `${table.block}: ${d.name} → ${d.field}`);
    }
  }
});
