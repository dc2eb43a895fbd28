/**
 * SSL_GET's client side (keepalived.conf(5) SSL_GET and `SSL { }`): the optional
 * CA/cert/key/password material is read once per probe, and the server certificate is never
 * verified, as in keepalived (SSL_GET checks reachability, not identity). SNI: sni_name,
 * else the effective virtualhost, only with enable_sni (genhash: -I with -V).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { HttpCheckConfig, HttpUrlConfig, SslConfig } from '../../config/lvs/model.js';
import { fail, ok, type Result } from '../../core/result.js';
import { errorMessage } from '../../core/errors.js';

export interface TlsClientMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly passphrase?: string;
}

/** What the TLS step of an HTTP GET needs. */
export interface TlsClientSettings extends TlsClientMaterial {
  readonly servername?: string;
}

export function loadTlsMaterial(ssl: SslConfig | undefined, read: (path: string) => Buffer = readFileSync): Result<TlsClientMaterial, string> {
  if (ssl === undefined) return ok({});
  const out: { ca?: Buffer; cert?: Buffer; key?: Buffer; passphrase?: string } = {};
  const files = [
    ['ca', ssl.caFile],
    ['cert', ssl.certFile],
    ['key', ssl.keyFile],
  ] as const;
  for (const [field, path] of files) {
    if (path === undefined) continue;
    try {
      out[field] = read(path);
    } catch (e) {
      return fail(`SSL: cannot read ${field} file ${path}: ${errorMessage(e)}`);
    }
  }
  if (ssl.password !== undefined) out.passphrase = ssl.password;
  return ok(out);
}

/** The SNI name to send, or undefined (none, or an IP literal, which TLS forbids). */
export function sniServername(config: Pick<HttpCheckConfig, 'enableSni' | 'sniName'>, url: Pick<HttpUrlConfig, 'effectiveVirtualhost'>): string | undefined {
  if (!config.enableSni) return undefined;
  const name = config.sniName ?? url.effectiveVirtualhost;
  return name === undefined || isIP(name) !== 0 ? undefined : name;
}
