/**
 * ha_suspend support (keepalived.conf(5) "Virtual server(s)"): which addresses are
 * configured on this host right now, kept current from rtnetlink address events, so the
 * checkers of a VS whose address is absent (we are not the VRRP master) can be suspended.
 */
import type { Logger } from '../core/logger.js';
import { NetlinkRtnlClient } from '../netlink/rtnl-client.js';

export interface LocalAddresses {
  has(address: string): boolean;
  close(): void;
}

export type WatchLocalAddresses = (log: Logger) => Promise<LocalAddresses>;

export const watchRtnlAddresses: WatchLocalAddresses = async () => {
  const rtnl = NetlinkRtnlClient.open();
  // A set, not counts: events racing the dump must not leave a phantom address behind.
  const present = new Set<string>();
  const resync = async (): Promise<void> => {
    const list = await rtnl.listAddresses();
    present.clear();
    for (const a of list) present.add(a.address);
  };
  const sub = rtnl.monitor((ev) => {
    if (ev.type === 'addr') {
      if (ev.deleted) present.delete(ev.address);
      else present.add(ev.address);
    } else if (ev.type === 'resync') void resync();
  });
  await resync();
  return {
    has: (a) => present.has(a),
    close: () => {
      sub.close();
      rtnl.close();
    },
  };
};
