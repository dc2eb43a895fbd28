import { test } from 'node:test';
import assert from 'node:assert/strict';
import { banner, hexdump } from './hexdump.js';

// Lines captured from Debian's genhash 2.2.7 -v.
test('hexdump lines match Debian genhash -v', () => {
  assert.equal(
    hexdump(Buffer.from('SSH-2.0-OpenSSH_9.2\r\n\r\n')),
    '0000  53 53 48 2d 32 2e 30 2d - 4f 70 65 6e 53 53 48 5f   SSH-2.0-OpenSSH_\n' +
      '0016  39 2e 32 0d 0a 0d 0a    -                           9.2....         \n',
  );
  assert.equal(hexdump(Buffer.from('hello world\n')), '0000  68 65 6c 6c 6f 20 77 6f - 72 6c 64 0a               hello world.    \n');
  assert.equal(hexdump(Buffer.from('h: 12\r\n\r\n').subarray(0, 0)), '');
});

test('banner', () => {
  assert.equal(banner('        HTML Buffer        '), '-----------------------[        HTML Buffer        ]-----------------------\n');
});
