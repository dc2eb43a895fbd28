import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notifyInvocations, fifoLine } from './notify-args.js';
import type { ScriptSpec } from '../config/model.js';

const spec = (text: string): ScriptSpec => ({ argv: text.split(' '), text });

test('state script gets its argv only; generic notify gets 4 extra args', () => {
  const inv = notifyInvocations({ master: spec('/n.sh master-script'), generic: spec('/g.sh') }, 'INSTANCE', 'VI_A', 'MASTER', 150);
  assert.deepEqual(inv.map((i) => i.argv), [['/n.sh', 'master-script'], ['/g.sh', 'INSTANCE', 'VI_A', 'MASTER', '150']]);
  const none = notifyInvocations({ master: spec('/n.sh') }, 'INSTANCE', 'VI_A', 'BACKUP', 150);
  assert.equal(none.length, 0);
});

test('group notifications always carry priority 0', () => {
  const inv = notifyInvocations({ generic: spec('/g.sh') }, 'GROUP', 'SG1', 'BACKUP', 100);
  assert.deepEqual(inv[0]!.argv, ['/g.sh', 'GROUP', 'SG1', 'BACKUP', '0']);
  assert.equal(fifoLine('GROUP', 'SG1', 'MASTER', 100), 'GROUP "SG1" MASTER 0\n');
  assert.equal(fifoLine('INSTANCE', 'VI_1', 'MASTER', 100), 'INSTANCE "VI_1" MASTER 100\n');
});
