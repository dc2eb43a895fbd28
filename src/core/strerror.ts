/**
 * glibc's strerror(3) texts for the errno names keepalived's log lines carry (opening files,
 * looking a script up, exec, sockets); another name is returned as it is. Pure data.
 */
const STRERROR: Readonly<Record<string, string>> = {
  ELOOP: 'Too many levels of symbolic links',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EEXIST: 'File exists',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  ENAMETOOLONG: 'File name too long',
  EIO: 'Input/output error',
  ENOEXEC: 'Exec format error',
  ECONNREFUSED: 'Connection refused',
  EPROTONOSUPPORT: 'Protocol not supported',
};

export function strerror(code: string): string {
  return STRERROR[code] ?? code;
}
