// keepalived.conf texts of the IPVS comparison scenario (test/qemu/ipvs-scenario.sh). Real
// servers live in the guest's "rs" netns at 198.51.100.11-19 (rs-servers.py listeners), VS
// addresses in 203.0.113.0/24 and 2001:db8:203::/64. Short timers: TCG guests are slow.

export interface CompareConfigs {
  /** Start-up config. */
  readonly initial: string;
  /** After SIGHUP: a VS added, an RS removed, a weight and a scheduler changed. */
  readonly reload: string;
  /** The initial config with lvs_flush and lvs_flush_on_stop. */
  readonly flush: string;
}

const TCP_CHECK = 'TCP_CHECK { connect_timeout 1 retry 1 delay_before_retry 1 }';

function rs(addr: string, port: number | undefined, body: readonly string[], check = TCP_CHECK): string {
  return [`  real_server ${addr}${port === undefined ? '' : ` ${port}`} {`, ...body.map((l) => `    ${l}`), `    ${check}`, '  }'].join('\n');
}

function vs(head: string, body: readonly string[], servers: readonly string[]): string {
  return [`virtual_server ${head} {`, '  delay_loop 1', ...body.map((l) => `  ${l}`), ...servers, '}'].join('\n');
}

interface Variant {
  readonly reload: boolean;
  readonly flush: boolean;
}

function build(v: Variant): string {
  const globals = ['global_defs {', '  router_id kts-compare', ...(v.flush ? ['  lvs_flush', '  lvs_flush_on_stop'] : []), '}'];
  const parts: string[] = [
    globals.join('\n'),
    ['virtual_server_group G1 {', '  203.0.113.20-22 80', '}'].join('\n'),
    // NAT rr, RS on another port; .11:8080 dies in the scenario; .12:8080 goes on reload.
    vs('203.0.113.10 80', ['lvs_sched rr', 'lvs_method NAT', 'protocol TCP'], [
      rs('198.51.100.11', 8080, ['weight 1']),
      ...(v.reload ? [] : [rs('198.51.100.12', 8080, ['weight 2'])]),
    ]),
    // DR wlc with thresholds; .14 is inhibited (weight 0) while dead; .13's weight changes on reload.
    vs('203.0.113.11 80', ['lvs_sched wlc', 'lvs_method DR', 'protocol TCP'], [
      rs('198.51.100.13', 80, [`weight ${v.reload ? 5 : 3}`, 'uthreshold 100', 'lthreshold 10']),
      rs('198.51.100.14', 80, ['weight 2', 'inhibit_on_failure']),
    ]),
    // Persistence with a granularity; scheduler sh -> rr on reload.
    vs('203.0.113.12 443', [`lvs_sched ${v.reload ? 'rr' : 'sh'}`, 'lvs_method NAT', 'protocol TCP', 'persistence_timeout 120', 'persistence_granularity 255.255.255.0'], [
      rs('198.51.100.15', 443, []),
      rs('198.51.100.16', 443, ['weight 3']),
    ]),
    // Firewall-mark service, DR.
    vs('fwmark 7', ['lvs_sched wrr', 'lvs_method DR'], [
      rs('198.51.100.17', 80, ['weight 4'], 'TCP_CHECK { connect_port 80 connect_timeout 1 retry 1 delay_before_retry 1 }'),
    ]),
    // IPv6.
    vs('2001:db8:203::10 80', ['lvs_sched rr', 'lvs_method NAT', 'protocol TCP'], [
      rs('2001:db8:198::11', 80, []),
    ]),
    // Group with a 3-address range, alpha (RS enters after its first good check), HTTP_GET.
    vs('group G1', ['lvs_sched lc', 'lvs_method NAT', 'protocol TCP', 'alpha'], [
      rs('198.51.100.18', 80, [], 'HTTP_GET { url { path / status_code 200 } connect_timeout 1 retry 1 delay_before_retry 1 }'),
    ]),
    // Quorum 2 with a sorry server: .12:80 dies -> quorum lost -> sorry server replaces the RSs.
    vs('203.0.113.30 80', ['lvs_sched rr', 'lvs_method NAT', 'protocol TCP', 'quorum 2', 'sorry_server 198.51.100.19 80'], [
      rs('198.51.100.11', 80, []),
      rs('198.51.100.12', 80, []),
    ]),
    // GUE tunnel.
    vs('203.0.113.40 80', ['lvs_sched rr', 'lvs_method TUN type gue port 6080', 'protocol TCP'], [
      rs('198.51.100.13', 80, ['weight 2']),
    ]),
    // DR and TUN real servers written with another port than the service's: IPVS gets the
    // service port, the checker still connects to the written port; connect_port wins over
    // both; NAT keeps the written port; a real server without a port takes the service's.
    vs('203.0.113.60 443', ['lvs_sched rr', 'lvs_method DR', 'protocol TCP'], [rs('198.51.100.20', 8080, [])]),
    vs('203.0.113.61 443', ['lvs_sched rr', 'lvs_method TUN', 'protocol TCP'], [rs('198.51.100.21', 8080, [])]),
    vs('203.0.113.62 443', ['lvs_sched rr', 'lvs_method DR', 'protocol TCP'], [
      rs('198.51.100.22', 8080, [], 'TCP_CHECK { connect_port 9090 connect_timeout 1 retry 1 delay_before_retry 1 }'),
    ]),
    vs('203.0.113.63 443', ['lvs_sched rr', 'lvs_method NAT', 'protocol TCP'], [rs('198.51.100.23', 8080, [])]),
    vs('203.0.113.64 443', ['lvs_sched rr', 'lvs_method DR', 'protocol TCP'], [rs('198.51.100.24', undefined, [])]),
    vs('203.0.113.65 443', ['lvs_sched rr', 'lvs_method NAT', 'protocol TCP'], [rs('198.51.100.25', undefined, [])]),
  ];
  if (v.reload) {
    parts.push(vs('203.0.113.50 80', ['lvs_sched rr', 'lvs_method NAT', 'protocol TCP'], [rs('198.51.100.16', 80, [])]));
  }
  return parts.join('\n\n') + '\n';
}

export function compareConfigs(): CompareConfigs {
  return {
    initial: build({ reload: false, flush: false }),
    reload: build({ reload: true, flush: false }),
    flush: build({ reload: false, flush: true }),
  };
}
