/**
 * Starts test/check/http-test-server.js inside a lab host (plain HTTP on 8080, TLS on 8443
 * with a self-signed certificate made by openssl now) and collects the requests it echoes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, requireCommands, type Lab, type LabHost } from '../lab/netns.js';

const HERE = dirname(fileURLToPath(import.meta.url));

export interface TestServer {
  readonly ready: Promise<void>;
  readonly certFile: string;
  readonly keyFile: string;
  /** Every request received so far, header block as sent. */
  requests(): string[];
  stop(): void;
}

/** `reuseCert`: keep the certificate already in `dir` (a restart: no blocking openssl run). */
export function startTestServer(lab: Lab, host: LabHost, dir: string, reuseCert = false): TestServer {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (!reuseCert || !existsSync(certFile)) execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=www.example.test'], {
    stdio: 'ignore',
  });
  const child = lab.spawn(host, [process.execPath, join(HERE, 'http-test-server.js'), '8080', '8443', certFile, keyFile]);
  const requests: string[] = [];
  let errBuf = '';
  child.stderr?.on('data', (c: Buffer) => {
    errBuf += c.toString();
    let nl: number;
    while ((nl = errBuf.indexOf('\n')) >= 0) {
      const line = errBuf.slice(0, nl);
      errBuf = errBuf.slice(nl + 1);
      if (line.startsWith('REQUEST ')) requests.push(JSON.parse(line.slice(8)) as string);
      else process.stderr.write(`[test-server] ${line}\n`);
    }
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('test server did not start')), 10_000);
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test server exited (${code})`));
    });
  });
  ready.catch(() => undefined);
  return {
    ready,
    certFile,
    keyFile,
    requests: () => [...requests],
    stop: () => {
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
    },
  };
}

export interface ServerLab {
  readonly lab: Lab;
  readonly server: TestServer;
  /** A scratch directory removed by down(). */
  readonly dir: string;
  down(): void;
}

/** A 2-host lab with the test server on h1 (the client side is h2). */
export function startServerLab(tag: string, needs: Readonly<Record<string, string>> = {}): ServerLab {
  requireCommands({ openssl: 'openssl', ...needs });
  const lab = createLab(2, tag);
  const dir = mkdtempSync(join(tmpdir(), `kts-${tag}-`));
  let server: TestServer | undefined;
  const down = (): void => {
    server?.stop();
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = startTestServer(lab, lab.host(1), dir);
  } catch (e) {
    down();
    throw e;
  }
  return { lab, server, dir, down };
}
