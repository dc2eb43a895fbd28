// Table-driven compile tests for the VRRP-side keywords beyond the core instance ones: each row is a config snippet, the
// model values it must produce, and the exact diagnostics (message substrings, in order)
// with their class. Messages were checked against Debian's keepalived 2.2.7 `-t`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryReader } from '../test-kit/memory-reader.js';
import { configTestExitCode, type Diagnostic } from './diagnostics.js';
import { parseConfigText, type LoadResult } from './parse-config.js';
import { printConfig } from './print.js';
import { GLOBAL_DEFS_TABLE } from './global-defs/keywords.js';
import { GARP_GROUP_TABLE, TOP_LEVEL_TABLE } from './top-level.js';
import { BFD_INSTANCE_TABLE, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, VRRP_SCRIPT_TABLE } from './trackers/keywords.js';
import { VRRP_INSTANCE_TABLE } from './vrrp-instance/keywords.js';
import { VRRP_SYNC_GROUP_TABLE } from './vrrp-sync-group/keywords.js';

const parse = (text: string, files: Record<string, string> = {}): LoadResult => parseConfigText(text, 't.conf', { reader: memoryReader(files), configId: 'n1' });

/** A minimal valid instance, with extra body lines. */
const vi = (body = '', name = 'VI_1', vrid = 7): string => `vrrp_instance ${name} {\ninterface eth0\nvirtual_router_id ${vrid}\nvirtual_ipaddress {\n192.0.2.${vrid}\n}\n${body}\n}\n`;
const SECURE = 'global_defs {\nenable_script_security\nscript_user nobody\n}\n';

interface Row {
  readonly name: string;
  readonly text: string;
  readonly check: (r: LoadResult) => void;
  /** Message substrings of the expected diagnostics, in order ([] = clean). */
  readonly diags: readonly string[];
  readonly files?: Record<string, string>;
}

const x = (r: LoadResult): LoadResult['config'] => r.config;
const ix = (r: LoadResult, i = 0): LoadResult['config']['vrrpInstances'][number] => r.config.vrrpInstances[i]!;
const gx = (r: LoadResult): LoadResult['config']['globalDefs'] => r.config.globalDefs;

const rows: readonly Row[] = [
  // ---- vrrp_script
  {
    name: 'vrrp_script defaults, timeout = interval',
    text: `${SECURE}vrrp_script chk {\nscript "/bin/check -x"\ninterval 2\n}\n${vi('track_script {\nchk\n}')}`,
    check: (r) => {
      assert.deepEqual(x(r).vrrpScripts.map((s) => [s.name, s.script.argv, s.intervalMs, s.timeoutMs, s.weight, s.rise, s.fall, s.initFail]), [['chk', ['/bin/check', '-x'], 2000, 2000, 0, 1, 1, false]]);
      assert.deepEqual(ix(r).trackScripts.map((t) => [t.name, t.weight, t.reverse]), [['chk', 0, false]]);
    },
    diags: [],
  },
  {
    name: 'vrrp_script ranges (2.2.7 wording)',
    text: `${SECURE}vrrp_script chk {\nscript /bin/true\ninterval 0\ntimeout 0\nweight 300\nrise 0\nfall 2\nweight 5 bogus\n}\n${vi()}`,
    check: (r) => assert.deepEqual(x(r).vrrpScripts.map((s) => [s.intervalMs, s.timeoutMs, s.weight, s.rise, s.fall]), [[1000, 1000, 5, 1, 2]]),
    diags: ['(chk): vrrp script interval must be greater than 0, setting to 1', '(chk): vrrp script timeout must be greater than 0, setting to 1', 'vrrp_script chk weight 300 must be in [-253, 253]', "(chk): vrrp script rise value '0' invalid, defaulting to 1", "Duplicate 'weight' - overwriting", 'chk unknown weight option bogus'],
  },
  {
    name: 'vrrp_script without script is removed; tracking it is then unknown',
    text: `${SECURE}vrrp_script chk3 {\ninterval 2\n}\n${vi('track_script {\nchk3\nnope weight 2\n}')}`,
    check: (r) => {
      assert.equal(x(r).vrrpScripts.length, 0);
      assert.deepEqual(ix(r).trackScripts, []);
    },
    diags: ['No script set for vrrp_script chk3 - removing', '(VI_1) track script chk3 not found, ignoring...', '(VI_1) track script nope not found, ignoring...'],
  },
  {
    name: 'track_script line weight beats the script weight; ±254 clamps',
    text: `${SECURE}vrrp_script a {\nscript /bin/a\nweight -10 reverse\nuser nobody\ninit_fail\n}\nvrrp_script b {\nscript /bin/b\n}\n${vi('track_script {\na\nb weight 254\n}')}`,
    check: (r) => {
      assert.deepEqual(ix(r).trackScripts.map((t) => [t.name, t.weight, t.reverse]), [['a', -10, true], ['b', 253, false]]);
      assert.deepEqual(x(r).vrrpScripts[0]!.script.user, 'nobody');
      assert.equal(x(r).vrrpScripts[0]!.initFail, true);
    },
    diags: ['(VI_1) weight for b cannot be +/-254. Setting to +/-253'],
  },
  {
    name: 'script security without a resolvable default user drops vrrp_scripts without user',
    text: `global_defs {\nenable_script_security\n}\nvrrp_script a {\nscript /bin/true\nuser root\n}\nvrrp_script b {\nscript /bin/true\n}\n${vi('track_script {\na\nb\n}')}`,
    check: (r) => assert.deepEqual(x(r).vrrpScripts.map((s) => [s.name, s.script.user]), [['a', 'root']]),
    diags: ['Unable to set default user for vrrp script b - removing', '(VI_1) track script b not found, ignoring...'],
  },
  // ---- track_file
  {
    name: 'track_file and deprecated vrrp_track_file',
    text: `track_file tf {\nfile /run/tf\nweight 2 reverse\ninit_file 5 overwrite\n}\nvrrp_track_file tf2 {\nfile /run/tf2\n}\ntrack_file g {\nweight 1\n}\n${vi('track_file {\ntf\ntf2 weight -3\nnf\n}')}`,
    check: (r) => {
      assert.deepEqual(x(r).trackFiles.map((f) => [f.name, f.path, f.weight, f.reverse, f.initFile]), [['tf', '/run/tf', 2, true, { value: 5, overwrite: true }], ['tf2', '/run/tf2', 1, false, undefined]]);
      assert.deepEqual(ix(r).trackFiles.map((t) => [t.name, t.weight, t.reverse]), [['tf', 2, true], ['tf2', -3, false]]);
    },
    diags: ['Keyword "vrrp_track_file" is deprecated - please use "track_file"', 'No file set for track_file g - ignoring', '(VI_1) track file nf not found, ignoring...'],
  },
  {
    name: 'track_file weight ranges',
    text: `track_file f {\nfile /x\nweight 3000000000\ninit_file abc\n}\n${vi('track_file {\nf weight 255\n}')}`,
    check: (r) => assert.deepEqual(ix(r).trackFiles, []),
    diags: ['Weight (3000000000) for track_file f must be between [-254..254] inclusive. Ignoring...', 'Unknown track file init option abc', '(VI_1) weight for track file f must be in [-254..254] inclusive. Ignoring...'],
  },
  // ---- vrrp_track_process
  {
    name: 'vrrp_track_process',
    text: `vrrp_track_process tp {\nprocess sshd -D\nweight 300\nquorum 0\nquorum_max 2\ndelay 1.5\nparam_match partial\nfull_command\n}\n${vi('track_process {\ntp weight -3 noreverse\nnp\n}')}`,
    check: (r) => {
      assert.deepEqual(x(r).trackProcesses.map((p) => [p.process, p.params, p.paramMatch, p.weight, p.quorum, p.quorumMax, p.forkDelayMs, p.terminateDelayMs, p.fullCommand]), [['sshd', ['-D'], 'partial', 0, 1, 2, 1500, 1500, true]]);
      assert.deepEqual(ix(r).trackProcesses.map((t) => [t.name, t.weight]), [['tp', -3]]);
    },
    diags: ['Weight (300) for vrrp_track_process tp must be between [-254..254] inclusive. Ignoring...', 'Quorum (0) for vrrp_track_process tp must be between [1..65535] inclusive. Ignoring...', '(VI_1) track process np not found, ignoring...'],
  },
  // ---- bfd_instance, garp_group
  {
    name: 'bfd_instance defaults and ranges',
    text: `bfd_instance bf {\nneighbour_ip 192.0.2.3\nmin_rx 0\nmultiplier 300\nttl 0\nmax_hops 300\n}\nbfd_instance bf6 {\nneighbor_ip 2001:db8::3\nmultihop\npassive\n}\nbfd_instance bf2 {\nmin_rx 5\n}\n${vi('track_bfd {\nbf weight 2\nnobfd\n}')}`,
    check: (r) => {
      assert.deepEqual(x(r).bfdInstances.map((b) => [b.name, b.neighborIp, b.minRxMs, b.multiplier, b.ttl, b.maxHops, b.multihop, b.passive]), [['bf', '192.0.2.3', 10, 5, 255, 0, false, false], ['bf6', '2001:db8::3', 10, 5, 64, 0, true, true]]);
      assert.deepEqual(ix(r).trackBfds.map((t) => [t.name, t.weight]), [['bf', 2]]);
    },
    diags: ['BFD instance bf min_rx value 0 is not valid', 'BFD instance bf multiplier value 300 not valid (must be in range [1-255])', 'BFD instance bf ttl/hoplimit value 0 not valid', 'BFD instance bf max_hops value 300 not valid (must be in range [-1-255])', 'BFD instance bf2 has no neighbor address set, disabling instance', '(VI_1) track bfd nobfd not found, ignoring...'],
  },
  {
    name: 'garp_group',
    text: `garp_group {\ngarp_interval 0.5\ninterface eth0\ninterfaces {\neth1\neth2\n}\n}\n${vi()}`,
    check: (r) => assert.deepEqual(x(r).garpGroups.map((g) => [g.garpIntervalMs, g.interfaces]), [[500, ['eth0', 'eth1', 'eth2']]]),
    diags: [],
  },
  // ---- sync group trackers
  {
    name: 'weighted trackers removed from sync-group members',
    text: `${SECURE}vrrp_script a {\nscript /bin/a\nweight 5\n}\nvrrp_script z {\nscript /bin/z\n}\nvrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\ntrack_script {\na weight 10\n}\ntrack_interface {\neth1 weight 5 reverse\n}\n}\n${vi('track_script {\na weight 10\nz\n}')}${vi('track_script {\na\n}', 'VI_2', 8)}`,
    check: (r) => {
      assert.deepEqual(ix(r, 0).trackScripts.map((t) => t.name), ['z']);
      assert.deepEqual(ix(r, 1).trackScripts, []);
      const g = r.config.vrrpSyncGroups[0]!;
      assert.deepEqual(g.trackScripts.map((t) => [t.name, t.weight]), [['a', 10]]);
      assert.deepEqual(g.trackInterfaces, [{ name: 'eth1', weight: 5, reverse: true }]);
    },
    diags: ['(VI_1) ignoring tracked script a with weights due to SYNC group', '(VI_2) ignoring tracked script a with weights due to SYNC group'],
  },
  {
    name: 'weighted trackers removed from an address owner (priority 255)',
    text: `${SECURE}vrrp_script a {\nscript /bin/a\nweight 5\n}\nvrrp_script z {\nscript /bin/z\n}\ntrack_file f {\nfile /run/f\nweight 2\n}\n${vi('priority 255\ntrack_script {\na\nz\n}\ntrack_file {\nf\n}')}`,
    check: (r) => {
      assert.deepEqual(ix(r).trackScripts.map((t) => t.name), ['z']);
      assert.deepEqual(ix(r).trackFiles, []);
    },
    diags: ['(VI_1) ignoring tracked script a with weights due to address_owner', '(VI_1) ignoring tracked file f with weight 2 due to address_owner'],
  },
  {
    name: 'sync_group_tracking_weight keeps weighted trackers',
    text: `${SECURE}vrrp_script a {\nscript /bin/a\nweight 5\n}\nvrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\nsync_group_tracking_weight\n}\n${vi('track_script {\na\n}')}${vi('', 'VI_2', 8)}`,
    check: (r) => {
      assert.deepEqual(ix(r).trackScripts.map((t) => [t.name, t.weight]), [['a', 5]]);
      assert.equal(r.config.vrrpSyncGroups[0]!.syncGroupTrackingWeight, true);
    },
    diags: [],
  },
  {
    name: 'global_tracking keeps weighted member trackers (2.2.7 takes it as sync_group_tracking_weight); a weighted member track_interface is unweighted',
    text: `${SECURE}vrrp_script a {\nscript /bin/a\nweight 5\n}\nvrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\nglobal_tracking\n}\nvrrp_sync_group H {\ngroup {\nVI_3\nVI_4\n}\n}\n${vi('track_script {\na\n}')}${vi('', 'VI_2', 8)}${vi('track_interface {\neth1 weight 10 reverse\n}', 'VI_3', 9)}${vi('', 'VI_4', 10)}`,
    check: (r) => {
      assert.deepEqual(ix(r).trackScripts.map((t) => [t.name, t.weight]), [['a', 5]]);
      assert.deepEqual(ix(r, 2).trackInterfaces, [{ name: 'eth1', weight: 0, reverse: false }]);
    },
    diags: [
      '(G) global_tracking is deprecated. Use track_interface/script/file/bfd/process in the sync group and sync_group_tracking_weight',
      '(VI_3) ignoring eth1 tracked interface weight due to SYNC group',
    ],
  },
  {
    name: 'an address owner drops a weighted track_interface',
    text: `${vi('priority 255\ntrack_interface {\neth1 weight 10\neth2\n}')}`,
    check: (r) => assert.deepEqual(ix(r).trackInterfaces, [{ name: 'eth2', weight: 0, reverse: false }]),
    diags: ['(VI_1) ignoring eth1 tracked interface due to address owner'],
  },
  {
    name: 'a track_* line naming a tracker defined further down the file is not found (keepalived resolves it as it reads it)',
    text: `${SECURE}${vi('track_script {\nlater\n}\ntrack_file {\nlaterf\n}')}vrrp_script later {\nscript /bin/a\n}\ntrack_file laterf {\nfile /run/f\n}\n`,
    check: (r) => {
      assert.deepEqual(ix(r).trackScripts, []);
      assert.deepEqual(ix(r).trackFiles, []);
    },
    diags: ['(VI_1) track script later not found, ignoring...', '(VI_1) track file laterf not found, ignoring...'],
  },
  // ---- routes and rules
  {
    name: 'static_routes grammar; gw/or deprecated; untrackable routes',
    text: `static_routes {\n192.0.2.0/24 via 198.51.100.1 dev eth0 table 10 metric 5\n198.51.100.0/24 gw 203.0.113.1 dev eth1\n203.0.113.0/24 via 192.0.2.8 or 192.0.2.9 dev eth1\nblackhole 192.0.2.128/25\nsrc 192.0.2.1 default via 192.0.2.254 dev eth0 mtu lock 1400 onlink\n2001:db8:1::/48 no_track nexthop via 2001:db8::1 dev eth0 weight 2 nexthop via 2001:db8::2 dev eth1\n10.0.0.0/8 via 2001:db8::1\nbogus\n}\n${vi()}`,
    check: (r) => {
      const rs = x(r).staticRoutes;
      assert.deepEqual(rs.map((s) => [s.type, s.dst, s.dstLen, s.via, s.dev, s.table, s.metric, s.noTrack]), [
        ['unicast', '192.0.2.0', 24, '198.51.100.1', 'eth0', '10', 5, false],
        ['unicast', '198.51.100.0', 24, '203.0.113.1', 'eth1', undefined, undefined, false],
        ['unicast', '203.0.113.0', 24, '192.0.2.8', 'eth1', undefined, undefined, false],
        ['blackhole', '192.0.2.128', 25, undefined, undefined, undefined, undefined, true],
        ['unicast', '0.0.0.0', 0, '192.0.2.254', 'eth0', undefined, undefined, false],
        ['unicast', '2001:db8:1::', 48, undefined, undefined, undefined, undefined, true],
      ]);
      assert.deepEqual(rs[2]!.nexthops, [{ via: '192.0.2.9' }]);
      assert.deepEqual([rs[4]!.src, rs[4]!.metrics, rs[4]!.onlink], ['192.0.2.1', [{ name: 'mtu', value: 1400, lock: true }], true]);
      assert.deepEqual(rs[5]!.nexthops, [{ via: '2001:db8::1', dev: 'eth0', weight: 2 }, { via: '2001:db8::2', dev: 'eth1' }]);
      assert.equal(rs[5]!.family, 6);
    },
    diags: ['"gw" for routes is deprecated. Please use "via"', '"or" for routes is deprecated. Please use "nexthop"', 'Warning - cannot track route 192.0.2.128/25 with no interface specified, not tracking', 'Cannot mix IPv4 and IPv6 addresses for route', 'VRRP parsed invalid IP bogus. skipping IP...', 'unknown route keyword bogus'],
  },
  {
    name: 'static_rules / virtual_rules: preferences assigned from 16384 down',
    text: `static_rules {\nfrom 192.0.2.0/24 table 100\nto 198.51.100.0/24 priority 100 table main\nfrom all fwmark 0x10/0xff lookup 5\nnot from 2001:db8::/32 goto 200 preference 7\nfrom 192.0.2.0/24 bogus 1\n}\n${vi('virtual_routes {\n192.0.2.64/26 dev eth0 src 192.0.2.7\n}\nvirtual_rules {\nfrom 192.0.2.64/26 table 7\n}')}`,
    check: (r) => {
      assert.deepEqual(x(r).staticRules.map((s) => [s.family, s.from, s.to, s.action, s.table, s.goto, s.preference, s.fwmark, s.fwmask, s.not]), [
        [4, '192.0.2.0/24', undefined, 'table', '100', undefined, 16384, undefined, undefined, false],
        [4, undefined, '198.51.100.0/24', 'table', 'main', undefined, 100, undefined, undefined, false],
        [4, '0.0.0.0/0', undefined, 'table', '5', undefined, 16383, 16, 255, false],
        [6, '2001:db8::/32', undefined, 'goto', undefined, 200, 7, undefined, undefined, true],
      ]);
      assert.deepEqual(ix(r).virtualRoutes.map((v) => [v.dst, v.dev, v.src]), [['192.0.2.64', 'eth0', '192.0.2.7']]);
      assert.deepEqual(ix(r).virtualRules.map((v) => v.preference), [16382]);
    },
    diags: ['Rule has no preference specified - setting to 16384.', 'Rule has no preference specified - setting to 16383.', 'Unknown rule option bogus', 'Rule has no preference specified - setting to 16382.'],
  },
  // ---- vrrp_instance extras
  {
    name: 'vrrp_instance extras and deprecated spellings',
    text: vi('use_vmac vrrp77 00:00:5e:00:01:4d\nvmac_xmit_base\nno_virtual_ipaddress\nunicast_fault_no_peer\ntrack_src_ip\nvrf blue\nvmac_garp_intvl all 30\nowner_ignore_adverts\nthread_timer_expired\nold_unicast_checksum never\npromote_secondaries\nnotify_priority_changes yes\nkernel_rx_buf_size 65536\nlinkbeat_use_polling\nlvs_sync_daemon_interface eth0'),
    check: (r) => {
      const e = ix(r);
      assert.deepEqual(e.useVmac, { ifname: 'vrrp77', mac: '00:00:5e:00:01:4d', netlinkNotifyMsg: false });
      assert.deepEqual([e.vmacXmitBase, e.noVirtualIpaddress, e.unicastFaultNoPeer, e.trackSrcIp, e.vrf, e.garpExtraIf, e.ownerIgnoreAdverts, e.timerExpiredBackupPrio, e.oldUnicastChecksum, e.promoteSecondaries, e.notifyPriorityChanges, e.kernelRxBufSize, e.lvsSyncDaemonInterface], [true, true, true, true, 'blue', { all: true, intervalS: 30 }, true, 254, 'never', true, true, 65536, 'eth0']);
    },
    diags: ['Keyword "vmac_garp_intvl" is deprecated - please use "garp_extra_if"', 'Keyword "thread_timer_expired" is deprecated - please use "timer_expired_backup"', "(VI_1) 'linkbeat_use_polling' in vrrp instance deprecated - use linkbeat_interfaces block", '(VI_1) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.'],
  },
  {
    name: 'use_vmac default name, ipvlan, native_ipv6 with IPv4',
    text: vi('use_vmac\nnative_ipv6') + vi('use_ipvlan 192.0.2.99/24 private', 'VI_2', 8),
    check: (r) => {
      assert.equal(ix(r, 0).useVmac!.ifname, 'vrrp.7');
      assert.deepEqual(ix(r, 1).useIpvlan, { ifname: 'vrrp.8', mode: 'private', address: '192.0.2.99/24' });
    },
    diags: ['(VI_1) Cannot specify native_ipv6 with IPv4 addresses'],
  },
  {
    name: 'no_virtual_ipaddress allows v3 without VIPs',
    text: 'vrrp_instance A {\ninterface eth0\nvirtual_router_id 3\nversion 3\nno_virtual_ipaddress\n}\n',
    check: (r) => assert.equal(r.config.vrrpInstances[0]!.vips.length, 0),
    diags: [],
  },
  {
    name: 'auth_hmac',
    text: vi('auth_hmac {\nkey 1 hex:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\nkey 2 short\nactive_key 1\nmode permissive\nanti_replay monotonic\n}'),
    check: (r) => assert.deepEqual(ix(r).authHmac, { keys: [{ id: 1, value: 'hex:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' }], activeKey: 1, antiReplay: 'monotonic', mode: 'permissive' }),
    diags: ['auth_hmac key 2 must be 32 to 64 bytes long - ignoring'],
  },
  // ---- global_defs and top level
  {
    name: 'global_defs extras with keepalived ranges',
    text: `global_defs {\nvrrp_vmac_garp_intvl 10\nlvs_flush_onstop\nvrrp_rlimit_rtime 1000\nenable_snmp_keepalived\nlvs_process_name x\nvrrp_garp_extra_if 90000\nvrrp_priority 30\nvrrp_rt_priority 100\nmax_auto_priority 100\nstartup_script_timeout 0\nvrrp_rx_bufs_policy FOO\nnftables\nnftables_counters\nvrrp_iptables IN OUT\nlvs_sync_daemon eth0 VI_1 id 5 port 9000\nlvs_timeouts tcp 900 udp 30\nvrrp_cpu_affinity 0 2\numask IRUSR|IWUSR\njson_version 2\ndynamic_interfaces allow_if_changes\nvrrp_netlink_cmd_rcv_bufs 1048576\nsmtp_helo_name mail\n}\n${vi()}`,
    check: (r) => {
      const g = gx(r);
      assert.deepEqual([g.vrrpGarpExtraIf, g.lvsFlushOnStop, g.vrrpProcess, g.enableSnmpVrrp, g.checkerProcess?.processName], [{ all: false, intervalS: 10 }, 'all', { rlimitRttime: 1000, rtPriority: 99, cpuAffinity: [0, 2] }, true, 'x']);
      assert.deepEqual([g.nftables, g.nftablesCounters, g.vrrpIptables, g.lvsSyncDaemon, g.lvsTimeouts, g.umask, g.jsonVersion, g.dynamicInterfaces, g.rcvBufs, g.smtpHeloName], ['keepalived', true, ['IN', 'OUT'], { interface: 'eth0', vrrpInstance: 'VI_1', syncId: 5, port: 9000 }, { tcpS: 900, udpS: 30 }, 0o600, 2, { allowIfChanges: true }, { vrrp_netlink_cmd_rcv_bufs: 1048576 }, 'mail']);
    },
    diags: [
      'Keyword "vrrp_vmac_garp_intvl" is deprecated - please use "vrrp_garp_extra_if"',
      'Keyword "lvs_flush_onstop" is deprecated - please use "lvs_flush_on_stop"',
      'Keyword "vrrp_rlimit_rtime" is deprecated - please use "vrrp_rlimit_rttime"',
      'Keyword "enable_snmp_keepalived" is deprecated - please use "enable_snmp_vrrp"',
      'Keyword "lvs_process_name" is deprecated - please use "checker_process_name"',
      "number '90000' outside range [1, 86400]",
      "vrrp_garp_extra_if '90000' invalid - ignoring",
      'Invalid vrrp process priority specified',
      'vrrp process real-time priority 100 greater than maximum 99 - setting to maximum',
      "max_auto_priority '100' must be in [0, 99] (or -1 to disable) - ignoring",
      "startup_script_timeout '0' must be in [1, 1000] - ignoring",
      'Invalid vrrp_rx_bufs_policy FOO',
      "iptables not supported, using nftables instead. Please replace 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option",
    ],
  },
  {
    name: 'top-level keywords',
    text: `net_namespace blue\nnet_namespace_ipvs\ninstance i1\nuse_pid_dir\nchild_wait_time 2.5\nlinkbeat_use_polling\nlinkbeat_interfaces {\neth0 MII\neth1\neth2 FOO\n}\ninterface_up_down_delays {\neth0 2\neth1 1 3\n}\ntrack_group TG {\ngroup {\nVI_1\n}\n}\n${vi()}`,
    check: (r) => {
      const t = x(r);
      assert.deepEqual([t.netNamespace, t.netNamespaceIpvs, t.instance, t.usePidDir, t.childWaitTimeS, t.linkbeatUsePolling], ['blue', '', 'i1', true, 2.5, true]);
      assert.deepEqual(t.linkbeatInterfaces, [{ name: 'eth0', method: 'MII' }, { name: 'eth1', method: 'ETHTOOL' }]);
      assert.deepEqual(t.interfaceUpDownDelays, [{ name: 'eth0', downDelayS: 2, upDelayS: 2 }, { name: 'eth1', downDelayS: 1, upDelayS: 3 }]);
      assert.deepEqual(t.trackGroups.map((g) => [g.name, g.members]), [['TG', ['VI_1']]]);
    },
    diags: ['Unknown linkbeat type FOO for interface eth2'],
  },
];

for (const r of rows) {
  test(`extra: ${r.name}`, () => {
    const res = parse(r.text, r.files);
    const got = res.diagnostics.map((d) => d.message);
    assert.equal(got.length, r.diags.length, got.join(' | '));
    r.diags.forEach((s, i) => assert.ok(got[i]!.includes(s), `${got[i]!} ∌ ${s}`));
    for (const d of res.diagnostics) assert.ok(d.loc && d.loc.line >= 1, `${d.message} has a location`);
    r.check(res);
  });
}

// ---- script security (exit 6 class), as Debian 2.2.7 decides it ----------------------

const security = (ds: readonly Diagnostic[]): Diagnostic | undefined => ds.find((d) => d.code === 'KA_CFG_SCRIPT_SECURITY');
const EXISTS = { '/bin/true': '', '/etc/k/n.sh': '' };

const securityRows: ReadonlyArray<[string, string, boolean]> = [
  ['vrrp_script run as root (even untracked)', 'vrrp_script chk {\nscript /bin/true\n}\n', true],
  ['notify script as root', vi('notify_master /bin/true'), true],
  ['explicit root user', vi('notify_master /bin/true root'), true],
  ['non-root user on the script', vi('notify_master /bin/true nobody'), false],
  ['non-root script_user', 'global_defs {\nscript_user nobody\n}\n' + vi('notify_master /etc/k/n.sh'), false],
  ['vrrp_script user keyword', 'vrrp_script chk {\nscript /bin/true\nuser nobody\n}\n', false],
  ['enable_script_security', SECURE + vi('notify_master /bin/true'), false],
  ['missing script file is disabled, not counted', vi('notify_master /usr/local/bin/missing.sh'), false],
  ['sync group notify', vi('') + vi('', 'VI_2', 8) + 'vrrp_sync_group G {\ngroup {\nVI_1\nVI_2\n}\nnotify /etc/k/n.sh\n}\n', true],
];

for (const [name, text, expected] of securityRows) {
  test(`script security: ${name}`, () => {
    const r = parse(text, EXISTS);
    const d = security(r.diagnostics);
    assert.equal(d !== undefined, expected, r.diagnostics.map((x) => x.message).join(' | '));
    if (d) {
      assert.equal(d.message, 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.');
      assert.equal(d.class, 'security');
      assert.equal(configTestExitCode(r.diagnostics), 6);
    }
  });
}

test('no VRRP-side keyword row is left unsupported', () => {
  const tables = [TOP_LEVEL_TABLE, GLOBAL_DEFS_TABLE, VRRP_INSTANCE_TABLE, VRRP_SYNC_GROUP_TABLE, VRRP_SCRIPT_TABLE, TRACK_FILE_TABLE, TRACK_PROCESS_TABLE, BFD_INSTANCE_TABLE, GARP_GROUP_TABLE];
  const left = tables.flatMap((t) => [...t.defs.values()].filter((d) => d.form.type === 'unsupported').map((d) => `${t.block}:${d.name}`));
  assert.deepEqual(left, []);
  assert.ok(TOP_LEVEL_TABLE.defs.has('vrrp_script') && GLOBAL_DEFS_TABLE.defs.size >= 140);
});

/** The model without locations and original line text, which printing cannot keep. */
const comparable = (c: LoadResult['config']): unknown =>
  JSON.parse(JSON.stringify({ ...c, files: [] }, function (this: Record<string, unknown>, k: string, v: unknown) {
    return k === 'loc' || (k === 'text' && ('prefixLen' in this || 'dstLen' in this || 'preference' in this)) ? undefined : v;
  }));

for (const r of rows) {
  test(`round trip (print, re-parse, same model): ${r.name}`, () => {
    const first = parse(r.text, r.files).config;
    const printed = printConfig(first, { showSecrets: true });
    const second = parse(printed, r.files);
    assert.deepEqual(comparable(second.config), comparable(first), printed);
  });
}
