/**
 * FIFO lines for notify_fifo / vrrp_notify_fifo / lvs_notify_fifo (keepalived.conf(5)):
 * VRRP instance and group lines (built by notify-args.ts fifoLine), and the checker's
 * `VS <vs> UP|DOWN` (quorum) and `RS <rs> <vs> UP|DOWN` lines. Every line is
 * `\n`-terminated with no NUL (released keepalived). Also keepalived's FMT_RS name.
 * Pure; which FIFO gets a line is fifoTargets' decision, delivery is fifo-writer.ts.
 */
import type { LvsEndpoint, LvsProtocol, RealServerConfig, VirtualServerConfig } from '../config/lvs/model.js';
import { assertNever } from '../core/result.js';
import { fifoLine } from './notify-args.js';
import type { NotifyState } from './notify-args.js';

/** VRRP instance FIFO states: notify states plus the event-only ones. */
export type VrrpFifoState = NotifyState | 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY';

export type FifoEvent =
  | { readonly type: 'instance'; readonly name: string; readonly state: VrrpFifoState; readonly priority: number }
  | { readonly type: 'group'; readonly name: string; readonly state: Exclude<NotifyState, 'DELETED'> }
  /** Quorum of a virtual server; `vs` is VirtualServerConfig.name. */
  | { readonly type: 'vs'; readonly vs: string; readonly up: boolean }
  /** A real server; `rs` from realServerName, `vs` is VirtualServerConfig.name. */
  | { readonly type: 'rs'; readonly rs: string; readonly vs: string; readonly up: boolean };

export function fifoEventLine(e: FifoEvent): string {
  switch (e.type) {
    case 'instance':
      return fifoLine('INSTANCE', e.name, e.state, e.priority);
    case 'group':
      return fifoLine('GROUP', e.name, e.state, 0);
    case 'vs':
      return `VS ${e.vs} ${upDown(e.up)}\n`;
    case 'rs':
      return `RS ${e.rs} ${e.vs} ${upDown(e.up)}\n`;
    default:
      return assertNever(e, 'fifo event');
  }
}

/** Which side of keepalived produces the event: VRRP child or checker child. */
export function fifoEventSide(e: FifoEvent): 'vrrp' | 'lvs' {
  return e.type === 'instance' || e.type === 'group' ? 'vrrp' : 'lvs';
}

const upDown = (up: boolean): string => (up ? 'UP' : 'DOWN');

/**
 * keepalived's trio `[ADDR]:proto:port` (inet_sockaddrtotrio): the protocol is the
 * VS's, `none` when it has none (a fwmark service).
 */
export function endpointTrio(e: LvsEndpoint, protocol: LvsProtocol | undefined): string {
  return `[${e.address}]:${protocol ? protocol.toLowerCase() : 'none'}:${e.port}`;
}

/** FMT_RS: the real server as keepalived names it in FIFO lines and alerts. */
export function realServerName(rs: RealServerConfig, vs: Pick<VirtualServerConfig, 'protocol'>): string {
  return endpointTrio(rs, vs.protocol);
}
