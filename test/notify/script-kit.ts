/**
 * Scaffolding of the notify-script tests: a script directory keepalived's security check
 * accepts (root-owned, 0755, under /tmp's sticky bit), the recorder (record-script.py) and
 * marker scripts in it, a world-writable corner for the unsafe cases, a records file every
 * script user may append to, and a throw-away account (user + its own group + one more
 * group, to show which groups a script gets) removed again by `remove()`.
 */
import { after, before } from 'node:test';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { E2e } from '../e2e/kit.js';
import type { LabDaemon } from '../lab/lab-daemon.js';

/** test/notify/record-script.py (from dist/test/notify or test/notify alike). */
const RECORDER = fileURLToPath(new URL('../../../test/notify/record-script.py', import.meta.url));

/** One run of record-script.py. */
export interface ScriptRecord {
  readonly t: number;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly uid: number;
  readonly euid: number;
  readonly gid: number;
  readonly egid: number;
  readonly groups: readonly number[];
  readonly cwd: string;
  readonly umask: number;
  readonly pid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly pdeathsig: number;
  readonly sigblk: string;
  readonly fds: Readonly<Record<string, string>>;
}

export interface Account {
  readonly user: string;
  readonly group: string;
  /** A second group the user is a member of (supplementary). */
  readonly extraGroup: string;
  readonly uid: number;
  readonly gid: number;
  readonly extraGid: number;
}

export class ScriptDir {
  readonly dir: string;
  /** World-writable directory without the sticky bit: anything under it is unsafe for root. */
  readonly unsafeDir: string;
  readonly recorder: string;
  readonly recordFile: string;
  readonly markers: string;
  account: Account | undefined;

  constructor(tag: string) {
    this.dir = mkdtempSync(join(tmpdir(), `kts-nfy-${tag}-`));
    chmodSync(this.dir, 0o755);
    this.unsafeDir = join(this.dir, 'open');
    mkdirSync(this.unsafeDir);
    chmodSync(this.unsafeDir, 0o777);
    const out = join(this.dir, 'out');
    mkdirSync(out);
    chmodSync(out, 0o1777);
    this.markers = join(out, 'markers');
    mkdirSync(this.markers);
    chmodSync(this.markers, 0o1777);
    this.recordFile = join(out, 'records.jsonl');
    writeFileSync(this.recordFile, '');
    chmodSync(this.recordFile, 0o666);
    this.recorder = join(this.dir, 'record.py');
    copyFileSync(RECORDER, this.recorder);
    chmodSync(this.recorder, 0o755);
  }

  /** A /bin/sh script at `path` (absolute, or relative to the directory). */
  script(path: string, body: string, mode = 0o755): string {
    const p = path.startsWith('/') ? path : join(this.dir, path);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, mode);
    return p;
  }

  /** A script that leaves a marker file named `name` (proof that it ran). */
  marker(path: string, name: string, mode = 0o755): string {
    return this.script(path, `touch ${join(this.markers, name)}`, mode);
  }

  markersLeft(): string[] {
    return readdirSync(this.markers).sort();
  }

  records(): ScriptRecord[] {
    return readFileSync(this.recordFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ScriptRecord);
  }

  clearRecords(): void {
    writeFileSync(this.recordFile, '');
    for (const m of readdirSync(this.markers)) rmSync(join(this.markers, m));
  }

  /** Creates a system account for the test (a user, its own group, one supplementary group). */
  createAccount(tag: string): Account {
    const n = `${tag}${process.pid % 100000}`;
    const a = { user: `ktsu${n}`, group: `ktsu${n}`, extraGroup: `ktsg${n}` };
    execFileSync('groupadd', ['-r', a.extraGroup]);
    execFileSync('useradd', ['-r', '-M', '-U', '-s', '/usr/sbin/nologin', '-G', a.extraGroup, a.user]);
    const id = (flag: string, who: string): number => Number(execFileSync('id', [flag, who], { encoding: 'utf8' }).trim());
    const extraGid = Number(execFileSync('getent', ['group', a.extraGroup], { encoding: 'utf8' }).split(':')[2]);
    this.account = { ...a, uid: id('-u', a.user), gid: id('-g', a.user), extraGid };
    return this.account;
  }

  remove(): void {
    const a = this.account;
    if (a) {
      for (const [cmd, name] of [['userdel', a.user], ['groupdel', a.group], ['groupdel', a.extraGroup]] as const) {
        try {
          execFileSync(cmd, [name], { stdio: 'ignore' });
        } catch {
          /* already gone (userdel removes the user's own group) */
        }
      }
      this.account = undefined;
    }
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A lab of `nodes` hosts and a ScriptDir, created before the file's tests and removed after them. */
export interface ScriptLab {
  readonly e: E2e;
  readonly d: ScriptDir;
}

export function useScriptLab(nodes: number, tag: string, setup: (d: ScriptDir) => void = () => undefined): ScriptLab {
  const lab = {} as { e: E2e; d: ScriptDir };
  before(() => {
    lab.e = E2e.create(nodes, tag);
    lab.d = new ScriptDir(tag);
    setup(lab.d);
  });
  after(async () => {
    try {
      await lab.e.teardown();
    } finally {
      lab.d.remove();
    }
  });
  return lab;
}

/** The daemon's lines about scripts, without the console timestamp. */
export function scriptLines(daemon: LabDaemon, extra?: RegExp): string[] {
  return daemon.lines
    .map((l) => l.text.replace(/^\w{3} \w{3} [ \d]\d [\d:]{8} \d{4}: /, ''))
    .filter((t) => /[Ss]cript|SECURITY|Unsafe/.test(t) || (extra?.test(t) ?? false))
    .filter((t) => !t.startsWith('IPVS'));
}

/** What must be the same for keepalived and keepalived-ts: how a script was started. */
export function startShape(r: ScriptRecord): string {
  return JSON.stringify([r.argv, r.uid, r.euid, r.gid, r.egid, r.groups, r.umask, r.pgid === r.pid, r.pdeathsig, r.sigblk, r.cwd, Object.keys(r.fds).sort(), r.env]);
}
