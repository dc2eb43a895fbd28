/**
 * A one-way delay line for VRRP between two ports of the lab's switch (the host kernel has
 * no sch_netem): run inside the switch namespace, it reads every VRRP frame that arrives on
 * port FROM (AF_PACKET, ETH_P_ALL, ingress only) and sends it out of port TO after DELAY ms
 * (± JITTER, seeded), in order of due time. The direct path FROM → TO is dropped by the
 * nftables rule net-faults.ts adds, so the peer sees only the delayed copy.
 *
 *   ip netns exec SWITCH node dist/test/chaos/delay-line.js FROM TO DELAY_MS [JITTER_MS] [SEED]
 *
 * Prints "ready" once both sockets are open; SIGTERM ends it.
 */
import { RawSocket } from '../../src/sys/raw-socket.js';
import { nio } from '../../src/sys/nio.js';
import { sockaddrLl } from '../../src/sys/sockaddr.js';
import { mulberry32 } from '../../src/test-kit/prng.js';

const VRRP = 112;
const PACKET_OUTGOING = 4;

/** An IPv4 or IPv6 VRRP frame (no VLAN tag: the lab has none). */
function isVrrpFrame(f: Uint8Array): boolean {
  if (f.length < 34) return false;
  const type = (f[12]! << 8) | f[13]!;
  if (type === 0x0800) return f[23] === VRRP;
  return type === 0x86dd && f.length >= 54 && f[20] === VRRP;
}

function main(argv: readonly string[]): void {
  const [from, to, delayArg, jitterArg, seedArg] = argv;
  const delayMs = Number(delayArg);
  const jitterMs = Number(jitterArg ?? 0);
  if (from === undefined || to === undefined || !(delayMs >= 0) || !(jitterMs >= 0)) {
    console.error('usage: delay-line FROM TO DELAY_MS [JITTER_MS] [SEED]');
    process.exit(2);
  }
  const rng = mulberry32(Number(seedArg ?? 1));
  const n = nio();
  const K = n.constants;
  const ethAll = ((K.ETH_P_ALL & 0xff) << 8) | (K.ETH_P_ALL >> 8); // htons
  const inIndex = n.ifNameToIndex(from);
  const outIndex = n.ifNameToIndex(to);
  const rx = RawSocket.open(K.AF_PACKET, K.SOCK_RAW, ethAll, { bufSize: 2048 });
  rx.bind(sockaddrLl({ protocol: K.ETH_P_ALL, ifindex: inIndex }));
  const tx = RawSocket.open(K.AF_PACKET, K.SOCK_RAW, 0);
  tx.bind(sockaddrLl({ protocol: 0, ifindex: outIndex }));
  const dest = sockaddrLl({ protocol: 0, ifindex: outIndex });
  // Frames leave in the order they are due; a jittered frame may overtake (as on a real path).
  rx.receive(
    (data, info) => {
      if (info.addr[10] === PACKET_OUTGOING || !isVrrpFrame(data)) return;
      const frame = Uint8Array.from(data);
      const wait = Math.max(0, delayMs + (jitterMs > 0 ? (rng.next() * 2 - 1) * jitterMs : 0));
      setTimeout(() => {
        try {
          n.sendmsg(tx.fd, frame, dest);
        } catch (e) {
          console.error(`delay-line: send failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }, wait);
    },
    (err) => {
      console.error(`delay-line: receive failed: ${err.message}`);
      process.exit(1);
    },
  );
  process.on('SIGTERM', () => {
    rx.close();
    tx.close();
    process.exit(0);
  });
  console.log('ready');
}

main(process.argv.slice(2));
