/**
 * Accounts: the uid/gid of a script's `USER [GROUP]` (keepalived.conf(5) SCRIPTS: the group
 * defaults to the user's), read from /etc/passwd and /etc/group. Used by the checker's
 * MISC_CHECK and the VRRP child's vrrp_script.
 */
import { readFileSync } from 'node:fs';

/** uid/gid of `user [group]` from /etc/passwd and /etc/group; undefined fields when not found. */
export function lookupUserGroup(user: string | undefined, group: string | undefined, files = { passwd: '/etc/passwd', group: '/etc/group' }): { uid?: number; gid?: number } {
  const find = (path: string, name: string, field: number): number | undefined => {
    if (/^\d+$/.test(name)) return Number(name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[field] !== undefined && /^\d+$/.test(f[field])) return Number(f[field]);
    }
    return undefined;
  };
  const out: { uid?: number; gid?: number } = {};
  if (user !== undefined) {
    const uid = find(files.passwd, user, 2);
    if (uid !== undefined) out.uid = uid;
    const gid = group === undefined ? find(files.passwd, user, 3) : find(files.group, group, 2);
    if (gid !== undefined) out.gid = gid;
  }
  return out;
}
