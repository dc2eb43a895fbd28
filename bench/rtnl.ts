/**
 * rtnl: the rtnetlink client (src/netlink/rtnl-client.ts) against the real kernel in a lab
 * namespace, ours only (the VRRP transition path's kernel round trips): 200 address adds in
 * flight at once and their deletes (ms per request), sequential add round trips (the figure
 * a transition sees; median and max of BENCH_RTNL_SEQUENTIAL), and how long a link change
 * takes to reach the monitor (carrier loss from the switch side, admin down inside the host;
 * these include starting `ip`). test/netlink/rtnl-client.test.ts checks the same paths for
 * behaviour, without clocks.
 */
import { NetlinkRtnlClient, type RtnlEvent } from '../src/netlink/rtnl-client.js';
import { positiveIntEnv } from '../src/test-kit/env-knobs.js';
import { createLab, inNetns } from '../test/lab/netns.js';
import { waitFor } from '../test/lab/wait.js';
import { fmt, markdownTable, summarize } from './common.js';

export async function rtnlBench(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const sequential = positiveIntEnv('BENCH_RTNL_SEQUENTIAL', 200, env);
  const lab = createLab(1, 'rtnl');
  const h1 = lab.host(1);
  const client = inNetns(h1.ns, () => NetlinkRtnlClient.open());
  const seen: { ev: RtnlEvent; at: number }[] = [];
  const sub = inNetns(h1.ns, () => client.monitor((ev) => seen.push({ ev, at: performance.now() })));
  try {
    const eth0 = (await client.listLinks()).find((l) => l.name === 'eth0')?.ifindex;
    if (eth0 === undefined) throw new Error('no eth0 in the lab host');
    const specs = Array.from({ length: 200 }, (_, i) => ({ ifindex: eth0, address: `203.0.113.${i + 1}`, prefixLen: 32 }));
    let t0 = performance.now();
    await Promise.all(specs.map((s) => client.addAddress(s)));
    const addMs = (performance.now() - t0) / specs.length;
    t0 = performance.now();
    await Promise.all(specs.map((s) => client.deleteAddress(s)));
    const delMs = (performance.now() - t0) / specs.length;
    const seq: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const s = { ifindex: eth0, address: '203.0.113.250', prefixLen: 32 };
      const t = performance.now();
      await client.addAddress(s);
      seq.push(performance.now() - t);
      await client.deleteAddress(s);
    }
    const s = summarize(seq);
    /** ms from `act` until the monitor delivered a link event for eth0 matching `pred`. */
    const linkEventMs = async (act: () => void, pred: (e: Extract<RtnlEvent, { type: 'link' }>) => boolean): Promise<number> => {
      const from = seen.length;
      const t = performance.now();
      act();
      const hit = await waitFor(() => seen.slice(from).find((x) => x.ev.type === 'link' && x.ev.ifindex === eth0 && pred(x.ev)), 5000, 'the link event', { pollMs: 1 });
      return hit.at - t;
    };
    const carrierDown = await linkEventMs(() => lab.setLink(h1, false), (e) => e.up && !e.running);
    const carrierUp = await linkEventMs(() => lab.setLink(h1, true), (e) => e.running);
    const adminDown = await linkEventMs(() => lab.exec(h1, ['ip', 'link', 'set', 'eth0', 'down']), (e) => !e.up);
    const table = markdownTable(
      ['rtnetlink', 'ms'],
      [
        ['add, 200 in flight (per request)', fmt(addMs, 3)],
        ['delete, 200 in flight (per request)', fmt(delMs, 3)],
        [`add, sequential round trip (median of ${sequential})`, fmt(s?.median, 3)],
        [`add, sequential round trip (max of ${sequential})`, fmt(s?.max, 3)],
        ['carrier loss → monitor event (incl. spawning ip)', fmt(carrierDown, 1)],
        ['carrier back → monitor event (incl. spawning ip)', fmt(carrierUp, 1)],
        ['admin down → monitor event (incl. spawning ip)', fmt(adminDown, 1)],
      ],
    );
    return `## rtnl (rtnetlink client in a lab namespace, keepalived-ts only)\n\n${table}\n`;
  } finally {
    sub.close();
    client.close();
    lab.down();
  }
}
