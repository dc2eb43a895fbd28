/**
 * Human-readable IPVS services, destinations and ops for logs and error messages, in
 * ipvsadm's notation (TCP 192.0.2.1:80, FWM 7, [2001:db8::1]:80). Pure.
 */
import { assertNever } from '../core/result.js';
import { IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, type IpvsDestKey, type IpvsOp, type IpvsServiceKey } from './ipvs-types.js';

const PROTO_NAMES: Readonly<Record<number, string>> = { [IPPROTO_TCP]: 'TCP', [IPPROTO_UDP]: 'UDP', [IPPROTO_SCTP]: 'SCTP' };

const hostPort = (family: 4 | 6, address: string, port: number): string => (family === 6 ? `[${address}]:${port}` : `${address}:${port}`);

export function describeServiceKey(key: IpvsServiceKey): string {
  if (key.type === 'fwmark') return `FWM ${key.fwmark}${key.family === 6 ? ' IPv6' : ''}`;
  return `${PROTO_NAMES[key.protocol] ?? `proto ${key.protocol}`} ${hostPort(key.family, key.address, key.port)}`;
}

export const describeDest = (d: IpvsDestKey): string => hostPort(d.family, d.address, d.port);

/** "NEW_DEST TCP 192.0.2.1:80 -> 198.51.100.2:80" */
export function describeIpvsOp(op: IpvsOp): string {
  switch (op.type) {
    case 'add-service':
      return `NEW_SERVICE ${describeServiceKey(op.service.key)}`;
    case 'edit-service':
      return `SET_SERVICE ${describeServiceKey(op.service.key)}`;
    case 'del-service':
      return `DEL_SERVICE ${describeServiceKey(op.key)}`;
    case 'add-dest':
      return `NEW_DEST ${describeServiceKey(op.key)} -> ${describeDest(op.dest)}`;
    case 'edit-dest':
      return `SET_DEST ${describeServiceKey(op.key)} -> ${describeDest(op.dest)}`;
    case 'del-dest':
      return `DEL_DEST ${describeServiceKey(op.key)} -> ${describeDest(op.dest)}`;
    case 'flush':
      return 'FLUSH';
    default:
      return assertNever(op, 'IPVS op');
  }
}
