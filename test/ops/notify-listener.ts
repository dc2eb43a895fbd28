/**
 * A real AF_UNIX datagram socket standing in for systemd's notify socket (sd_notify(3)):
 * bound to a path or an abstract name, it records every datagram with its arrival time.
 * Built on the native addon (Node has no AF_UNIX datagram sockets).
 */
import { K, nio, type Poller } from '../../src/sys/nio.js';
import { sockaddrUn } from '../../src/sys/sockaddr.js';
import { sleep } from '../lab/proc.js';

export interface Notification {
  readonly atMs: number;
  /** KEY=VALUE lines of one datagram. */
  readonly lines: readonly string[];
}

export class NotifyListener {
  readonly received: Notification[] = [];
  private readonly fd: number;
  private readonly poller: Poller;

  constructor(readonly address: string) {
    const sa = sockaddrUn(address);
    if (!sa) throw new Error(`bad address ${address}`);
    const n = nio();
    this.fd = n.socket(K().AF_UNIX, K().SOCK_DGRAM, 0);
    n.bind(this.fd, sa);
    const buf = Buffer.alloc(65536);
    this.poller = new n.Poller(this.fd, () => {
      for (;;) {
        const r = n.recvmsg(this.fd, buf);
        if (r === null) return;
        this.received.push({ atMs: Date.now(), lines: buf.subarray(0, r.bytes).toString('utf8').split('\n') });
      }
    });
    this.poller.start(K().POLLIN);
  }

  /** The datagrams carrying a line that matches. */
  matching(re: RegExp): Notification[] {
    return this.received.filter((n) => n.lines.some((l) => re.test(l)));
  }

  async waitFor(re: RegExp, after = 0, ms = 15_000): Promise<Notification> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.received.slice(after).find((n) => n.lines.some((l) => re.test(l)));
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no notification matching ${re} within ${ms} ms; got: ${JSON.stringify(this.received.map((n) => n.lines))}`);
      await sleep(10);
    }
  }

  close(): void {
    this.poller.close();
    nio().close(this.fd);
  }
}
