/**
 * The package as an operator installs it: `npm pack` (the prebuilt addons for linux-x64 and
 * linux-arm64 made first, as prepack does), then `npm install -g` of the tarball into an
 * empty prefix, offline, with a PATH that holds node and npm only (no gcc, g++, make or
 * python3: nothing could compile the addon). The installed binary then checks a config,
 * reports its version, and runs the demo (three nodes, a failover, preemption) in a lab.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NPM_CLI = ['/usr/lib/node_modules/npm/bin/npm-cli.js', join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')].find((p) => existsSync(p));

function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): { status: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args as string[], { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeoutMs ?? 300_000, maxBuffer: 64 << 20 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

test('npm pack → npm install -g offline without a compiler → -t, -v and the demo from the installed binary', { timeout: 600_000 }, () => {
  assert.ok(NPM_CLI, 'npm-cli.js not found');
  const work = mkdtempSync(join(tmpdir(), 'kts-pkg-'));
  try {
    const pre = run(process.execPath, ['scripts/prebuild.mjs']);
    assert.equal(pre.status, 0, `prebuild: ${pre.out}${pre.err}`);
    const pack = run(process.execPath, [NPM_CLI, 'pack', '--ignore-scripts', '--json', '--pack-destination', work]);
    assert.equal(pack.status, 0, pack.err);
    const info = (JSON.parse(pack.out) as { filename: string; files: { path: string }[] }[])[0];
    assert.ok(info);
    const files = info.files.map((f) => f.path);
    for (const f of ['native/prebuilds/linux-x64/node.glibc.node', 'native/prebuilds/linux-arm64/node.glibc.node', 'node_modules/node-gyp-build/index.js', 'packaging/systemd/keepalived-ts.service']) {
      assert.ok(files.includes(f), `${f} in the tarball`);
    }
    const arm = run('file', [join(ROOT, 'native/prebuilds/linux-arm64/node.glibc.node')]);
    assert.match(arm.out, /ELF 64-bit LSB shared object, ARM aarch64/);

    // A machine with Node only: the system's commands minus every compiler, make and python.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    const NO_BUILD_TOOLS = /^(gcc|g\+\+|cc|c\+\+|cpp|c89|c99|make|gmake|ld|ld\..*|as|clang.*|python.*|node-gyp|node|npm|npx)$|^(gcc|g\+\+|cpp)-|-linux-gnu-/;
    for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (NO_BUILD_TOOLS.test(name) || existsSync(join(bin, name))) continue;
        symlinkSync(join(dir, name), join(bin, name));
      }
    }
    symlinkSync(process.execPath, join(bin, 'node'));
    writeFileSync(join(bin, 'npm'), `#!/bin/sh\nexec "${process.execPath}" "${NPM_CLI}" "$@"\n`, { mode: 0o755 });
    const env: NodeJS.ProcessEnv = { PATH: bin, HOME: work, npm_config_cache: join(work, 'cache'), npm_config_update_notifier: 'false' };
    for (const tool of ['gcc', 'g++', 'cc', 'make', 'python3']) {
      assert.notEqual(run('/bin/sh', ['-c', `command -v ${tool}`], { env }).status, 0, `${tool} must not be on PATH`);
    }
    const prefix = join(work, 'prefix');
    const install = run(join(bin, 'npm'), ['install', '-g', '--offline', '--no-audit', '--no-fund', '--foreground-scripts', '--prefix', prefix, join(work, info.filename)], { env, cwd: work });
    assert.equal(install.status, 0, `${install.out}\n${install.err}`);
    assert.match(`${install.out}${install.err}`, /using the prebuilt addon native\/prebuilds\/linux-x64\/node\.glibc\.node/);
    const pkg = join(prefix, 'lib', 'node_modules', 'keepalived-ts');
    assert.equal(existsSync(join(pkg, 'native', 'build')), false, 'nothing was compiled');
    assert.deepEqual(readdirSync(join(prefix, 'bin')), ['keepalived-ts']);
    for (const page of ['man8/keepalived-ts.8', 'man5/keepalived-ts.conf.5']) assert.ok(existsSync(join(prefix, 'share', 'man', page)), `${page} installed`);

    const kts = join(prefix, 'bin', 'keepalived-ts');
    const conf = join(work, 'keepalived.conf');
    writeFileSync(conf, 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n        192.0.2.100/24\n    }\n}\n');
    const t = run(kts, ['-t', '-f', conf], { env });
    assert.equal(t.status, 0, t.err);
    assert.match(t.err, /configuration OK/);
    const v = run(kts, ['-v'], { env });
    assert.match(v.err, /^Keepalived v2\.2\.7 \(keepalived-ts v/);

    // The demo, with the installed daemon (KTS_BIN); the lab's tools keep the normal PATH.
    const demo = run(process.execPath, [join(ROOT, 'dist', 'test', 'lab', 'demo.js')], { env: { ...process.env, KTS_BIN: join(pkg, 'dist', 'src', 'cli', 'keepalived-ts.js') }, timeoutMs: 240_000 });
    assert.equal(demo.status, 0, `${demo.out}\n${demo.err}`);
    assert.match(demo.out, /new master: h2; VIP now on h1, h2|new master: h2; VIP now on h2/);
    assert.match(demo.out, /^done: /m);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
