/**
 * A deliberately misbehaving web server for the HTTP_GET/SSL_GET/genhash tests, started
 * inside a lab namespace: `node http-test-server.js PORT [TLS_PORT CERT KEY]`. Raw sockets
 * (no node:http) so every byte on the wire is chosen here — no Date header, so two GETs
 * of one page are identical. Prints `ready` once listening. Behaviour by path:
 *   /ok /regex /503 /slow (3 s late) /trickle (1 byte per 300 ms) /rst /garbage
 *   /nohead (closes mid-header) /huge (20 MiB) /chunked (HTTP/1.1 chunked framing)
 *   /big (40 KiB, several reads) /sni (body = the SNI name the client sent)
 */
import { createServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { readFileSync } from 'node:fs';

export const PAGES = {
  ok: 'hello world\n',
  regex: 'status: alive and well\n',
  chunkedRaw: '6\r\nhello \r\n6\r\nworld\n\r\n0\r\n\r\n',
  big: Array.from({ length: 40 * 1024 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''),
} as const;

function head(status: string, extra = ''): string {
  return `HTTP/1.0 ${status}\r\nServer: kts-test\r\n${extra}\r\n`;
}

function page(body: string, status = '200 OK'): string {
  return head(status, `Content-Length: ${Buffer.byteLength(body)}\r\n`) + body;
}

function respond(sock: Socket | TLSSocket, path: string): void {
  const send = (s: string | Buffer): void => void sock.end(s);
  switch (path) {
    case '/ok':
      return send(page(PAGES.ok));
    case '/regex':
      return send(page(PAGES.regex));
    case '/503':
      return send(page('down\n', '503 Service Unavailable'));
    case '/slow': {
      const t = setTimeout(() => send(page(PAGES.ok)), 3000);
      sock.once('close', () => clearTimeout(t));
      return;
    }
    case '/trickle': {
      sock.write(head('200 OK'));
      const t = setInterval(() => sock.write('x'), 300);
      sock.once('close', () => clearInterval(t));
      return;
    }
    case '/rst':
      (sock as Socket).resetAndDestroy();
      return;
    case '/garbage':
      return send('SSH-2.0-OpenSSH_9.2\r\n\r\nnot http at all');
    case '/nohead':
      return send('HTTP/1.0 200 OK\r\nContent-Len');
    case '/huge': {
      sock.write(head('200 OK'));
      const block = Buffer.alloc(1024 * 1024, 0x41);
      let n = 0;
      const more = (): void => {
        while (n < 20) {
          n++;
          if (!sock.write(block)) return void sock.once('drain', more);
        }
        sock.end();
      };
      sock.on('error', () => undefined);
      return more();
    }
    case '/chunked':
      return send(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${PAGES.chunkedRaw}`);
    case '/big':
      return send(page(PAGES.big));
    case '/sni': {
      const name = (sock as TLSSocket & { servername?: string | false }).servername;
      return send(page(`${typeof name === 'string' ? name : '-'}\n`));
    }
    default:
      return send(page('not found\n', '404 Not Found'));
  }
}

function serve(sock: Socket | TLSSocket): void {
  let got = '';
  sock.on('error', () => undefined);
  const onData = (c: Buffer): void => {
    got += c.toString('latin1');
    const end = got.indexOf('\r\n\r\n');
    if (end < 0) return;
    sock.removeListener('data', onData);
    // Echo the request on stderr: the test checks what the probe sent.
    process.stderr.write(`REQUEST ${JSON.stringify(got.slice(0, end + 4))}\n`);
    const path = /^GET (\S+) /.exec(got)?.[1] ?? '/';
    respond(sock, path);
  };
  sock.on('data', onData);
}

function main(): void {
  const [port, tlsPort, cert, key] = process.argv.slice(2);
  let pending = 1;
  const ready = (): void => {
    if (--pending === 0) process.stdout.write('ready\n');
  };
  createServer(serve).listen(Number(port), '::', ready);
  if (tlsPort !== undefined && cert !== undefined && key !== undefined) {
    pending++;
    createTlsServer({ cert: readFileSync(cert), key: readFileSync(key) }, serve).listen(Number(tlsPort), '::', ready);
  }
}

if (process.argv[1]?.endsWith('http-test-server.js') === true) main();
