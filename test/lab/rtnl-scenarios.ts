/**
 * The keepalived configs whose routes and rules are captured as fixtures
 * (test/lab/capture-keepalived-rtnl.ts → test/fixtures/rtnl/NAME.json): every option of
 * keepalived.conf(5)'s virtual_routes / virtual_rules / static_routes / static_rules that the
 * kernel here accepts. h1 = 192.0.2.11/24 and 2001:db8::b/64 on eth0 (ifindex 2).
 */
import type { CaptureRunSpec } from './keepalived-capture.js';

export interface RtnlCaptureScenario extends CaptureRunSpec {
  readonly description: string;
}

function conf(routerId: string, priority: number, block: string): string {
  return `global_defs {
  router_id ${routerId}
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/32
  }
${block}}
`;
}

const VIRTUAL = `  virtual_routes {
    198.51.100.0/25 via 192.0.2.1 dev eth0
    203.0.113.0/25 dev eth0 table 100 metric 5 scope link protocol bird
    203.0.113.128/25 via 192.0.2.2 dev eth0 table 100 mtu lock 1400 advmss 1360 rtt 300 rttvar 250 reordering 5 window 65535 cwnd 10 ssthresh 20 realms 7 initcwnd 11 initrwnd 12 features ecn quickack 1 congctl reno fastopen_no_cookie 1 hoplimit 64 rto_min 200
    blackhole 198.51.100.128/26 table 101
    unreachable 198.51.100.200/32 table 101
    prohibit 198.51.100.201/32 table 101
    throw 198.51.100.202/32 table 101
    198.51.100.192/29 table 102 nexthop via 192.0.2.1 dev eth0 weight 1 nexthop via 192.0.2.2 dev eth0 weight 3
    203.0.113.200/32 src 192.0.2.11 via 198.51.100.1 dev eth0 onlink table 103 tos 0x10
    2001:db8:1::/64 via 2001:db8::1 dev eth0 pref high
    2001:db8:2::/64 dev eth0 table 100 metric 1024 pref low
    2001:db8:3::/64 from 2001:db8::/64 dev eth0 table 100
    203.0.113.201/32 dev eth0 table 103 append
  }
  virtual_rules {
    from 192.0.2.100 table 100 priority 100
    to 198.51.100.0/24 table 101 priority 101
    from 192.0.2.0/24 to 203.0.113.0/24 iif eth0 oif lo fwmark 0x10/0xff tos 0x10 table 102 priority 102
    uidrange 1000-2000 table 100 priority 103
    not from 192.0.2.5 table 100 priority 104
    from 192.0.2.6 goto 110 priority 105
    from 192.0.2.7 nop priority 106
    blackhole from 192.0.2.8 priority 107
    unreachable from 192.0.2.12 priority 108
    prohibit from 192.0.2.13 priority 109
    from 192.0.2.9 table 100 suppress_prefixlength 24 priority 110
    table 100 suppress_ifgroup 5 priority 111
    from 192.0.2.10 realms 5/6 table 100 priority 112
    from 192.0.2.14 tunnel-id 7 table 100 priority 113
    l3mdev priority 114
    protocol 12 ipproto udp sport 10-20 dport 20-30 table 100 priority 115
    from 2001:db8::/64 table 100 priority 200
  }
`;

const EXTRA = `  virtual_routes {
    203.0.113.64/26 encap ip id 5 dst 198.51.100.9 ttl 7 tos 4 dev eth0 table 1000
    2001:db8:9::/64 encap ip6 id 6 dst 2001:db8::9 hoplimit 7 tc 2 dev eth0 table 105
    203.0.113.0/26 via 192.0.2.1 dev eth0 table 106 ttl-propagate disabled
    2001:db8:8::/64 via 2001:db8::1 dev eth0 table 106 expires 300
    198.51.100.128/26 table 108 nexthop via 192.0.2.1 dev eth0 onlink weight 2 nexthop via 192.0.2.2 dev eth0 weight 256
    203.0.113.128/26 dev eth0 table 109 scope host
    203.0.113.192/26 via 192.0.2.1 dev eth0 table 111 no_track protocol bird
  }
  virtual_rules {
    from 192.0.2.100 table 1000 priority 100
    from 192.0.2.101 table 100 priority 101 no_track protocol bird
  }
`;

export const RTNL_CAPTURE_SCENARIOS: readonly RtnlCaptureScenario[] = [
  {
    name: 'virtual-routes-rules',
    description: 'virtual_routes and virtual_rules with every common option; failover to a peer and back',
    config: conf('h1', 150, VIRTUAL),
    instances: 1,
    peerConfig: conf('h2', 200, ''),
  },
  {
    name: 'virtual-routes-extra',
    description: 'encap ip/ip6, a table above 255, ttl-propagate, expires, nexthop onlink and weight 256, scope host, no_track keeps the protocol',
    config: conf('h1', 150, EXTRA),
    instances: 1,
  },
  {
    name: 'static-routes-rules',
    description: 'static_routes and static_rules: installed at start, whatever the state, removed at stop',
    config: `global_defs {
  router_id h1
}
static_routes {
  198.51.100.0/25 via 192.0.2.1 dev eth0 table 120
  2001:db8:5::/64 via 2001:db8::1 dev eth0 table 120
}
static_rules {
  from 192.0.2.50 table 120 priority 150
  from 2001:db8::50 table 120 priority 150
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/32
  }
}
`,
    instances: 1,
  },
  {
    name: 'vmac-links',
    description: 'use_vmac on an IPv4 and an IPv6 instance with all.rp_filter=1: VMAC creation, per-interface settings, deletion at stop',
    config: `global_defs {
  router_id h1
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  use_vmac
  virtual_ipaddress {
    192.0.2.100/32
  }
}
vrrp_instance VI_6 {
  state BACKUP
  interface eth0
  virtual_router_id 52
  priority 150
  advert_int 1
  use_vmac
  virtual_ipaddress {
    2001:db8::100/64
  }
}
`,
    instances: 2,
    before: [['sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=1']],
  },
];
