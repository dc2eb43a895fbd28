/**
 * HTTP_GET and SSL_GET (keepalived.conf(5)): one attempt = connect, [TLS handshake],
 * send keepalived's GET request for ONE url (attempt.urlIndex), read to EOF, then judge
 * status code, MD5 digest and regex. Runs in the checker child; genhash shares `httpGet`.
 *
 * Deadline (differs from keepalived, keepalived issue #1822): connect_timeout bounds the TCP
 * connect, and connect_timeout again bounds everything after it (handshake, request,
 * whole response) — a server trickling one byte per second cannot hold a check open.
 */
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { CheckerConnection, HttpCheckConfig } from '../../config/lvs/model.js';
import { fail, type Result } from '../../core/result.js';
import type { Probe, ProbeAttempt, ProbeEnv, ProbeOutcome } from '../probe.js';
import { buildHttpRequest, hostHeader } from './http-request.js';
import { DEFAULT_HTTP_LIMITS, HttpResponseReader, type HttpResponse, type HttpResponseHead, type HttpResponseLimits } from './http-response.js';
import { compileUrlRegex, judgeHttpResponse } from './http-match.js';
import { loadTlsMaterial, sniServername, type TlsClientMaterial, type TlsClientSettings } from './ssl.js';
import { ioDeadline } from './attempt-guard.js';
import { AttemptTracker, connectTcp, socketErrorReason } from './tcp.js';

export interface HttpGetParams {
  readonly connection: CheckerConnection;
  /** The request bytes (HTTP_GET encodes each url's once). */
  readonly request: string | Uint8Array;
  /** Present = SSL_GET. */
  readonly tls?: TlsClientSettings;
  /** Deadline for everything after the TCP connect; default connection.connectTimeoutMs. */
  readonly responseTimeoutMs?: number;
  readonly limits?: HttpResponseLimits;
  readonly signal?: AbortSignal;
  /** genhash -v: the header block once complete, then each body chunk. */
  readonly onHead?: (head: HttpResponseHead) => void;
  readonly onBody?: (chunk: Buffer) => void;
}

/** One GET exchange. Always settles, never rejects; the socket is always destroyed. */
export async function httpGet(p: HttpGetParams): Promise<Result<HttpResponse, string>> {
  const tcp = await connectTcp(p.connection, p.signal);
  if (!tcp.ok) return tcp;
  const timeoutMs = p.responseTimeoutMs ?? p.connection.connectTimeoutMs;
  return exchange(tcp.value, p, timeoutMs);
}

function exchange(tcp: Socket, p: HttpGetParams, timeoutMs: number): Promise<Result<HttpResponse, string>> {
  return new Promise((resolve) => {
    let stream: Socket | TLSSocket = tcp;
    let done = false;
    const reader = new HttpResponseReader(p.limits ?? DEFAULT_HTTP_LIMITS, {
      ...(p.onHead !== undefined ? { onHead: p.onHead } : {}),
      ...(p.onBody !== undefined ? { onBody: p.onBody } : {}),
    });
    const settle = (r: Result<HttpResponse, string>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      p.signal?.removeEventListener('abort', onAbort);
      stream.destroy();
      tcp.destroy();
      resolve(r);
    };
    const onAbort = (): void => settle(fail('aborted'));
    const timer = ioDeadline(timeoutMs, () => {
      const what = reader.headerReceived === undefined ? 'the HTTP header' : 'the end of the response';
      settle(fail(`timeout after ${timeoutMs} ms waiting for ${what} (${reader.received} bytes received)`));
    });
    p.signal?.addEventListener('abort', onAbort, { once: true });
    const send = (): void => {
      stream.write(p.request);
    };
    if (p.tls !== undefined) {
      const t = p.tls;
      const tls = tlsConnect({
        socket: tcp,
        rejectUnauthorized: false,
        ...(t.servername !== undefined ? { servername: t.servername } : {}),
        ...(t.ca !== undefined ? { ca: t.ca } : {}),
        ...(t.cert !== undefined ? { cert: t.cert } : {}),
        ...(t.key !== undefined ? { key: t.key } : {}),
        ...(t.passphrase !== undefined ? { passphrase: t.passphrase } : {}),
      });
      stream = tls;
      tls.once('secureConnect', send);
    } else {
      send();
    }
    stream.on('data', (chunk: Buffer) => {
      if (done) return;
      const r = reader.push(chunk);
      if (r.type === 'error') settle(fail(r.reason));
    });
    stream.once('end', () => settle(reader.finish()));
    stream.once('error', (e: Error) => {
      const tlsErr = p.tls !== undefined && !(e as { code?: string }).code?.startsWith('E');
      settle(fail(tlsErr ? `TLS: ${e.message}` : socketErrorReason(e)));
    });
    stream.once('close', () => settle(fail('connection closed')));
  });
}

/** HTTP_GET (and SSL_GET, by config.type). */
export function createHttpProbe(config: HttpCheckConfig, env: ProbeEnv): Probe {
  const regexes = config.urls.map((u) => {
    if (u.regex === undefined) return undefined;
    const c = compileUrlRegex(u.regex, u.regexOptions);
    if (!c.ok) env.log.error(c.reason);
    else if (c.value.ignoredOptions.length > 0) env.log.warn(`regex_options not supported by keepalived-ts (ignored): ${c.value.ignoredOptions.join(' ')}`);
    return c;
  });
  let material: Result<TlsClientMaterial, string> | undefined;
  if (config.type === 'SSL_GET') {
    material = loadTlsMaterial(env.ssl);
    if (!material.ok) env.log.error(material.reason);
  }
  const attempts = new AttemptTracker();
  // The request of each url never changes: built once, not per check.
  const requests = config.urls.map((url) =>
    Buffer.from(
      buildHttpRequest({
        path: url.path,
        protocol: config.httpProtocol,
        host: hostHeader(url.effectiveVirtualhost, config.connection.connectIp, config.connection.connectPort, config.connection.family),
      }),
    ),
  );
  return {
    run: (attempt: ProbeAttempt): Promise<ProbeOutcome> => {
      const url = config.urls[attempt.urlIndex];
      if (url === undefined) return Promise.resolve({ type: 'failure', reason: `no url #${attempt.urlIndex}` });
      const re = regexes[attempt.urlIndex];
      if (re !== undefined && !re.ok) return Promise.resolve({ type: 'failure', reason: re.reason });
      if (material !== undefined && !material.ok) return Promise.resolve({ type: 'failure', reason: material.reason });
      const conn = config.connection;
      const request = requests[attempt.urlIndex] ?? Buffer.alloc(0);
      const sni = sniServername(config, url);
      const tls = material?.ok === true ? { tls: { ...material.value, ...(sni !== undefined ? { servername: sni } : {}) } } : {};
      return attempts.run(attempt, async (signal): Promise<ProbeOutcome> => {
        const res = await httpGet({ connection: conn, request, signal, ...tls });
        if (!res.ok) return { type: 'failure', reason: res.reason };
        return judgeHttpResponse(url, res.value, re?.ok === true ? re.value.re : undefined);
      });
    },
    close: () => attempts.abortAll(),
  };
}

/** SSL_GET: the same probe; createHttpProbe speaks TLS when config.type is SSL_GET. */
export const createSslProbe: (config: HttpCheckConfig, env: ProbeEnv) => Probe = createHttpProbe;
