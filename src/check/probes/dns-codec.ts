/**
 * DNS_CHECK wire format (RFC 1035 §4.1): the one query the checker sends and the three
 * header checks its reply must pass (QR set, same id, RCODE 0). Pure; used by dns.ts.
 */
import type { DnsQueryType } from '../../config/lvs/model.js';
import { fail, ok, type Result } from '../../core/result.js';

/** RFC 1035 §3.2.2 / RFC 3596 type codes. */
export const DNS_TYPE_CODES: Readonly<Record<DnsQueryType, number>> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 };

const CLASS_IN = 1;
const FLAG_QR = 0x8000;
const FLAG_RD = 0x0100;

/** Encodes a name into labels; '.' (or '') is the root. */
export function encodeDnsName(name: string): Result<Uint8Array> {
  const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
  const labels = trimmed === '' ? [] : trimmed.split('.');
  const parts: number[] = [];
  for (const l of labels) {
    const bytes = Buffer.from(l, 'latin1');
    if (bytes.length === 0) return fail(`empty label in '${name}'`);
    if (bytes.length > 63) return fail(`label longer than 63 bytes in '${name}'`);
    parts.push(bytes.length, ...bytes);
  }
  parts.push(0);
  if (parts.length > 255) return fail(`name '${name}' longer than 255 bytes`);
  return ok(Uint8Array.from(parts));
}

/** A standard query with RD set and one question (qclass IN). */
export function encodeDnsQuery(id: number, name: string, type: DnsQueryType): Result<Uint8Array> {
  const qname = encodeDnsName(name);
  if (!qname.ok) return qname;
  const out = new Uint8Array(12 + qname.value.length + 4);
  const v = new DataView(out.buffer);
  v.setUint16(0, id & 0xffff);
  v.setUint16(2, FLAG_RD);
  v.setUint16(4, 1); // QDCOUNT
  out.set(qname.value, 12);
  const q = 12 + qname.value.length;
  v.setUint16(q, DNS_TYPE_CODES[type]);
  v.setUint16(q + 2, CLASS_IN);
  return ok(out);
}

/** Checks a reply's header against the query id: `ok` = the check passes. */
export function checkDnsReply(reply: Uint8Array, id: number): Result<void> {
  if (reply.length < 12) return fail(`short reply (${reply.length} bytes)`);
  const v = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  if (v.getUint16(0) !== (id & 0xffff)) return fail('reply id mismatch');
  const flags = v.getUint16(2);
  if ((flags & FLAG_QR) === 0) return fail('QR bit not set');
  const rcode = flags & 0x0f;
  if (rcode !== 0) return fail(`RCODE ${rcode}`);
  return ok(undefined);
}
