/**
 * Lab pieces for the checker-child tests: the CLI's checker child alone (`-C`) under
 * LabDaemon, and a TCP listener inside a lab host that a test stops and restarts.
 */
import type { ChildProcess } from 'node:child_process';
import { LabDaemon } from '../lab/lab-daemon.js';
import type { Lab, LabHost } from '../lab/netns.js';
import { isAlive } from '../lab/proc.js';

/** LabDaemon runs `--vrrp`; the checker child alone is `-C`. */
export class CheckerLabDaemon extends LabDaemon {
  override argv(): string[] {
    return super.argv().map((a) => (a === '--vrrp' ? '-C' : a));
  }
}

const LISTENER = `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64)
print("listening", flush=True)
while True:
    c, _ = s.accept(); c.close()
`;

export function startListener(lab: Lab, host: LabHost, port: number): Promise<ChildProcess> {
  const p = lab.spawn(host, ['python3', '-c', LISTENER, host.ip4, String(port)]);
  return new Promise((resolve, reject) => {
    p.stdout?.once('data', () => resolve(p));
    p.once('exit', (code) => reject(new Error(`listener exited (${code})`)));
  });
}

export async function stopListener(p: ChildProcess): Promise<void> {
  if (p.pid !== undefined && isAlive(p.pid)) p.kill('SIGKILL');
  await new Promise((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve(null) : p.once('exit', resolve)));
}
