/**
 * The IPVS generic netlink protocol under its kernel names (include/uapi/linux/ip_vs.h).
 * Each enum starts at 0 with an *_UNSPEC member, so the values below are the enum
 * positions in that header; the attribute types (u16, be16, …) are the kernel's
 * ip_vs_*_policy and ip_vs_genl_fill_* choices in net/netfilter/ipvs/ip_vs_ctl.c.
 */

export const IPVS_GENL_NAME = 'IPVS';
export const IPVS_GENL_VERSION = 1;

// enum IPVS_CMD_*
export const IPVS_CMD_NEW_SERVICE = 1;
export const IPVS_CMD_SET_SERVICE = 2;
export const IPVS_CMD_DEL_SERVICE = 3;
export const IPVS_CMD_GET_SERVICE = 4;
export const IPVS_CMD_NEW_DEST = 5;
export const IPVS_CMD_SET_DEST = 6;
export const IPVS_CMD_DEL_DEST = 7;
export const IPVS_CMD_GET_DEST = 8;
export const IPVS_CMD_NEW_DAEMON = 9;
export const IPVS_CMD_DEL_DAEMON = 10;
export const IPVS_CMD_GET_DAEMON = 11;
export const IPVS_CMD_SET_CONFIG = 12;
export const IPVS_CMD_GET_CONFIG = 13;
/** Only the command of GET_INFO's reply. */
export const IPVS_CMD_SET_INFO = 14;
export const IPVS_CMD_GET_INFO = 15;
export const IPVS_CMD_ZERO = 16;
export const IPVS_CMD_FLUSH = 17;

// enum IPVS_CMD_ATTR_* (first level)
export const IPVS_CMD_ATTR_SERVICE = 1;
export const IPVS_CMD_ATTR_DEST = 2;
export const IPVS_CMD_ATTR_DAEMON = 3;
export const IPVS_CMD_ATTR_TIMEOUT_TCP = 4;
export const IPVS_CMD_ATTR_TIMEOUT_TCP_FIN = 5;
export const IPVS_CMD_ATTR_TIMEOUT_UDP = 6;

// enum IPVS_SVC_ATTR_* (inside IPVS_CMD_ATTR_SERVICE)
export const IPVS_SVC_ATTR_AF = 1; // u16
export const IPVS_SVC_ATTR_PROTOCOL = 2; // u16
export const IPVS_SVC_ATTR_ADDR = 3; // union nf_inet_addr (16 bytes)
export const IPVS_SVC_ATTR_PORT = 4; // be16
export const IPVS_SVC_ATTR_FWMARK = 5; // u32
export const IPVS_SVC_ATTR_SCHED_NAME = 6; // NUL string
export const IPVS_SVC_ATTR_FLAGS = 7; // struct ip_vs_flags { u32 flags; u32 mask; }
export const IPVS_SVC_ATTR_TIMEOUT = 8; // u32 seconds
export const IPVS_SVC_ATTR_NETMASK = 9; // be32 (IPv4 mask) / prefix length (IPv6)
export const IPVS_SVC_ATTR_STATS = 10;
export const IPVS_SVC_ATTR_PE_NAME = 11; // NUL string
export const IPVS_SVC_ATTR_STATS64 = 12;

// enum IPVS_DEST_ATTR_* (inside IPVS_CMD_ATTR_DEST)
export const IPVS_DEST_ATTR_ADDR = 1; // union nf_inet_addr
export const IPVS_DEST_ATTR_PORT = 2; // be16
export const IPVS_DEST_ATTR_FWD_METHOD = 3; // u32
export const IPVS_DEST_ATTR_WEIGHT = 4; // u32
export const IPVS_DEST_ATTR_U_THRESH = 5; // u32
export const IPVS_DEST_ATTR_L_THRESH = 6; // u32
export const IPVS_DEST_ATTR_ACTIVE_CONNS = 7;
export const IPVS_DEST_ATTR_INACT_CONNS = 8;
export const IPVS_DEST_ATTR_PERSIST_CONNS = 9;
export const IPVS_DEST_ATTR_STATS = 10;
export const IPVS_DEST_ATTR_ADDR_FAMILY = 11; // u16
export const IPVS_DEST_ATTR_STATS64 = 12;
export const IPVS_DEST_ATTR_TUN_TYPE = 13; // u8
export const IPVS_DEST_ATTR_TUN_PORT = 14; // be16
export const IPVS_DEST_ATTR_TUN_FLAGS = 15; // u16

// enum IPVS_DAEMON_ATTR_* (inside IPVS_CMD_ATTR_DAEMON)
export const IPVS_DAEMON_ATTR_STATE = 1; // u32
export const IPVS_DAEMON_ATTR_MCAST_IFN = 2; // NUL string
export const IPVS_DAEMON_ATTR_SYNC_ID = 3; // u32
export const IPVS_DAEMON_ATTR_SYNC_MAXLEN = 4; // u16
export const IPVS_DAEMON_ATTR_MCAST_GROUP = 5; // in_addr (network order)
export const IPVS_DAEMON_ATTR_MCAST_GROUP6 = 6; // in6_addr
export const IPVS_DAEMON_ATTR_MCAST_PORT = 7; // u16, host order (nla_get_u16)
export const IPVS_DAEMON_ATTR_MCAST_TTL = 8; // u8

// enum IPVS_INFO_ATTR_* (GET_INFO reply)
export const IPVS_INFO_ATTR_VERSION = 1;
export const IPVS_INFO_ATTR_CONN_TAB_SIZE = 2;

/** IP_VS_STATE_* (sync daemon state). */
export const IP_VS_STATE_MASTER = 1;
export const IP_VS_STATE_BACKUP = 2;

/** Tunnel types (IP_VS_CONN_F_TUNNEL_TYPE_*) and encapsulation flags. */
export const IP_VS_CONN_F_TUNNEL_TYPE_IPIP = 0;
export const IP_VS_CONN_F_TUNNEL_TYPE_GUE = 1;
export const IP_VS_CONN_F_TUNNEL_TYPE_GRE = 2;
export const IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM = 0;
export const IP_VS_TUNNEL_ENCAP_FLAG_CSUM = 1;
export const IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM = 2;

/** Scheduler flags under their scheduler-specific names (IP_VS_SVC_F_SCHED1..3). */
export const IP_VS_SVC_F_SCHED_SH_FALLBACK = 0x0008;
export const IP_VS_SVC_F_SCHED_SH_PORT = 0x0010;
export const IP_VS_SVC_F_SCHED_MH_FALLBACK = 0x0008;
export const IP_VS_SVC_F_SCHED_MH_PORT = 0x0010;

/** IP_VS_CONN_F_FWD_MASK: the forwarding method bits of a dest's conn_flags. */
export const IP_VS_CONN_F_FWD_MASK = 0x0007;
export const IP_VS_SCHEDNAME_MAXLEN = 16;
export const IP_VS_PENAME_MAXLEN = 16;
export const IP_VS_IFNAME_MAXLEN = 16;
