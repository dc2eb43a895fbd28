/**
 * The real kernel side of the VRRP child's data plane (child-deps.ts DataPlaneDeps): an
 * rtnetlink client for VMAC links and per-interface settings, an nf_tables client, /proc/sys/net
 * and the state file beside the VRRP pid file (keepalived(8) `-r`) that lets a restarted child
 * restore what a killed one changed.
 */
import type { CliOptions } from '../process/options.js';
import { NetlinkNftClient } from '../netlink/nft-client.js';
import { NetlinkRtnlClient } from '../netlink/rtnl-client.js';
import { openStateFile, stateFileBeside } from '../sys/state-file.js';
import { readSysctl, writeSysctl } from '../sys/sysctl.js';
import type { DataPlaneDeps } from './child-deps.js';

export function realDataPlaneDeps(options: Pick<CliOptions, 'vrrpPidFile'>): DataPlaneDeps {
  return {
    openLinks: () => NetlinkRtnlClient.open(),
    openNft: () => NetlinkNftClient.open(),
    sysctl: { read: readSysctl, write: writeSysctl },
    stateFile: openStateFile(stateFileBeside(options.vrrpPidFile)),
  };
}
