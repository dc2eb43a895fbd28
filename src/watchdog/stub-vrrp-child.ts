/**
 * STUB VRRP child — NOT the VRRP implementation. It lets the watchdog, pid files, signals
 * and the process tests work before src/vrrp/daemon.ts exists: it logs that it is a stub
 * and idles. The integrator replaces it in child-runners.ts with runVrrpChild and then
 * deletes this file.
 */
import type { ChildRunner } from './child-api.js';

export const stubVrrpChild: ChildRunner = async (ctx) => {
  ctx.log.warn(`STUB VRRP child (src/watchdog/stub-vrrp-child.ts): no VRRP instance runs; config ${ctx.configPath} is not read`);
  ctx.ipc.send({ type: 'status', instances: [] });
  return {
    reload: async () => {
      ctx.log.info('Reloading');
      ctx.log.info('Reload complete');
    },
    shutdown: async () => ctx.log.info('Stopping'),
    dumpData: () => ctx.log.info(`Printing VRRP data for process(${process.pid}) on signal`),
    dumpStats: () => ctx.log.info(`Printing VRRP stats for process(${process.pid}) on signal`),
  };
};
