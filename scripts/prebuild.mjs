// Prebuilt native addon for the published package (run by `npm pack`/`npm publish` through
// prepack): N-API builds for linux-x64 and linux-arm64 with prebuildify, into
// native/prebuilds/linux-<arch>/node.glibc.node, where node-gyp-build finds them at run time
// (src/sys/nio.ts) so that installing the package needs no compiler. arm64 is cross-compiled
// with Debian's g++-aarch64-linux-gnu. Offline like build-native.mjs: node-gyp takes Node's
// own headers (npm_config_nodedir), never downloads any. Each build runs in a scratch copy
// of native/ so the developer's native/build is left alone.
// Run: node scripts/prebuild.mjs [--arch=x64,arm64]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp } from './node-gyp-path.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const nodedir = resolve(process.execPath, '..', '..');
const require = createRequire(import.meta.url);

/** Cross toolchains by Node arch; the host's own arch uses the default compiler. */
const CROSS = {
  arm64: { prefix: 'aarch64-linux-gnu-', debian: 'g++-aarch64-linux-gnu' },
  x64: { prefix: 'x86_64-linux-gnu-', debian: 'g++-x86-64-linux-gnu' },
};

const archArg = process.argv.find((a) => a.startsWith('--arch='));
const archs = archArg ? archArg.slice('--arch='.length).split(',') : ['x64', 'arm64'];


const onPath = (cmd) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0;

const gyp = findNodeGyp();
if (!gyp) {
  console.error('prebuild: node-gyp (bundled with npm) not found');
  process.exit(1);
}
const prebuildify = require.resolve('prebuildify/bin.js');
let failed = false;
for (const arch of archs) {
  const env = { ...process.env, npm_config_nodedir: nodedir, PREBUILD_NODE_GYP: gyp };
  const args = [prebuildify, '--napi', '--strip', '--tag-libc', `--arch=${arch}`, '--target=node@20.0.0', `--out=${native}`, '--quiet'];
  if (arch !== process.arch) {
    const cross = CROSS[arch];
    if (!cross) {
      console.error(`prebuild: no cross toolchain known for ${arch}`);
      failed = true;
      continue;
    }
    if (!onPath(`${cross.prefix}g++`)) {
      console.error(`prebuild: ${cross.prefix}g++ not found; install it with: apt-get install ${cross.debian}`);
      failed = true;
      continue;
    }
    Object.assign(env, { CC: `${cross.prefix}gcc`, CXX: `${cross.prefix}g++`, LINK: `${cross.prefix}g++`, AR: `${cross.prefix}ar` });
    args.push(`--strip-bin=${cross.prefix}strip`);
  }
  const scratch = mkdtempSync(join(tmpdir(), `kts-prebuild-${arch}-`));
  try {
    cpSync(join(native, 'binding.gyp'), join(scratch, 'binding.gyp'));
    cpSync(join(native, 'src'), join(scratch, 'src'), { recursive: true });
    const r = spawnSync(process.execPath, [...args, scratch], { env, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`prebuild: linux-${arch} failed`);
      failed = true;
    } else console.log(`prebuild: native/prebuilds/linux-${arch}/node.glibc.node`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
