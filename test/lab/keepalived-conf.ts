/** keepalived.conf text for lab scenarios (the lab README's "Daemon contract" keyword set). */
export interface VrrpInstanceSpec {
  readonly name: string;
  readonly state?: 'MASTER' | 'BACKUP';
  readonly iface: string;
  readonly vrid: number;
  readonly priority: number;
  /** Seconds; fractional needs VRRPv3. */
  readonly advertInt: number;
  readonly vips: readonly string[];
  readonly extra?: readonly string[];
}

export interface ConfSpec {
  readonly routerId: string;
  readonly vrrpVersion: 2 | 3;
  readonly instances: readonly VrrpInstanceSpec[];
  readonly extraGlobal?: readonly string[];
}

export function keepalivedConf(spec: ConfSpec): string {
  const lines = ['global_defs {', `    router_id ${spec.routerId}`, `    vrrp_version ${spec.vrrpVersion}`, ...(spec.extraGlobal ?? []).map((l) => `    ${l}`), '}'];
  for (const i of spec.instances) {
    lines.push(
      `vrrp_instance ${i.name} {`,
      `    state ${i.state ?? 'BACKUP'}`,
      `    interface ${i.iface}`,
      `    virtual_router_id ${i.vrid}`,
      `    priority ${i.priority}`,
      `    advert_int ${i.advertInt}`,
      ...(i.extra ?? []).map((l) => `    ${l}`),
      '    virtual_ipaddress {',
      ...i.vips.map((v) => `        ${v} dev ${i.iface}`),
      '    }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `vsCount` NAT virtual servers (203.0.113.10+, ports from 1000) × 15 TCP_CHECK real servers
 * (198.51.100.2…16:10000+): keepalived issue #2318's shape at 2,000 (30,000 real servers), a
 * file that takes seconds to read. `edit` changes the first virtual server's delay_loop.
 */
export function manyVirtualServersConf(vsCount: number, edit = 0): string {
  const out: string[] = [];
  for (let v = 0; v < vsCount; v++) {
    out.push(`virtual_server 203.0.113.${10 + (v % 200)} ${1000 + Math.floor(v / 200)} {`, ` delay_loop ${v === 0 ? 60 + edit : 60}`, ' lb_algo rr', ' lb_kind NAT', ' protocol TCP');
    for (let r = 0; r < 15; r++) out.push(` real_server 198.51.100.${2 + r} ${10000 + r} {`, '  TCP_CHECK {', '   connect_timeout 3', '  }', ' }');
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}
