/**
 * An in-memory file tree and account table for the script checks (notify/script-pass.ts,
 * notify/script-security.ts): directories, files and symbolic links with owner and mode, and
 * users/groups by name. Paths are absolute; parents are created as root-owned 0755
 * directories unless declared.
 */
import type { KeepalivedConfig, ScriptSpec } from '../config/model.js';
import type { ScriptHost } from '../notify/script-pass.js';
import type { FileStat, FileType, FsAnswer, ScriptIds } from '../notify/script-security.js';

interface Node {
  readonly type: FileType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly target?: string;
  readonly ino: number;
}

export interface Owner {
  readonly uid?: number;
  readonly gid?: number;
}

export class FakeScriptHost implements ScriptHost {
  cwd = '/';
  searchPath = '/usr/local/bin:/usr/bin:/bin';
  private readonly nodes = new Map<string, Node>([['/', { type: 'directory', mode: 0o755, uid: 0, gid: 0, ino: 1 }]]);
  private readonly users = new Map<string, ScriptIds>([['root', { uid: 0, gid: 0 }], ['nobody', { uid: 65534, gid: 65534 }]]);
  private readonly groups = new Map<string, number>([['root', 0], ['nogroup', 65534]]);
  private nextIno = 2;

  dir(path: string, mode = 0o755, owner: Owner = {}): this {
    return this.add(path, 'directory', mode, owner);
  }

  file(path: string, mode = 0o755, owner: Owner = {}): this {
    return this.add(path, 'file', mode, owner);
  }

  symlink(path: string, target: string, owner: Owner = {}): this {
    this.parents(path);
    this.nodes.set(path, { type: 'symlink', mode: 0o777, uid: owner.uid ?? 0, gid: owner.gid ?? 0, target, ino: this.nextIno++ });
    return this;
  }

  addUser(name: string, uid: number, gid: number): this {
    this.users.set(name, { uid, gid });
    return this;
  }

  addGroup(name: string, gid: number): this {
    this.groups.set(name, gid);
    return this;
  }

  lstat(path: string): FsAnswer<FileStat> {
    const n = this.nodes.get(path === '' ? '/' : path);
    if (!n) return { ok: false, errno: 'ENOENT' };
    return { ok: true, value: { type: n.type, mode: n.mode, uid: n.uid, gid: n.gid, dev: 1, ino: n.ino } };
  }

  readlink(path: string): FsAnswer<string> {
    const n = this.nodes.get(path);
    if (!n) return { ok: false, errno: 'ENOENT' };
    return n.target !== undefined ? { ok: true, value: n.target } : { ok: false, errno: 'EINVAL' };
  }

  user(name: string): ScriptIds | null {
    return this.users.get(name) ?? null;
  }

  group(name: string): number | null {
    return this.groups.get(name) ?? null;
  }

  private add(path: string, type: FileType, mode: number, owner: Owner): this {
    this.parents(path);
    const old = this.nodes.get(path);
    this.nodes.set(path, { type, mode, uid: owner.uid ?? 0, gid: owner.gid ?? 0, ino: old?.ino ?? this.nextIno++ });
    return this;
  }

  private parents(path: string): void {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const p = `/${parts.slice(0, i).join('/')}`;
      if (!this.nodes.has(p)) this.nodes.set(p, { type: 'directory', mode: 0o755, uid: 0, gid: 0, ino: this.nextIno++ });
    }
  }
}

/** Every script a config names, as configured (what scriptHostFor makes exist). */
export function configScripts(config: KeepalivedConfig): ScriptSpec[] {
  const out: ScriptSpec[] = [];
  const add = (s: ScriptSpec | undefined): void => void (s && out.push(s));
  const g = config.globalDefs;
  for (const s of [g.notifyFifoScript, g.vrrpNotifyFifoScript, g.lvsNotifyFifoScript]) add(s);
  for (const s of config.vrrpScripts) add(s.script);
  for (const v of [...config.vrrpInstances, ...config.vrrpSyncGroups]) for (const s of Object.values(v.notify)) add(s);
  for (const vs of config.virtualServers) {
    add(vs.quorumUp);
    add(vs.quorumDown);
    for (const rs of vs.realServers) {
      add(rs.notifyUp);
      add(rs.notifyDown);
      for (const c of rs.checkers) if (c.type === 'MISC_CHECK') add(c.script);
    }
  }
  return out;
}

/**
 * A host on which every script of `config` exists as a root-owned 0755 file under root-owned
 * directories (a bare name in /usr/bin), so every script is cleared and runs as configured.
 */
export function scriptHostFor(config: KeepalivedConfig): FakeScriptHost {
  const h = new FakeScriptHost();
  for (const s of configScripts(config)) {
    const p = s.argv[0] ?? '';
    if (p.startsWith('/')) h.file(p);
    else if (p !== '' && !p.includes('/')) h.file(`/usr/bin/${p}`);
  }
  return h;
}
