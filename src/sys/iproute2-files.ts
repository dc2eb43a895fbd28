/**
 * The files behind the names route and rule lines may use (config/ip-lines/host-names.ts):
 * iproute2's defaults in /usr/share/iproute2, then /etc/iproute2 (which overrides them), each
 * with its NAME.d/*.conf directory, and /etc/protocols for IP protocol names. Read once per
 * configuration load (start-up and reload), as keepalived reads them with its config; a
 * missing file is no file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIRS = ['/usr/share/iproute2', '/etc/iproute2'];

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function confFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => n.endsWith('.conf'))
      .sort()
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** The texts of iproute2's file `name` (rt_tables, rt_protos …) in override order, or of /etc/protocols. */
export function iproute2FileTexts(name: string): string[] {
  const paths = name === 'protocols' ? ['/etc/protocols'] : DIRS.flatMap((d) => [join(d, name), ...confFiles(join(d, `${name}.d`))]);
  return paths.map(readText).filter((t): t is string => t !== null);
}
