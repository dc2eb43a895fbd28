/**
 * genhash(1): GETs one page exactly as HTTP_GET/SSL_GET would and prints
 * the MD5 of the raw body — the value for a url's `digest`. Output follows Debian's
 * genhash 2.2.7: the digest alone, or with -v the header/body hexdumps and the response
 * time; "Connection failed" / "Timeout WEB read" on stdout and exit status 0 when the
 * server misbehaves; usage errors on stderr with status 1. Runs as `keepalived-ts
 * --genhash …` (or a binary named genhash).
 */
import { createHash } from 'node:crypto';
import type { CheckerConnection } from '../config/lvs/model.js';
import { buildHttpRequest, hostHeader } from '../check/probes/http-request.js';
import { httpGet } from '../check/probes/http.js';
import { DEFAULT_HTTP_LIMITS, type HttpResponseHead } from '../check/probes/http-response.js';
import { GENHASH_USAGE, parseGenhashArgs, type GenhashOptions } from './args.js';
import { banner, hexdump } from './hexdump.js';

export interface GenhashIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** Monotonic microseconds (for "Global response time"). */
  readonly nowUs?: () => number;
}

/**
 * genhash reads at most 4095 bytes at a time (a 4 KiB buffer kept NUL-terminated), the
 * first read holding the header too; -v dumps the body one full read at a time.
 */
const READ_BUFFER = 4095;

const TITLES = {
  header: '    HTTP Header Buffer    ',
  headerAscii: ' HTTP Header Ascii Buffer ',
  html: '        HTML Buffer        ',
  hash: '    HTML hash resulting    ',
  final: ' HTML hash final resulting ',
} as const;

function connectionFor(o: GenhashOptions): CheckerConnection {
  return { connectIp: o.server, family: o.family, connectPort: o.port, connectTimeoutMs: o.timeoutMs, ...(o.fwmark !== undefined ? { fwmark: o.fwmark } : {}) };
}

/** Body dump in genhash's read-sized pieces (the first one shares its buffer with the header). */
class BodyDumper {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private room = READ_BUFFER;
  out = '';

  start(head: HttpResponseHead): void {
    this.room = READ_BUFFER - (head.raw.length % READ_BUFFER);
  }

  push(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      const take = rest.subarray(0, this.room - this.pendingLen);
      this.pending.push(take);
      this.pendingLen += take.length;
      rest = rest.subarray(take.length);
      if (this.pendingLen === this.room) this.flush();
    }
  }

  flush(): void {
    if (this.pendingLen > 0) this.out += hexdump(Buffer.concat(this.pending, this.pendingLen));
    this.pending = [];
    this.pendingLen = 0;
    this.room = READ_BUFFER;
  }
}

export async function runGenhash(argv: readonly string[], io: GenhashIo): Promise<number> {
  const parsed = parseGenhashArgs(argv);
  if (!parsed.ok || parsed.value.type === 'help') {
    if (!parsed.ok && parsed.reason !== '') io.stderr(`${parsed.reason}\n`);
    io.stderr(GENHASH_USAGE);
    return 1;
  }
  const o = parsed.value.options;
  const nowUs = io.nowUs ?? ((): number => Math.round(performance.now() * 1000));
  const started = nowUs();
  const trailer = (): string => (o.verbose ? `\nGlobal response time for [${o.url}] = ${nowUs() - started} usecs\n` : '');
  const dumper = new BodyDumper();
  let head: HttpResponseHead | undefined;
  const host = hostHeader(o.virtualhost, o.server, o.port, o.family);
  const servername = o.ssl && o.sni && o.virtualhost !== undefined ? o.virtualhost : undefined;
  const res = await httpGet({
    connection: connectionFor(o),
    // genhash hashes any size and has no regex; the header cap stays.
    limits: { ...DEFAULT_HTTP_LIMITS, maxBodyBytes: Number.MAX_SAFE_INTEGER, maxRegexBytes: 0 },
    request: buildHttpRequest({ path: o.url, protocol: o.protocol, host }),
    ...(o.ssl ? { tls: servername !== undefined ? { servername } : {} } : {}),
    onHead: (h) => {
      head = h;
      dumper.start(h);
    },
    onBody: (c) => dumper.push(c),
  });
  if (!res.ok) {
    if (/^timeout .* waiting for/.test(res.reason) || head !== undefined) {
      io.stdout(`Timeout WEB read\n${trailer()}`);
    } else if (/^connection closed/.test(res.reason)) {
      // Debian's genhash logs this to syslog; in -v mode it prints the empty sections.
      io.stderr('no data received from remote webserver\n');
      if (o.verbose) {
        const empty = createHash('md5').digest();
        io.stdout(`${banner(TITLES.header)}\n${banner(TITLES.hash)}${hexdump(empty)}${banner(TITLES.final)}${trailer()}`);
      }
    } else {
      io.stdout(`Connection failed\n${trailer()}`);
    }
    return 0;
  }
  const r = res.value;
  if (!o.verbose) {
    io.stdout(`${r.md5}\n`);
    return 0;
  }
  dumper.flush();
  const raw = r.head.raw;
  io.stdout(
    banner(TITLES.header) +
      hexdump(raw) +
      banner(TITLES.headerAscii) +
      `${raw.toString('latin1')}\n` +
      banner(TITLES.html) +
      dumper.out +
      '\n' +
      banner(TITLES.hash) +
      hexdump(Buffer.from(r.md5, 'hex')) +
      banner(TITLES.final) +
      `${r.md5}\n` +
      trailer(),
  );
  return 0;
}
