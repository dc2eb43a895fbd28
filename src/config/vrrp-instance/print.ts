/**
 * Prints a vrrp_instance back in keepalived syntax for the dump (`-d`): every effective
 * value explicitly, current keyword names only, secrets masked unless asked for, so
 * printing then re-parsing gives the same model. Plain rows not listed here (a new
 * keyword) are printed from the table after these entries.
 */
import { garpLines } from '../global-defs/print.js';
import { formatAddress, formatRoute, formatRule } from '../ip-lines/print.js';
import { printEntries, type PrintEntry } from '../keywords/table.js';
import { block, NOTIFY_KEYWORDS, notifyLines, quote } from '../print-format.js';
import { trackerRefLines, trackInterfaceLines } from '../trackers/print.js';
import { VRRP_INSTANCE_TABLE } from './keywords.js';
import type { VrrpInstanceConfig } from './model.js';

const MASK = '********';
const secs = (ms: number): string => String(ms / 1000);

type E = PrintEntry<VrrpInstanceConfig>;
const when = (on: boolean, line: string): string[] => (on ? [line] : []);

/** Flags printed bare when on. */
const FLAGS: ReadonlyArray<readonly [string, keyof VrrpInstanceConfig]> = [
  ['use_vmac_addr', 'useVmacAddr'], ['vmac_xmit_base', 'vmacXmitBase'], ['no_virtual_ipaddress', 'noVirtualIpaddress'], ['unicast_fault_no_peer', 'unicastFaultNoPeer'],
  ['track_src_ip', 'trackSrcIp'], ['promote_secondaries', 'promoteSecondaries'], ['native_ipv6', 'nativeIpv6'], ['linkbeat_use_polling', 'linkbeatUsePolling'],
];

function entries(showSecrets: boolean): readonly E[] {
  return [
    ['state', (v) => [`state ${v.initialState}`]],
    ['interface', (v) => (v.interface !== undefined ? [`interface ${v.interface}`] : [])],
    [['virtual_router_id', 'priority', 'advert_int', 'version'], (v) => [`virtual_router_id ${v.vrid}`, `priority ${v.priority}`, `advert_int ${v.advertIntCs / 100}`, `version ${v.version}`]],
    ['nopreempt', (v) => when(v.nopreempt, 'nopreempt')],
    ['preempt_delay', (v) => when(v.preemptDelayMs > 0, `preempt_delay ${secs(v.preemptDelayMs)}`)],
    [['accept', 'no_accept'], (v) => when(v.accept !== (v.strict ? v.priority === 255 : true), v.accept ? 'accept' : 'no_accept')],
    ['authentication', (v) => (v.auth ? block('authentication', [`auth_type ${v.auth.type}`, `auth_pass ${showSecrets ? quote(v.auth.pass) : MASK}`]) : [])],
    ['mcast_src_ip', (v) => (v.mcastSrcIp !== undefined ? [`mcast_src_ip ${v.mcastSrcIp}`] : [])],
    ['mcast_dst_ip', (v) => [`mcast_dst_ip ${v.mcastDstIp}`]],
    ['unicast_src_ip', (v) => (v.unicastSrcIp !== undefined ? [`unicast_src_ip ${v.unicastSrcIp}`] : [])],
    ['unicast_peer', (v) =>
      v.unicastPeers.length > 0
        ? block('unicast_peer', v.unicastPeers.map((p) => [p.address, ...(p.minTtl !== undefined ? ['min_ttl', p.minTtl] : []), ...(p.maxTtl !== undefined ? ['max_ttl', p.maxTtl] : [])].join(' ')))
        : []],
    ['unicast_ttl', (v) => (v.unicastTtl !== undefined ? [`unicast_ttl ${v.unicastTtl}`] : [])],
    ['track_interface', (v) => trackInterfaceLines(v.trackInterfaces)],
    ['dont_track_primary', (v) => when(v.dontTrackPrimary, 'dont_track_primary')],
    [['garp_master_delay', 'garp_master_repeat', 'garp_master_refresh', 'garp_master_refresh_repeat', 'garp_lower_prio_delay', 'garp_lower_prio_repeat'], (v) => garpLines(v.garp, '')],
    [
      ['down_timer_adverts', 'lower_prio_no_advert', 'higher_prio_send_advert', 'skip_check_adv_addr', 'strict_mode'],
      (v) => [
        `down_timer_adverts ${v.downTimerAdverts}`,
        `lower_prio_no_advert ${v.lowerPrioNoAdvert}`,
        `higher_prio_send_advert ${v.higherPrioSendAdvert}`,
        `skip_check_adv_addr ${v.skipCheckAdvAddr}`,
        `strict_mode ${v.strict}`,
      ],
    ],
    ['check_unicast_src', (v) => when(v.checkUnicastSrc, 'check_unicast_src')],
    [NOTIFY_KEYWORDS, (v) => notifyLines(v.notify)],
    ['smtp_alert', (v) => [`smtp_alert ${v.smtpAlert}`]],
    ['virtual_ipaddress', (v) => (v.vips.length > 0 ? block('virtual_ipaddress', v.vips.map(formatAddress)) : [])],
    ['virtual_ipaddress_excluded', (v) => (v.excludedVips.length > 0 ? block('virtual_ipaddress_excluded', v.excludedVips.map(formatAddress)) : [])],
    [['track_script', 'track_file', 'track_process', 'track_bfd'], trackerRefLines],
    ['virtual_routes', (v) => (v.virtualRoutes.length > 0 ? block('virtual_routes', v.virtualRoutes.map(formatRoute)) : [])],
    ['virtual_rules', (v) => (v.virtualRules.length > 0 ? block('virtual_rules', v.virtualRules.map(formatRule)) : [])],
    ['use_vmac', (v) => {
      const m = v.useVmac;
      return m ? [['use_vmac', 'name', m.ifname, ...(m.mac !== undefined ? [m.mac] : []), ...(m.netlinkNotifyMsg ? ['netlink_notify_msg'] : []), ...(m.group !== undefined ? ['group', String(m.group)] : [])].join(' ')] : [];
    }],
    ['use_ipvlan', (v) => {
      const i = v.useIpvlan;
      return i ? [['use_ipvlan', 'name', i.ifname, ...(i.address !== undefined ? [i.address] : []), i.mode, ...(i.group !== undefined ? ['group', String(i.group)] : [])].join(' ')] : [];
    }],
    ['auth_hmac', (v) => {
      const h = v.authHmac;
      if (!h) return [];
      const body = [...h.keys.map((k) => `key ${k.id} ${showSecrets ? quote(k.value) : MASK}`), ...(h.activeKey !== undefined ? [`active_key ${h.activeKey}`] : []), `anti_replay ${h.antiReplay}`, `mode ${h.mode}`];
      if (h.timeWindowS !== undefined) body.push(`time_window ${h.timeWindowS}`);
      return block('auth_hmac', body);
    }],
    [FLAGS.map(([kw]) => kw), (v) => FLAGS.flatMap(([kw, k]) => when(v[k] === true, kw))],
    [['owner_ignore_adverts', 'v3_checksum_as_v2', 'notify_priority_changes'], (v) => [`owner_ignore_adverts ${v.ownerIgnoreAdverts}`, `v3_checksum_as_v2 ${v.v3ChecksumAsV2}`, `notify_priority_changes ${v.notifyPriorityChanges}`]],
    ['vrf', (v) => (v.vrf !== undefined ? [`vrf ${v.vrf}`] : [])],
    ['garp_extra_if', (v) => (v.garpExtraIf ? [`garp_extra_if ${v.garpExtraIf.all ? 'all ' : ''}${v.garpExtraIf.intervalS}`] : [])],
    ['timer_expired_backup', (v) => (v.timerExpiredBackupPrio !== undefined ? [`timer_expired_backup ${v.timerExpiredBackupPrio}`] : [])],
    ['old_unicast_checksum', (v) => (v.oldUnicastChecksum !== undefined ? [`old_unicast_checksum${v.oldUnicastChecksum === 'never' ? ' never' : ''}`] : [])],
    ['kernel_rx_buf_size', (v) => (v.kernelRxBufSize !== undefined ? [`kernel_rx_buf_size ${v.kernelRxBufSize}`] : [])],
    ['debug', (v) => (v.debug !== undefined ? [`debug ${v.debug}`] : [])],
    ['lvs_sync_daemon_interface', (v) => (v.lvsSyncDaemonInterface !== undefined ? [`lvs_sync_daemon_interface ${v.lvsSyncDaemonInterface}`] : [])],
  ];
}

const PRINT = entries(false);
const PRINT_SECRETS = entries(true);

export const printInstance = (v: VrrpInstanceConfig, showSecrets: boolean): string[] =>
  block(`vrrp_instance ${v.name}`, printEntries(VRRP_INSTANCE_TABLE, v, showSecrets ? PRINT_SECRETS : PRINT));
