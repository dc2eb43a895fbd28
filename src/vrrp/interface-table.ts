/**
 * The VRRP child's view of the host's interfaces and addresses, kept current from netlink
 * dumps and notifications (keepalived's "netlink reflector"). Pure state: the daemon feeds
 * it events and asks which source address an instance uses and whether a link is running.
 */
import { isLinkLocal6, type Family } from '../core/ip.js';
import { IFA_F_SECONDARY, IFA_F_TENTATIVE } from '../netlink/constants.js';
import type { AddrInfo, LinkInfo, RtnlEvent } from '../netlink/rtnl-model.js';

export class InterfaceTable {
  private readonly links = new Map<number, LinkInfo>();
  private readonly addrs = new Map<number, AddrInfo[]>();
  /** addressBytes() results, keyed ifindex × 2 + (IPv6 ? 1 : 0); cleared on any address or link change. */
  private readonly bytesCache = new Map<number, readonly Uint8Array[]>();

  reset(links: readonly LinkInfo[], addrs: readonly AddrInfo[]): void {
    this.bytesCache.clear();
    this.links.clear();
    this.addrs.clear();
    for (const l of links) this.links.set(l.ifindex, l);
    for (const a of addrs) this.addAddr(a);
  }

  /** Applies one notification; returns the ifindex it concerned (or null for resync). */
  apply(ev: RtnlEvent): number | null {
    this.bytesCache.clear();
    switch (ev.type) {
      case 'link': {
        if (ev.deleted) {
          this.links.delete(ev.ifindex);
          this.addrs.delete(ev.ifindex);
        } else {
          const { type: _t, deleted: _d, ...info } = ev;
          this.links.set(ev.ifindex, info);
        }
        return ev.ifindex;
      }
      case 'addr': {
        const { type: _t, deleted, ...info } = ev;
        this.removeAddr(info);
        if (!deleted) this.addAddr(info);
        return ev.ifindex;
      }
      case 'resync':
        return null;
    }
  }

  link(ifindex: number): LinkInfo | undefined {
    return this.links.get(ifindex);
  }

  /** Every link, by ifindex. */
  allLinks(): LinkInfo[] {
    return [...this.links.values()].sort((a, b) => a.ifindex - b.ifindex);
  }

  linkByName(name: string): LinkInfo | undefined {
    for (const l of this.links.values()) if (l.name === name) return l;
    return undefined;
  }

  addresses(ifindex: number, family?: Family): readonly AddrInfo[] {
    const all = this.addrs.get(ifindex) ?? [];
    return family === undefined ? all : all.filter((a) => a.family === family);
  }

  /**
   * Our addresses on an interface as raw bytes (adverts from them are our own). Called for
   * every received advert, so the list is built once per change of the table, not per packet.
   */
  addressBytes(ifindex: number, family: Family): readonly Uint8Array[] {
    const key = ifindex * 2 + (family === 6 ? 1 : 0);
    let list = this.bytesCache.get(key);
    if (list === undefined) {
      list = this.addresses(ifindex, family).map((a) => a.bytes);
      this.bytesCache.set(key, list);
    }
    return list;
  }

  /**
   * The address adverts are sent from when no mcast_src_ip/unicast_src_ip is configured:
   * the interface's primary IPv4 address, or its IPv6 link-local address (RFC 5798 §5.1.2.1).
   * `exclude` lists addresses that must not be chosen (our own VIPs).
   */
  primaryAddress(ifindex: number, family: Family, exclude: readonly Uint8Array[] = []): Uint8Array | null {
    const isExcluded = (a: AddrInfo): boolean => exclude.some((e) => e.length === a.bytes.length && e.every((b, i) => b === a.bytes[i]));
    const cands = this.addresses(ifindex, family).filter((a) => !isExcluded(a) && (a.flags & IFA_F_TENTATIVE) === 0);
    if (family === 4) {
      const primary = cands.find((a) => (a.flags & IFA_F_SECONDARY) === 0) ?? cands[0];
      return primary?.bytes ?? null;
    }
    const ll = cands.find((a) => isLinkLocal6({ family: 6, bytes: a.bytes }));
    return ll?.bytes ?? null;
  }


  private addAddr(a: AddrInfo): void {
    const list = this.addrs.get(a.ifindex) ?? [];
    list.push(a);
    this.addrs.set(a.ifindex, list);
  }

  private removeAddr(a: AddrInfo): void {
    const list = this.addrs.get(a.ifindex);
    if (!list) return;
    const i = list.findIndex((x) => x.family === a.family && x.prefixLen === a.prefixLen && x.bytes.every((b, j) => b === a.bytes[j]));
    if (i >= 0) list.splice(i, 1);
  }
}
