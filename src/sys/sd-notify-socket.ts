/**
 * systemd's readiness protocol (sd_notify(3)): one datagram of `KEY=VALUE` lines to the
 * AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an abstract name written with a
 * leading '@'). Node has no AF_UNIX datagram sockets, so the socket comes from the native
 * addon (socket + sendmsg with a sockaddr_un; docs/native-addon.md). Sending never blocks
 * and never throws: systemd may be gone, and a lost notification must not stop the daemon.
 */
import { errorMessage } from '../core/errors.js';
import { K, nio } from './nio.js';
import { sockaddrUn } from './sockaddr.js';

export interface SdNotifier {
  /** The socket's name as given in $NOTIFY_SOCKET. */
  readonly address: string;
  /** Sends one notification (lines joined with '\n'); false when it could not be sent. */
  send(lines: readonly string[]): boolean;
  close(): void;
}

/** CLOCK_MONOTONIC in µs (libuv's hrtime reads it), for RELOADING=1's MONOTONIC_USEC. */
export function monotonicUsec(): bigint {
  return process.hrtime.bigint() / 1000n;
}

/**
 * Opens the notifier for $NOTIFY_SOCKET; undefined when it is unset or empty. An address that
 * cannot be encoded or a socket that cannot be created is reported through `onError`.
 */
export function openSdNotify(address: string | undefined, onError: (msg: string) => void): SdNotifier | undefined {
  if (address === undefined || address === '') return undefined;
  const sa = sockaddrUn(address);
  if (!sa) {
    onError(`NOTIFY_SOCKET '${address}' is not a usable AF_UNIX address`);
    return undefined;
  }
  let fd: number;
  try {
    fd = nio().socket(K().AF_UNIX, K().SOCK_DGRAM, 0);
  } catch (e) {
    onError(`cannot open the systemd notify socket: ${errorMessage(e)}`);
    return undefined;
  }
  let closed = false;
  return {
    address,
    send(lines) {
      if (closed) return false;
      try {
        return nio().sendmsg(fd, Buffer.from(lines.join('\n'), 'utf8'), sa, null, K().MSG_NOSIGNAL) >= 0;
      } catch (e) {
        onError(`systemd notification failed: ${errorMessage(e)}`);
        return false;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      nio().close(fd);
    },
  };
}
