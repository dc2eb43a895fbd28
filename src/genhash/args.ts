/**
 * genhash(1) command line, getopt_long style as Debian's genhash 2.2.7:
 * short options may be bundled (`-vS`) and take their value attached or next (`-p80`,
 * `-p 80`); long options take `--opt VALUE` or `--opt=VALUE`. Every error is a message
 * followed by the usage text and exit status 1 (help too exits 1, as Debian's). Pure.
 */
import { isIP } from 'node:net';
import type { Family } from '../core/ip.js';
import type { HttpProtocolVersion } from '../config/lvs/model.js';
import { fail, ok, type Result } from '../core/result.js';

export interface GenhashOptions {
  readonly server: string;
  readonly family: Family;
  readonly port: number;
  readonly url: string;
  readonly ssl: boolean;
  readonly sni: boolean;
  readonly virtualhost?: string;
  readonly protocol: HttpProtocolVersion;
  readonly timeoutMs: number;
  readonly fwmark?: number;
  readonly verbose: boolean;
}

export type GenhashCommand = { readonly type: 'help' } | { readonly type: 'run'; readonly options: GenhashOptions };

export const GENHASH_DEFAULT_TIMEOUT_MS = 5000;

export const GENHASH_USAGE = `Usage: genhash COMMAND [OPTIONS]
Commands:
   -s server-address -p port -u url
   -S -s server-address -p port -u url
   -h

Options:
Either long or short options are allowed.
   --use-ssl         -S       Use SSL connection to remote server.
   --use-sni         -I       Use SNI during SSL handshake (uses virtualhost setting; see -V).
   --server          -s       Use the specified remote server address.
   --port            -p       Use the specified remote server port.
   --url             -u       Use the specified remote server url.
   --use-virtualhost -V       Use the specified virtualhost in GET query.
   --verbose         -v       Use verbose mode output.
   --help            -h       Display this short inlined help screen.
   --fwmark          -m       Use the specified FW mark.
   --protocol        -P       Use the specified HTTP protocol - '1.0', 1.0c', '1.1'.
                                1.0c means 1.0 with 'Connection: close'
   --timeout         -t       Timeout in seconds
`;

type Key = 'S' | 'I' | 's' | 'p' | 'u' | 'V' | 'v' | 'h' | 'm' | 'P' | 't';
const LONG: Readonly<Record<string, Key>> = {
  'use-ssl': 'S',
  'use-sni': 'I',
  server: 's',
  port: 'p',
  url: 'u',
  'use-virtualhost': 'V',
  verbose: 'v',
  help: 'h',
  fwmark: 'm',
  protocol: 'P',
  timeout: 't',
};
const TAKES_VALUE = new Set<Key>(['s', 'p', 'u', 'V', 'm', 'P', 't']);
const PROTOCOLS: Readonly<Record<string, HttpProtocolVersion>> = { '1.0': '1.0', '1.0c': '1.0C', '1.0C': '1.0C', '1.1': '1.1' };

interface Draft {
  server?: string;
  port?: number;
  url?: string;
  ssl: boolean;
  sni: boolean;
  virtualhost?: string;
  protocol: HttpProtocolVersion;
  timeoutMs: number;
  fwmark?: number;
  verbose: boolean;
  help: boolean;
}

const isUint = (v: string): boolean => /^\d+$/.test(v);

const FLAGS: Readonly<Partial<Record<Key, 'ssl' | 'sni' | 'verbose' | 'help'>>> = { S: 'ssl', I: 'sni', v: 'verbose', h: 'help' };

/** Apply one option; a string is an error message. */
function apply(d: Draft, key: Key, v: string): string | undefined {
  const flag = FLAGS[key];
  if (flag !== undefined) {
    d[flag] = true;
    return undefined;
  }
  switch (key) {
    case 's':
      if (isIP(v) === 0) return `server should be an IP, not ${v}`;
      d.server = v;
      break;
    case 'p':
      if (!isUint(v) || Number(v) < 1 || Number(v) > 65535) return `invalid port number '${v}'`;
      d.port = Number(v);
      break;
    case 'u':
      d.url = v;
      break;
    case 'V':
      d.virtualhost = v;
      break;
    case 'P': {
      const p = PROTOCOLS[v];
      if (p === undefined) return `invalid HTTP protocol version '${v}'`;
      d.protocol = p;
      break;
    }
    case 't':
      if (!isUint(v) || Number(v) < 1 || Number(v) > 86400) return `invalid timeout '${v}'`;
      d.timeoutMs = Number(v) * 1000;
      break;
    case 'm':
      if (!isUint(v) || Number(v) > 0xffffffff) return `invalid fwmark '${v}'`;
      d.fwmark = Number(v);
      break;
  }
  return undefined;
}

/** Arguments after the program name (after `--genhash`/`-T` for keepalived-ts). */
export function parseGenhashArgs(argv: readonly string[]): Result<GenhashCommand, string> {
  const d: Draft = { ssl: false, sni: false, protocol: '1.0', timeoutMs: GENHASH_DEFAULT_TIMEOUT_MS, verbose: false, help: false };
  const extra: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    const next = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);
    if (word.startsWith('--') && word.length > 2) {
      const eq = word.indexOf('=');
      const name = word.slice(2, eq < 0 ? undefined : eq);
      const key = LONG[name];
      if (key === undefined) return fail(`Unknown option ${word}`);
      let v: string | undefined = eq < 0 ? undefined : word.slice(eq + 1);
      if (TAKES_VALUE.has(key) && v === undefined) v = next();
      if (TAKES_VALUE.has(key) && v === undefined) return fail(`Missing parameter for option --${name}`);
      const err = apply(d, key, v ?? '');
      if (err !== undefined) return fail(err);
    } else if (word.startsWith('-') && word.length > 1) {
      for (let j = 1; j < word.length; j++) {
        const key = word[j] as Key;
        if (!Object.values(LONG).includes(key)) return fail(`Unknown option -${word[j]}`);
        if (TAKES_VALUE.has(key)) {
          const v = j + 1 < word.length ? word.slice(j + 1) : next();
          if (v === undefined) return fail(`Missing parameter for option -${key}`);
          const err = apply(d, key, v);
          if (err !== undefined) return fail(err);
          break;
        }
        const err = apply(d, key, '');
        if (err !== undefined) return fail(err);
      }
    } else {
      extra.push(word);
    }
  }
  if (extra.length > 0) return fail(`Unexpected argument(s): ${extra.join(' ')}`);
  if (d.help) return ok({ type: 'help' });
  if (d.server === undefined || d.port === undefined || d.url === undefined) return fail('');
  return ok({
    type: 'run',
    options: {
      server: d.server,
      family: isIP(d.server) === 6 ? 6 : 4,
      port: d.port,
      url: d.url,
      ssl: d.ssl,
      sni: d.sni,
      protocol: d.protocol,
      timeoutMs: d.timeoutMs,
      verbose: d.verbose,
      ...(d.virtualhost !== undefined ? { virtualhost: d.virtualhost } : {}),
      ...(d.fwmark !== undefined ? { fwmark: d.fwmark } : {}),
    },
  });
}
