// Expected `ipvsadm -S -n` lines for an IpvsTable, and a canonical form of a table for
// deep comparison with a kernel dump. Used by the qemu guest script (test/qemu/
// ipvs-client-guest.ts); the notation is ipvsadm's (print_service_entry, FMT_RULE).
import { IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL, IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_PERSISTENT, IPPROTO_TCP, IPPROTO_UDP } from '../../src/ipvs/ipvs-types.js';
import type { IpvsDest, IpvsService, IpvsServiceEntry, IpvsServiceKey, IpvsTable } from '../../src/ipvs/ipvs-types.js';
import { destKeyId, serviceKeyId } from '../../src/ipvs/reconcile.js';
import { IP_VS_SVC_F_SCHED_SH_FALLBACK, IP_VS_SVC_F_SCHED_SH_PORT } from '../../src/ipvs/ipvs-constants.js';

/** Sorted, tunnel fields only on TUN dests (0 when absent), no empty PE name: comparable with deepEqual. */
export function normalizeTable(t: IpvsTable): IpvsServiceEntry[] {
  const dest = (d: IpvsDest): IpvsDest => {
    const { tunType, tunPort, tunFlags, ...rest } = d;
    return d.fwdMethod === IP_VS_CONN_F_TUNNEL ? { ...rest, tunType: tunType ?? 0, tunPort: tunPort ?? 0, tunFlags: tunFlags ?? 0 } : rest;
  };
  const service = (s: IpvsService): IpvsService => {
    const { peName, ...rest } = s;
    return peName !== undefined && peName !== '' ? { ...rest, peName } : rest;
  };
  return [...t]
    .sort((a, b) => serviceKeyId(a.service.key).localeCompare(serviceKeyId(b.service.key)))
    .map((e) => ({ service: service(e.service), dests: [...e.dests].sort((a, b) => destKeyId(a).localeCompare(destKeyId(b))).map(dest) }));
}

const hostPort = (family: 4 | 6, a: string, p: number): string => (family === 6 ? `[${a}]:${p}` : `${a}:${p}`);

function svcName(k: IpvsServiceKey): string {
  if (k.type === 'fwmark') return k.family === 6 ? `-f ${k.fwmark} -6` : `-f ${k.fwmark}`;
  const sw = k.protocol === IPPROTO_TCP ? '-t' : k.protocol === IPPROTO_UDP ? '-u' : '--sctp-service';
  return `${sw} ${hostPort(k.family, k.address, k.port)}`;
}

const mask4 = (m: number): string => [24, 16, 8, 0].map((s) => (m >>> s) & 0xff).join('.');

function serviceLine(s: IpvsService): string {
  let line = `-A ${svcName(s.key)} -s ${s.scheduler}`;
  if (s.flags & IP_VS_SVC_F_PERSISTENT) {
    line += ` -p ${s.timeoutS}`;
    if (s.key.family === 4 && s.netmask >>> 0 !== 0xffffffff) line += ` -M ${mask4(s.netmask)}`;
    if (s.key.family === 6 && s.netmask !== 128) line += ` -M ${s.netmask}`;
  }
  if (s.peName !== undefined && s.peName !== '') line += ` --pe ${s.peName}`;
  if (s.flags & IP_VS_SVC_F_ONEPACKET) line += ' -o';
  if (s.scheduler === 'sh') {
    const f = [s.flags & IP_VS_SVC_F_SCHED_SH_FALLBACK ? 'sh-fallback' : '', s.flags & IP_VS_SVC_F_SCHED_SH_PORT ? 'sh-port' : ''].filter((x) => x);
    if (f.length > 0) line += ` -b ${f.join(',')}`;
  }
  return line;
}

const TUN_TYPES = ['ipip', 'gue', 'gre'];
const TUN_CSUM = ['--tun-nocsum', '--tun-csum', '--tun-remcsum'];

function destLine(k: IpvsServiceKey, d: IpvsDest): string {
  const fwd = d.fwdMethod === IP_VS_CONN_F_MASQ ? '-m' : d.fwdMethod === IP_VS_CONN_F_DROUTE ? '-g' : d.fwdMethod === IP_VS_CONN_F_TUNNEL ? '-i' : '-l';
  let line = `-a ${svcName(k)} -r ${hostPort(d.family, d.address, d.port)} ${fwd} -w ${d.weight}`;
  // ipvsadm -S does not save the thresholds (-x/-y); `ipvsadm -L -n --thresholds` shows them.
  if (d.fwdMethod === IP_VS_CONN_F_TUNNEL) {
    const t = d.tunType ?? 0;
    line += ` --tun-type ${TUN_TYPES[t] ?? t}`;
    if (t === 1) line += ` --tun-port ${d.tunPort ?? 0}`;
    if (t !== 0) line += ` ${TUN_CSUM[d.tunFlags ?? 0] ?? ''}`;
  }
  return line;
}

export function expectedIpvsadmSave(t: IpvsTable): string[] {
  return t.flatMap((e) => [serviceLine(e.service), ...e.dests.map((d) => destLine(e.service.key, d))]);
}
