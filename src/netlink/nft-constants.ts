/**
 * nf_tables over nfnetlink: constants under their kernel names (linux/netlink.h,
 * linux/netfilter/nfnetlink.h, linux/netfilter/nf_tables.h, linux/netfilter.h) and the
 * nft datatype numbers of nftables' userspace (src/datatype.h) that sets carry as key types.
 * Unlike rtnetlink, nf_tables attributes carry integers in network byte order.
 */

export const NETLINK_NETFILTER = 12;

// --- nfnetlink.h ---
export const NFNETLINK_V0 = 0;
export const NFNL_SUBSYS_NFTABLES = 10;
/** NLMSG_MIN_TYPE and NLMSG_MIN_TYPE + 1: frame a transaction. */
export const NFNL_MSG_BATCH_BEGIN = 0x10;
export const NFNL_MSG_BATCH_END = 0x11;
export const NFGENMSG_LEN = 4;
/** Multicast group of ruleset change notifications (`nft monitor`). */
export const NFNLGRP_NFTABLES = 7;

// --- enum nf_tables_msg_types ---
export const NFT_MSG_NEWTABLE = 0;
export const NFT_MSG_GETTABLE = 1;
export const NFT_MSG_DELTABLE = 2;
export const NFT_MSG_NEWCHAIN = 3;
export const NFT_MSG_GETCHAIN = 4;
export const NFT_MSG_DELCHAIN = 5;
export const NFT_MSG_NEWRULE = 6;
export const NFT_MSG_GETRULE = 7;
export const NFT_MSG_DELRULE = 8;
export const NFT_MSG_NEWSET = 9;
export const NFT_MSG_GETSET = 10;
export const NFT_MSG_DELSET = 11;
export const NFT_MSG_NEWSETELEM = 12;
export const NFT_MSG_GETSETELEM = 13;
export const NFT_MSG_DELSETELEM = 14;
export const NFT_MSG_NEWGEN = 15;

/** nlmsg_type of an nf_tables message: subsystem in the high byte. */
export const nftMsgType = (msg: number): number => (NFNL_SUBSYS_NFTABLES << 8) | msg;

// --- netfilter.h: protocol families (nfgen_family) ---
export const NFPROTO_UNSPEC = 0;
export const NFPROTO_INET = 1;
export const NFPROTO_IPV4 = 2;
export const NFPROTO_ARP = 3;
export const NFPROTO_NETDEV = 5;
export const NFPROTO_BRIDGE = 7;
export const NFPROTO_IPV6 = 10;

// --- enum nf_inet_hooks ---
export const NF_INET_PRE_ROUTING = 0;
export const NF_INET_LOCAL_IN = 1;
export const NF_INET_FORWARD = 2;
export const NF_INET_LOCAL_OUT = 3;
export const NF_INET_POST_ROUTING = 4;

// --- verdicts: netfilter.h NF_*, nf_tables.h enum nft_verdicts ---
export const NF_DROP = 0;
export const NF_ACCEPT = 1;
export const NFT_CONTINUE = -1;
export const NFT_BREAK = -2;
export const NFT_JUMP = -3;
export const NFT_GOTO = -4;
export const NFT_RETURN = -5;

// --- enum nft_registers ---
export const NFT_REG_VERDICT = 0;
export const NFT_REG_1 = 1;
export const NFT_REG_2 = 2;
export const NFT_REG_3 = 3;
export const NFT_REG_4 = 4;

// --- attributes ---
export const NFTA_LIST_ELEM = 1;
export const NFTA_HOOK_HOOKNUM = 1;
export const NFTA_HOOK_PRIORITY = 2;

export const NFTA_TABLE_NAME = 1;
export const NFTA_TABLE_FLAGS = 2;
export const NFTA_TABLE_USE = 3;
export const NFTA_TABLE_HANDLE = 4;

export const NFTA_CHAIN_TABLE = 1;
export const NFTA_CHAIN_HANDLE = 2;
export const NFTA_CHAIN_NAME = 3;
export const NFTA_CHAIN_HOOK = 4;
export const NFTA_CHAIN_POLICY = 5;
export const NFTA_CHAIN_USE = 6;
export const NFTA_CHAIN_TYPE = 7;
export const NFTA_CHAIN_FLAGS = 10;

export const NFTA_RULE_TABLE = 1;
export const NFTA_RULE_CHAIN = 2;
export const NFTA_RULE_HANDLE = 3;
export const NFTA_RULE_EXPRESSIONS = 4;
export const NFTA_RULE_POSITION = 6;
export const NFTA_RULE_USERDATA = 7;

export const NFTA_SET_TABLE = 1;
export const NFTA_SET_NAME = 2;
export const NFTA_SET_FLAGS = 3;
export const NFTA_SET_KEY_TYPE = 4;
export const NFTA_SET_KEY_LEN = 5;
export const NFTA_SET_DATA_TYPE = 6;
export const NFTA_SET_DATA_LEN = 7;
export const NFTA_SET_POLICY = 8;
export const NFTA_SET_DESC = 9;
export const NFTA_SET_ID = 10;
export const NFTA_SET_USERDATA = 13;
export const NFTA_SET_HANDLE = 16;

export const NFT_SET_ANONYMOUS = 0x1;
export const NFT_SET_CONSTANT = 0x2;
export const NFT_SET_INTERVAL = 0x4;
export const NFT_SET_MAP = 0x8;
export const NFT_SET_TIMEOUT = 0x10;
export const NFT_SET_EVAL = 0x20;
export const NFT_SET_OBJECT = 0x40;
export const NFT_SET_CONCAT = 0x80;

export const NFTA_SET_ELEM_KEY = 1;
export const NFTA_SET_ELEM_DATA = 2;
export const NFTA_SET_ELEM_FLAGS = 3;
export const NFTA_SET_ELEM_LIST_TABLE = 1;
export const NFTA_SET_ELEM_LIST_SET = 2;
export const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
export const NFTA_SET_ELEM_LIST_SET_ID = 4;

export const NFTA_DATA_VALUE = 1;
export const NFTA_DATA_VERDICT = 2;
export const NFTA_VERDICT_CODE = 1;
export const NFTA_VERDICT_CHAIN = 2;

export const NFTA_EXPR_NAME = 1;
export const NFTA_EXPR_DATA = 2;

export const NFTA_IMMEDIATE_DREG = 1;
export const NFTA_IMMEDIATE_DATA = 2;

export const NFTA_BITWISE_SREG = 1;
export const NFTA_BITWISE_DREG = 2;
export const NFTA_BITWISE_LEN = 3;
export const NFTA_BITWISE_MASK = 4;
export const NFTA_BITWISE_XOR = 5;

export const NFTA_CMP_SREG = 1;
export const NFTA_CMP_OP = 2;
export const NFTA_CMP_DATA = 3;
export const NFT_CMP_EQ = 0;
export const NFT_CMP_NEQ = 1;
export const NFT_CMP_LT = 2;
export const NFT_CMP_LTE = 3;
export const NFT_CMP_GT = 4;
export const NFT_CMP_GTE = 5;

export const NFTA_LOOKUP_SET = 1;
export const NFTA_LOOKUP_SREG = 2;
export const NFTA_LOOKUP_DREG = 3;
export const NFTA_LOOKUP_SET_ID = 4;
export const NFTA_LOOKUP_FLAGS = 5;
/** NFT_LOOKUP_F_INV: match when the key is absent. */
export const NFT_LOOKUP_F_INV = 1;

export const NFTA_PAYLOAD_DREG = 1;
export const NFTA_PAYLOAD_BASE = 2;
export const NFTA_PAYLOAD_OFFSET = 3;
export const NFTA_PAYLOAD_LEN = 4;
export const NFT_PAYLOAD_LL_HEADER = 0;
export const NFT_PAYLOAD_NETWORK_HEADER = 1;
export const NFT_PAYLOAD_TRANSPORT_HEADER = 2;

export const NFTA_META_DREG = 1;
export const NFTA_META_KEY = 2;
export const NFTA_META_SREG = 3;
export const NFT_META_LEN = 0;
export const NFT_META_PROTOCOL = 1;
export const NFT_META_MARK = 3;
export const NFT_META_IIF = 4;
export const NFT_META_OIF = 5;
export const NFT_META_IIFNAME = 6;
export const NFT_META_OIFNAME = 7;
export const NFT_META_NFPROTO = 15;
export const NFT_META_L4PROTO = 16;
export const NFT_META_PKTTYPE = 19;
export const NFT_META_IIFKIND = 26;
export const NFT_META_OIFKIND = 27;

export const NFTA_CT_DREG = 1;
export const NFTA_CT_KEY = 2;
export const NFTA_CT_DIRECTION = 3;
export const NFTA_CT_SREG = 4;
export const NFT_CT_STATE = 0;
export const NFT_CT_DIRECTION = 1;
export const NFT_CT_STATUS = 2;
export const NFT_CT_MARK = 3;

export const NFTA_COUNTER_BYTES = 1;
export const NFTA_COUNTER_PACKETS = 2;

export const NFTA_DUP_SREG_ADDR = 1;
export const NFTA_DUP_SREG_DEV = 2;

// --- nftables userspace datatypes (src/datatype.h), as NFTA_SET_KEY_TYPE/DATA_TYPE carry them ---
export const NFT_TYPE_IPADDR = 7;
export const NFT_TYPE_IP6ADDR = 8;
export const NFT_TYPE_IFINDEX = 20;
export const NFT_TYPE_ICMP6_TYPE = 29;
export const NFT_TYPE_IFNAME = 41;
/** Bits per datatype in a concatenated key type (`ipv6_addr . iface_index` = 8 << 6 | 20). */
export const NFT_TYPE_BITS = 6;

/** libnftnl set userdata (NFTNL_UDATA_SET_*): TLVs of u8 type, u8 length, value. */
export const NFTNL_UDATA_SET_KEYBYTEORDER = 0;
export const NFTNL_UDATA_SET_DATABYTEORDER = 1;
/** nftables' enum byteorder, as userdata records it. */
export const BYTEORDER_HOST_ENDIAN = 1;
export const BYTEORDER_BIG_ENDIAN = 2;

/** IFNAMSIZ: interface names in keys and comparisons are this many bytes, NUL padded. */
export const IFNAMSIZ = 16;

const NFT_NAMES: Readonly<Record<number, string>> = {
  [NFT_MSG_NEWTABLE]: 'NFT_MSG_NEWTABLE',
  [NFT_MSG_GETTABLE]: 'NFT_MSG_GETTABLE',
  [NFT_MSG_DELTABLE]: 'NFT_MSG_DELTABLE',
  [NFT_MSG_NEWCHAIN]: 'NFT_MSG_NEWCHAIN',
  [NFT_MSG_GETCHAIN]: 'NFT_MSG_GETCHAIN',
  [NFT_MSG_DELCHAIN]: 'NFT_MSG_DELCHAIN',
  [NFT_MSG_NEWRULE]: 'NFT_MSG_NEWRULE',
  [NFT_MSG_GETRULE]: 'NFT_MSG_GETRULE',
  [NFT_MSG_DELRULE]: 'NFT_MSG_DELRULE',
  [NFT_MSG_NEWSET]: 'NFT_MSG_NEWSET',
  [NFT_MSG_GETSET]: 'NFT_MSG_GETSET',
  [NFT_MSG_DELSET]: 'NFT_MSG_DELSET',
  [NFT_MSG_NEWSETELEM]: 'NFT_MSG_NEWSETELEM',
  [NFT_MSG_GETSETELEM]: 'NFT_MSG_GETSETELEM',
  [NFT_MSG_DELSETELEM]: 'NFT_MSG_DELSETELEM',
  [NFT_MSG_NEWGEN]: 'NFT_MSG_NEWGEN',
};

/** Kernel name of an nfnetlink message type for logs and errors. */
export function nftMsgName(type: number): string {
  if (type === NFNL_MSG_BATCH_BEGIN) return 'NFNL_MSG_BATCH_BEGIN';
  if (type === NFNL_MSG_BATCH_END) return 'NFNL_MSG_BATCH_END';
  if (type >> 8 === NFNL_SUBSYS_NFTABLES) return NFT_NAMES[type & 0xff] ?? `nf_tables type ${type & 0xff}`;
  return `type ${type}`;
}
