// Builds the N-API addon in native/ with node-gyp against the local Node headers.
// Runs before every build, and at install (`--prefer-prebuild`): an installed package
// first tries the prebuilt addon it ships (native/prebuilds/, scripts/prebuild.mjs) and
// compiles only when none loads on this machine. Offline by design: the headers come from
// the Node installation itself (nodedir), never from the network.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp } from './node-gyp-path.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const output = join(nativeDir, 'build', 'Release', 'nio.node');
const nodedir = resolve(process.execPath, '..', '..');

if (process.argv.includes('--prefer-prebuild') && existsSync(join(nativeDir, 'prebuilds'))) {
  const require = createRequire(import.meta.url);
  try {
    const path = require('node-gyp-build').resolve(nativeDir);
    require(path);
    console.log(`build-native: using the prebuilt addon ${path.slice(root.length + 1)}`);
    process.exit(0);
  } catch (e) {
    console.log(`build-native: no prebuilt addon loads here (${e.message.split('\n')[0]}): compiling`);
  }
}


const sources = readdirSync(join(nativeDir, 'src')).map((f) => join(nativeDir, 'src', f));
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs), statSync(join(nativeDir, 'binding.gyp')).mtimeMs);
if (existsSync(output) && statSync(output).mtimeMs >= newest && !process.argv.includes('--force')) {
  process.exit(0);
}


if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(`build-native: Node headers not found under ${nodedir}/include/node (install nodejs headers)`);
  process.exit(1);
}
const gyp = findNodeGyp();
if (!gyp) {
  console.error('build-native: node-gyp (bundled with npm) not found');
  process.exit(1);
}
const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], { cwd: nativeDir, stdio: 'inherit' });
if (r.status !== 0) console.error('build-native: compiling the addon failed; it needs a C compiler, make and python3: apt-get install -y g++ make python3');
process.exit(r.status ?? 1);
