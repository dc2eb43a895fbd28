/**
 * Small real servers for the probe tests, all in one process started inside a lab host
 * namespace: `node probe-servers.js IPV4 IPV6`. Prints "ready" once every socket listens.
 * Ports (both families):
 *   TCP 2526 SMTP that answers 554 · 2527 garbage · 2528 silence · 2529 multi-line replies, all OK
 *   UDP 5301 DNS RCODE 0 · 5302 RCODE 3 · 5303 wrong id · 5304 QR not set
 *   UDP 7007 echo · 7008 listens, never answers
 */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';

const [ip4, ip6] = process.argv.slice(2);
if (ip4 === undefined || ip6 === undefined) throw new Error('usage: probe-servers IPV4 IPV6');
const pending: Promise<void>[] = [];

function tcp(port: number, onConn: (write: (s: string) => void, onLine: (fn: (line: string) => void) => void) => void): void {
  for (const host of [ip4!, ip6!]) {
    const srv = createServer((sock) => {
      sock.on('error', () => undefined);
      let buf = '';
      let handler: (line: string) => void = () => undefined;
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          handler(line);
        }
      });
      onConn((s) => sock.write(s), (fn) => (handler = fn));
    });
    pending.push(new Promise((r) => srv.listen(port, host, () => r())));
  }
}

function udp(port: number, onMsg: (msg: Buffer, reply: (b: Uint8Array) => void) => void): void {
  for (const [host, type] of [[ip4!, 'udp4'], [ip6!, 'udp6']] as const) {
    const s = createSocket(type);
    s.on('message', (msg, rinfo) => onMsg(msg, (b) => s.send(b, rinfo.port, rinfo.address)));
    pending.push(new Promise((r) => s.bind(port, host, () => r())));
  }
}

tcp(2526, (write) => write('554 no service here\r\n'));
tcp(2527, (write) => write('HTTP/1.0 200 OK\r\n\r\n'));
tcp(2528, () => undefined);
tcp(2529, (write, onLine) => {
  write('220-multi.example ESMTP\r\n220 ready\r\n');
  onLine((line) => {
    if (line.startsWith('HELO ')) write(`250-multi.example hello ${line.slice(5)}\r\n250 ok\r\n`);
    else if (line === 'QUIT') write('221 bye\r\n');
  });
});

function dnsReply(query: Buffer, rcode: number, idDelta: number, qr = true): Buffer {
  const r = Buffer.from(query);
  r.writeUInt16BE((query.readUInt16BE(0) + idDelta) & 0xffff, 0);
  r.writeUInt16BE((qr ? 0x8000 : 0) | 0x0100 | 0x0080 | rcode, 2);
  return r;
}
udp(5301, (q, reply) => reply(dnsReply(q, 0, 0)));
udp(5302, (q, reply) => reply(dnsReply(q, 3, 0)));
udp(5303, (q, reply) => reply(dnsReply(q, 0, 1)));
udp(5304, (q, reply) => reply(dnsReply(q, 0, 0, false)));
udp(7007, (m, reply) => reply(m));
udp(7008, () => undefined);

await Promise.all(pending);
process.stdout.write('ready\n');
