/**
 * One pass over the scripts a child will run, at load and at every reload (keepalived.conf(5)
 * script_user, enable_script_security): who each script runs as (its own `USER [GROUP]`, else
 * the default user: script_user, else `keepalived_script` when that account exists, else
 * root — but with enable_script_security a missing default user disables every script that
 * needs it), then the security check of script-security.ts. keepalived sets the user while it
 * reads the file and checks the scripts afterwards, so a pass asks ids() for every script
 * first, then vet(). It collects keepalived 2.2.7's log lines in that order and wording
 * (checked against Debian's binary) and says at the end whether the child must log
 * "SECURITY VIOLATION".
 *
 * Pure: accounts and files come from a ScriptHost (script-host.ts for the real host).
 */
import type { ScriptSpec, SourceLoc } from '../config/model.js';
import { checkScript, type ScriptFs, type ScriptIds } from './script-security.js';

/** Accounts as getpwnam(3)/getgrnam(3) see them (names only: keepalived takes no numeric ids). */
export interface ScriptAccounts {
  /** uid and primary gid of a user name, or null when there is no such user. */
  user(name: string): ScriptIds | null;
  group(name: string): number | null;
}

export interface ScriptHost extends ScriptFs, ScriptAccounts {}

/** A script cleared to run: argv[0] is the path to execute. */
export interface RunnableScript {
  readonly argv: readonly string[];
  readonly uid: number;
  readonly gid: number;
  /** The program as configured, for log lines. */
  readonly text: string;
}

/**
 * Which script it is, for keepalived's wording: `notify` (instance, group, notify_up/down),
 * `quorum`, a FIFO's script (`notify_fifo`, `vrrp_notify_fifo`, `lvs_notify_fifo`), a
 * MISC_CHECK (`misc`), a vrrp_script (`track`, named).
 */
export type ScriptKind =
  | { readonly type: 'notify' | 'quorum' | 'notify_fifo' | 'vrrp_notify_fifo' | 'lvs_notify_fifo' }
  /** `loc`: where the checker is, for keepalived's `(FILE: Line N)` on its config errors. */
  | { readonly type: 'misc'; readonly loc?: SourceLoc }
  | { readonly type: 'track'; readonly name: string; readonly loc?: SourceLoc };

/** keepalived's prefix of a config error about a block it knows the place of. */
const at = (kind: ScriptKind): string => ('loc' in kind && kind.loc ? `(${kind.loc.file}: Line ${kind.loc.line}) ` : '');

export interface ScriptPolicy {
  readonly enableScriptSecurity?: boolean;
  readonly scriptUser?: string;
  readonly scriptGroup?: string;
}

/** keepalived.conf(5) script_user: the default when neither script_user nor a script's user is set. */
export const DEFAULT_SCRIPT_USER = 'keepalived_script';

const quotedWords = (argv: readonly string[]): string => argv.map((w) => `'${w}'`).join(' ');

export class ScriptPass {
  /** keepalived's lines so far, in order. */
  readonly log: string[] = [];
  private defaultIds: ScriptIds | null | undefined;
  /** Who each script runs as, once asked (keepalived sets it when it reads the script). */
  private readonly known = new Map<ScriptSpec, ScriptIds | null>();
  private readonly fifoOwners = new Map<ScriptSpec, ScriptIds | null>();
  private anyScript = false;
  private anyInsecure = false;

  constructor(
    private readonly host: ScriptHost,
    private readonly policy: ScriptPolicy,
  ) {
    // global_defs script_user is resolved when the config is read, scripts or not.
    if (policy.scriptUser !== undefined) this.defaultIds = this.resolve(policy.scriptUser, policy.scriptGroup, 'Error setting global script uid/gid');
  }

  /** The default script user as far as the pass resolved it (root when it never needed one or could not set it). */
  get defaultScriptIds(): ScriptIds {
    return this.defaultIds ?? { uid: 0, gid: 0 };
  }

  get scriptSecurity(): boolean {
    return this.policy.enableScriptSecurity === true;
  }

  /** The account scripts without a user of their own run as; null when it cannot be set. */
  private defaultUser(prefix = ''): ScriptIds | null {
    if (this.defaultIds !== undefined) return this.defaultIds;
    const ids = this.host.user(DEFAULT_SCRIPT_USER);
    if (ids) this.defaultIds = ids;
    else if (this.scriptSecurity) {
      this.log.push(`Script user '${DEFAULT_SCRIPT_USER}' does not exist`, `${prefix}Unable to set default user ${DEFAULT_SCRIPT_USER} for script`);
      this.defaultIds = null;
    } else this.defaultIds = { uid: 0, gid: 0 };
    return this.defaultIds;
  }

  private resolve(user: string, group: string | undefined, failure: string): ScriptIds | null {
    const ids = this.host.user(user);
    if (!ids) {
      this.log.push(`Script user '${user}' does not exist`, failure);
      return null;
    }
    if (group === undefined) return ids;
    const gid = this.host.group(group);
    if (gid === null) {
      this.log.push(`Script group '${group}' does not exist`, failure);
      return null;
    }
    return { uid: ids.uid, gid };
  }

  /** Who `spec` runs as, or null (logged once) when that cannot be set: the script is then dropped. */
  ids(spec: ScriptSpec, kind: ScriptKind): ScriptIds | null {
    if (this.known.has(spec)) return this.known.get(spec) ?? null;
    const ids = this.lookup(spec, kind);
    this.known.set(spec, ids);
    return ids;
  }

  private lookup(spec: ScriptSpec, kind: ScriptKind): ScriptIds | null {
    const argv0 = spec.argv[0] ?? '';
    if (spec.user !== undefined) {
      const own =
        kind.type === 'misc'
          ? `${at(kind)}Failed to set uid/gid for misc checker script ${quotedWords(spec.argv)} - removing`
          : kind.type === 'track'
            ? `${at(kind)}Unable to set uid/gid for script ${quotedWords(spec.argv)}`
            : `Invalid user/group for ${kind.type} script ${argv0} - ignoring`;
      return this.resolve(spec.user, spec.group, own);
    }
    const ids = this.defaultUser(at(kind));
    if (ids) return ids;
    this.log.push(
      kind.type === 'misc'
        ? `${at(kind)}Unable to set default user for misc script ${quotedWords(spec.argv)} - removing`
        : kind.type === 'track'
          ? `${at(kind)}Unable to set default user for vrrp script ${kind.name} - removing`
          : `Failed to set default user for ${kind.type} script ${argv0} - ignoring`,
    );
    return null;
  }

  /**
   * The owner of a FIFO the daemon creates (`notify_fifo PATH [USER [GROUP]]`). keepalived
   * reads the entry like a script: without a default user the FIFO itself is dropped, with
   * its own odd line (`prefix` '', 'vrrp_' or 'lvs_').
   */
  fifoOwner(spec: ScriptSpec, prefix: '' | 'vrrp_' | 'lvs_'): ScriptIds | null {
    if (this.fifoOwners.has(spec)) return this.fifoOwners.get(spec) ?? null;
    let ids: ScriptIds | null;
    if (spec.user !== undefined) ids = this.resolve(spec.user, spec.group, `Invalid user/group for ${prefix} fifo ${spec.argv[0] ?? ''} - ignoring`);
    else {
      ids = this.defaultUser();
      if (!ids) this.log.push(`Failed to set default user for ${prefix} fifo (null) - ignoring`);
    }
    this.fifoOwners.set(spec, ids);
    return ids;
  }

  /** The user and the security check: the script as it will run, or null (logged) when it must not. */
  vet(spec: ScriptSpec, kind: ScriptKind): RunnableScript | null {
    const ids = this.ids(spec, kind);
    return ids ? this.check(spec, ids, kind) : null;
  }

  /** The security check alone, for a script whose ids are already known. */
  check(spec: ScriptSpec, ids: ScriptIds, kind: ScriptKind): RunnableScript | null {
    const c = checkScript(this.host, spec.argv, ids, this.scriptSecurity);
    if (c.type === 'file-test') return { argv: spec.argv, uid: ids.uid, gid: ids.gid, text: spec.text };
    this.log.push(...c.log);
    if (c.type === 'runnable') {
      this.anyScript = true;
      this.anyInsecure ||= c.insecure;
      return { argv: c.argv, uid: ids.uid, gid: ids.gid, text: spec.text };
    }
    this.anyScript ||= c.isScript;
    this.anyInsecure ||= c.insecure;
    const subject = kind.type === 'misc' ? `misc script ${quotedWords(spec.argv)}` : kind.type === 'track' ? `track script ${kind.name}` : null;
    if (subject !== null && c.why !== 'not-executable') {
      this.log.push(`Disabling ${subject} ${c.why === 'not-found' ? 'since not found/accessible' : 'due to insecure'}`);
    }
    return null;
  }

  /** Once every script is checked: keepalived's warning when scripts run without script security. */
  violation(process: 'vrrp' | 'checker'): string | null {
    if (this.scriptSecurity || !this.anyScript) return null;
    const what = process === 'checker' ? 'check scripts' : 'scripts';
    return `SECURITY VIOLATION - ${what} are being executed but script_security not enabled.${this.anyInsecure ? ' There are insecure scripts.' : ''}`;
  }
}
