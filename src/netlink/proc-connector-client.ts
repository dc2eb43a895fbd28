/**
 * A NETLINK_CONNECTOR socket subscribed to the kernel's process events (proc-connector.ts).
 * The kernel accepts the subscription only from the initial network namespace: anywhere else
 * the send fails (ECONNREFUSED), which is keepalived's "Failed to set/clear process event
 * listen"; the caller then falls back to /proc scans. Listening changes nothing on the host.
 */
import { isSyscallError } from '../core/errors.js';
import { nio } from '../sys/nio.js';
import { RawSocket } from '../sys/raw-socket.js';
import { sockaddrNl } from '../sys/sockaddr.js';
import { CN_IDX_PROC, decodeProcEvents, NETLINK_CONNECTOR, procListenMessage, type ProcConnectorEvent } from './proc-connector.js';

export interface ProcConnectorHandle {
  close(): void;
}

export type ProcConnectorOpen = { readonly ok: true; readonly handle: ProcConnectorHandle } | { readonly ok: false; readonly errno: number; readonly reason: string };

/**
 * Subscribes; `onEvents` gets each datagram's process events, `onLost` an overrun (ENOBUFS:
 * events were dropped, the caller must re-read the process table). Never throws.
 */
export function openProcConnector(onEvents: (evs: readonly ProcConnectorEvent[]) => void, onLost: () => void, opts: { readonly rcvbufBytes?: number } = {}): ProcConnectorOpen {
  const K = nio().constants;
  let sock: RawSocket;
  try {
    sock = RawSocket.open(K.AF_NETLINK, K.SOCK_DGRAM, NETLINK_CONNECTOR, { bufSize: 65536, maxBatch: 64 });
  } catch (e) {
    return { ok: false, errno: isSyscallError(e) ? Math.abs(e.errno ?? 0) : 0, reason: isSyscallError(e) ? e.code ?? e.message : String(e) };
  }
  try {
    try {
      sock.setsockopt(K.SOL_SOCKET, K.SO_RCVBUFFORCE, opts.rcvbufBytes ?? 1024 * 1024);
    } catch {
      /* without CAP_NET_ADMIN the default buffer stays */
    }
    sock.bind(sockaddrNl(0, CN_IDX_PROC));
    sock.send(procListenMessage(true), sockaddrNl(0, 0));
  } catch (e) {
    sock.close();
    return { ok: false, errno: isSyscallError(e) ? Math.abs(e.errno ?? 0) : 0, reason: isSyscallError(e) ? e.code ?? e.message : String(e) };
  }
  sock.ref(false);
  sock.receive(
    (data) => {
      const evs = decodeProcEvents(data);
      if (evs.length > 0) onEvents(evs);
    },
    (err) => {
      if (isSyscallError(err) && err.code === 'ENOBUFS') onLost();
    },
  );
  return {
    handle: {
      close: () => {
        try {
          sock.send(procListenMessage(false), sockaddrNl(0, 0));
        } catch {
          /* closing anyway */
        }
        sock.close();
      },
    },
    ok: true,
  };
}
