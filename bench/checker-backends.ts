/**
 * Backends for the checker benchmarks (bench/checkers.ts): one process listening on many
 * ports of one address, run inside the qemu guest or a benchmark network namespace, never
 * in the root namespace. `tcp` ports accept and count connections (TCP_CHECK);
 * `http` ports answer every request with a small page and count requests (HTTP_GET).
 *
 *   node dist/bench/checker-backends.js ADDR KIND:FIRSTPORT:COUNT …
 *
 * Commands, one per stdin line, each answered by one stdout line (JSON):
 *   stats                     → {"type":"stats","tMs":…,"accepted":{"tcp":N,"http":N}} (totals since start)
 *   close KIND FIRST COUNT    → stop listening on those ports (a connect gets RST)
 *   stall KIND FIRST COUNT    → keep listening but never answer (an HTTP check times out)
 *   open KIND FIRST COUNT     → undo close/stall
 * The reply carries `tMs`, the wall-clock time (ms) at which the change took effect.
 * "ready" is printed once every port listens.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

type BackendKind = 'tcp' | 'http';

interface PortRange {
  readonly kind: BackendKind;
  readonly first: number;
  readonly count: number;
}

function parseRange(arg: string): PortRange {
  const [kind, first, count] = arg.split(':');
  if ((kind !== 'tcp' && kind !== 'http') || !(Number(first) > 0) || !(Number(count) > 0)) throw new Error(`bad port range ${arg}: expected tcp|http:FIRST:COUNT`);
  return { kind, first: Number(first), count: Number(count) };
}

const PAGE = 'keepalived-ts checker bench\n';

interface Port {
  readonly kind: BackendKind;
  readonly port: number;
  server: Server | HttpServer | undefined;
  stalled: boolean;
}

const accepted: Record<BackendKind, number> = { tcp: 0, http: 0 };

function dropSocket(s: Socket): void {
  s.on('error', () => s.destroy());
  // The checker closes first (keepalived's TCP_CHECK connects and closes); end with it.
  s.on('end', () => s.end());
  s.resume();
}

function makeServer(p: Port): Server | HttpServer {
  if (p.kind === 'tcp') {
    return createTcpServer((s) => {
      accepted.tcp++;
      if (p.stalled) {
        s.on('error', () => s.destroy());
        return;
      }
      dropSocket(s);
    });
  }
  const srv = createHttpServer((req, res) => {
    req.resume();
    if (p.stalled) return;
    accepted.http++;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': String(PAGE.length), Connection: 'close' });
    res.end(PAGE);
  });
  srv.on('clientError', (_e, s) => s.destroy());
  srv.keepAliveTimeout = 1000;
  return srv;
}

function listen(p: Port, addr: string): Promise<void> {
  const srv = makeServer(p);
  p.server = srv;
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: addr, port: p.port, backlog: 511 }, () => resolve());
  });
}

function select(ports: ReadonlyMap<string, Port>, kind: string, first: number, count: number): Port[] {
  const out: Port[] = [];
  for (let i = 0; i < count; i++) {
    const p = ports.get(`${kind}:${first + i}`);
    if (p) out.push(p);
  }
  return out;
}

async function main(argv: readonly string[]): Promise<void> {
  const [addr, ...specs] = argv;
  if (addr === undefined || specs.length === 0) throw new Error('usage: checker-backends.js ADDR tcp|http:FIRST:COUNT …');
  const ports = new Map<string, Port>();
  for (const r of specs.map(parseRange)) {
    for (let i = 0; i < r.count; i++) ports.set(`${r.kind}:${r.first + i}`, { kind: r.kind, port: r.first + i, server: undefined, stalled: false });
  }
  // Listen in batches: thousands of pending listen() calls at once only add memory.
  const all = [...ports.values()];
  for (let i = 0; i < all.length; i += 500) await Promise.all(all.slice(i, i + 500).map((p) => listen(p, addr)));
  const reply = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  reply({ type: 'ready', ports: ports.size });
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, kind = '', first = '0', count = '0'] = line.trim().split(/\s+/);
    const sel = select(ports, kind, Number(first), Number(count));
    const tMs = Date.now();
    switch (cmd) {
      case 'stats':
        reply({ type: 'stats', tMs, accepted: { ...accepted } });
        return;
      case 'close':
        for (const p of sel) {
          p.server?.close();
          p.server = undefined;
        }
        reply({ type: 'close', tMs, ports: sel.length });
        return;
      case 'stall':
        for (const p of sel) p.stalled = true;
        reply({ type: 'stall', tMs, ports: sel.length });
        return;
      case 'open':
        for (const p of sel) p.stalled = false;
        Promise.all(sel.filter((p) => p.server === undefined).map((p) => listen(p, addr))).then(
          () => reply({ type: 'open', tMs: Date.now(), ports: sel.length }),
          (e: unknown) => reply({ type: 'error', reason: String(e) }),
        );
        return;
      default:
        reply({ type: 'error', reason: `unknown command: ${line}` });
    }
  });
  rl.on('close', () => process.exit(0));
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
