/**
 * The VRRP child's receive pipeline, pure: a datagram as the socket delivers it → the instances
 * it is for, or a drop with its reason (RFC 3768 §7.1, RFC 5798 §7.1).
 */
import { ipBytes } from '../core/ip.js';
import type { VrrpInstanceConfig } from '../config/model.js';
import type { InstanceAuth, ReceiveContext } from './advert-check.js';
import { advertisedVips } from './instance-advert.js';
import { passwordAuthData } from './packet.js';

function authOf(cfg: VrrpInstanceConfig): InstanceAuth {
  if (cfg.version !== 2 || !cfg.auth) return { type: 'none' };
  return cfg.auth.type === 'PASS' ? { type: 'pass', password: passwordAuthData(cfg.auth.pass) } : { type: 'ah' };
}

export function receiveContext(
  cfg: VrrpInstanceConfig,
  ownAddresses: readonly Uint8Array[],
  lastMasterSrc: Uint8Array | null,
  strictAddressList: boolean,
): ReceiveContext {
  return {
    name: cfg.name,
    version: cfg.version,
    vrid: cfg.vrid,
    family: cfg.family,
    advertIntCs: cfg.advertIntCs,
    auth: authOf(cfg),
    vips: advertisedVips(cfg),
    unicast: cfg.unicastPeers.length > 0,
    unicastPeers: cfg.unicastPeers.map((p) => ipBytes(p.address)),
    checkUnicastSrc: cfg.checkUnicastSrc,
    skipCheckAdvAddr: cfg.skipCheckAdvAddr,
    lastMasterSrc,
    ownAddresses,
    strictAddressList,
  };
}
