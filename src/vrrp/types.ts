/**
 * VRRP wire-level types shared by the codec, the receive checks and the FSM.
 * RFC 3768 (VRRPv2) §5, RFC 5798 (VRRPv3) §5.
 */
import type { Family } from '../core/ip.js';
import type { ReceivedAh } from './ipsec-ah.js';

/** A received `auth_hmac` trailer (auth-hmac.ts) and the VRRP message it follows (copies). */
export interface ReceivedAuthExt {
  readonly message: Uint8Array;
  readonly trailer: Uint8Array;
}

export const VRRP_PROTO = 112; // IPPROTO_VRRP
export const VRRP_TTL = 255;
export const VRRP_MCAST_GROUP4 = '224.0.0.18';
export const VRRP_MCAST_GROUP6 = 'ff02::12';

/** v2 Auth Type field (RFC 3768 §5.3.6; keepalived still speaks PASS and AH). */
export const AUTH_NONE = 0;
export const AUTH_PASS = 1;
export const AUTH_AH = 2;

/** One decoded VRRP advertisement (the VRRP payload; the IP header is described separately). */
export interface VrrpAdvert {
  readonly version: 2 | 3;
  readonly family: Family;
  readonly vrid: number;
  readonly priority: number;
  /**
   * Advertisement interval in centiseconds: v2 carries whole seconds (×100 here),
   * v3 carries Max Adver Int in centiseconds (12 bits).
   */
  readonly advertIntCs: number;
  /** v2 Auth Type (0 none, 1 PASS, 2 AH); always 0 for v3. */
  readonly authType: number;
  /** v2 authentication data (8 bytes) or null for v3. */
  readonly authData: Uint8Array | null;
  /** Advertised addresses, raw (4 or 16 bytes each), in packet order. */
  readonly addresses: readonly Uint8Array[];
}

/** What the receive path knows about a datagram besides its VRRP payload. */
export interface AdvertMeta {
  readonly family: Family;
  /** Source address bytes (4 or 16). */
  readonly src: Uint8Array;
  /** Destination address bytes (multicast group or our unicast address). */
  readonly dst: Uint8Array;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  readonly ifindex: number;
  /** IPv4 protocol 51 (`auth_type AH`): the AH header and what its ICV covers; absent otherwise. */
  readonly ah?: ReceivedAh | null;
  /** The `auth_hmac` trailer after the message, when the advert carries one. */
  readonly authExt?: ReceivedAuthExt | null;
}

/**
 * One received datagram, as the kernel reported it (vrrp-socket.ts) and the receive
 * pipeline (receive.ts) reads it.
 * - `data`: IPv4 → the whole IP datagram, header included (TTL, addresses and checksum
 *   inputs are in it); IPv6 → the VRRP payload only (the kernel strips the header and has
 *   already verified the checksum).
 * - `src`: source address (4 or 16 bytes) from msg_name; `scopeId` its sin6_scope_id
 *   (the ifindex for link-local sources; 0 for IPv4).
 * - `dst`: destination from IP(V6)_PKTINFO (group or our unicast address); null if the
 *   kernel gave no pktinfo.
 * - `ttl`: IPv4 TTL (IP_RECVTTL) or IPv6 hop limit (IPV6_RECVHOPLIMIT); null if absent.
 * - `ifindex`: receiving interface (pktinfo, else the socket's interface).
 * - `truncated`: longer than the 64 KiB receive buffer (MSG_TRUNC).
 */
export interface RawVrrpDatagram {
  readonly family: Family;
  readonly data: Uint8Array;
  readonly src: Uint8Array;
  readonly scopeId: number;
  readonly dst: Uint8Array | null;
  readonly ttl: number | null;
  readonly ifindex: number;
  readonly truncated: boolean;
}

/**
 * Why a received advert was dropped. Each has a per-instance (or per-socket, before the
 * instance is known) counter; names follow keepalived's stats where one exists.
 */
export type DropReason =
  | 'packet-too-short' // keepalived: Packet Errors: Length
  | 'length-mismatch' // IP total length / address count inconsistent with size
  | 'ip-header' // IPv4 header malformed (IHL, protocol)
  | 'ttl' // TTL/hop limit != 255 on multicast (Packet Errors: TTL)
  | 'version' // version differs from ours / unknown
  | 'invalid-type' // type != 1 (Packet Errors: Invalid Type)
  | 'checksum'
  | 'vrid-unknown' // no instance for this VRID on this interface
  | 'auth-invalid-type' // Authentication Errors: Invalid Type
  | 'auth-type-mismatch' // Authentication Errors: Type Mismatch
  | 'auth-failure' // Authentication Errors: Failure (wrong password; AH: ICV, SPI or sequence number)
  | 'ah-next-header' // an AH header for another protocol than VRRP: keepalived ignores it, uncounted
  | 'auth-ext-missing' // auth_hmac: no trailer (Authentication Extension Errors: Missing)
  | 'auth-ext-malformed' // auth_hmac: unknown scheme or reserved bytes set (Malformed)
  | 'auth-ext-unknown-key' // auth_hmac: key id not configured (Unknown Key)
  | 'auth-ext-bad-hmac' // auth_hmac: HMAC does not verify (Invalid HMAC)
  | 'auth-ext-stale' // auth_hmac: timestamp outside the window (Stale)
  | 'auth-ext-replay' // auth_hmac: sequence not above the sender's last (Replay)
  | 'advert-interval' // v2 interval differs (Packet Errors: Advertisement Interval)
  | 'address-list' // VIP count/list differs (Packet Errors: Address List) — 2.2.7 drops
  | 'own-packet' // our own advert looped back
  | 'unicast-src' // unicast source not a configured peer
  | 'family' // address family mismatch
  | 'cast-mismatch'; // multicast advert on a unicast instance or vice versa (keepalived counts Address List)

export const DROP_REASONS: readonly DropReason[] = [
  'packet-too-short', 'length-mismatch', 'ip-header', 'ttl', 'version', 'invalid-type', 'checksum', 'vrid-unknown',
  'auth-invalid-type', 'auth-type-mismatch', 'auth-failure', 'ah-next-header', 'auth-ext-missing', 'auth-ext-malformed', 'auth-ext-unknown-key',
  'auth-ext-bad-hmac', 'auth-ext-stale', 'auth-ext-replay', 'advert-interval', 'address-list', 'own-packet', 'unicast-src', 'family',
  'cast-mismatch',
];

/** VRRP header size before the addresses (both versions), and the v2 trailing auth data size. */
export const VRRP_HEADER_LEN = 8;
export const VRRP_AUTH_DATA_LEN = 8;
/** The `auth_hmac` trailer after the VRRP message (auth-hmac.ts). */
export const VRRP_AUTH_EXT_LEN = 28;
export const VRRP_TYPE_ADVERT = 1;
/** v3 Max Adver Int is 12 bits of centiseconds. */
export const VRRP_V3_MAX_ADVERT_INT_CS = 0x0fff;
export const VRRP_MAX_ADDRESSES = 255;

/**
 * How a VRRPv3 checksum is computed (v2 never uses a pseudo-header):
 * - 'pseudo-header': RFC 5798 §5.2.8, IPv4/IPv6 pseudo-header with the datagram's real destination;
 * - 'v2-style': no pseudo-header (keepalived `v3_checksum_as_v2`, 2.2.8+; interop with some vendors);
 * - 'old-unicast': pseudo-header whose destination is the multicast group even for unicast
 *   (keepalived ≤ 1.3.6; `old_unicast_checksum`, auto-detected on receive).
 */
export type ChecksumMode = 'pseudo-header' | 'v2-style' | 'old-unicast';

/** A structurally valid advert plus what the decoder learned while checking it. */
export interface DecodedAdvert extends VrrpAdvert {
  /** The checksum as carried in the packet. */
  readonly checksum: number;
  /** Which computation matched (v2: always 'v2-style'); lets the runtime switch to old-unicast on auto-detect. */
  readonly checksumMode: ChecksumMode;
  /** The `auth_hmac` trailer, when the payload is exactly one trailer longer than the message. */
  readonly authExt: ReceivedAuthExt | null;
}
