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
