/**
 * Regenerates test/fixtures/keepalived-adverts.json: runs Debian's real keepalived (2.2.7)
 * in h1 of a 2-host netns lab, one config at a time, captures its adverts with tcpdump in h2,
 * stops keepalived (so the priority-0 "leaving" advert is captured too) and writes the frames
 * as hex together with the config that produced them.
 *
 *   npx tsc -p . && node dist/test/lab/capture-keepalived-adverts.js [--ah] [--out FILE]
 *
 * `--ah` captures the `auth_type AH` adverts instead (test/fixtures/keepalived-ah-adverts.json).
 *
 * Needs root, keepalived and tcpdump. Everything happens inside the lab's namespaces.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLab, type Lab } from './netns.js';
import { formatIp } from '../../src/core/ip.js';
import { readPcap, linkPayload, parseIpv6Fixed, toHex } from '../../src/test-kit/pcap.js';
import type { CaptureExpect, CapturedFrame } from '../../src/test-kit/vrrp-adverts.js';

export interface CaptureSpec {
  readonly name: string;
  readonly family: 4 | 6;
  /** Adverts to wait for while master before stopping keepalived (its priority-0 advert follows). */
  readonly count: number;
  readonly config: string;
  readonly expect: CaptureExpect;
  /** IPv4 protocol to capture: 112 (VRRP, default) or 51 (IPsec AH, `auth_type AH`). */
  readonly protocol?: 112 | 51;
}

const GLOBAL = 'global_defs {\n  router_id kts_capture\n}\n';

/** h1 = 192.0.2.11 / 2001:db8::b, h2 = 192.0.2.12 (see test/lab/netns.ts). */
export const SPECS: readonly CaptureSpec[] = [
  {
    name: 'v2-ipv4-noauth-3vips',
    family: 4,
    count: 3,
    config: `${GLOBAL}vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 150\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.100/24\n    192.0.2.101/24\n    192.0.2.102/24\n  }\n}\n`,
    expect: { version: 2, vrid: 51, priority: 150, advertIntCs: 100, authType: 0, password: null, addresses: ['192.0.2.100', '192.0.2.101', '192.0.2.102'], unicastDst: null },
  },
  {
    name: 'v2-ipv4-pass',
    family: 4,
    count: 3,
    config: `${GLOBAL}vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 52\n  priority 120\n  advert_int 1\n  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n  virtual_ipaddress {\n    192.0.2.110/24\n  }\n}\n`,
    expect: { version: 2, vrid: 52, priority: 120, advertIntCs: 100, authType: 1, password: 'secret', addresses: ['192.0.2.110'], unicastDst: null },
  },
  {
    name: 'v3-ipv4-100ms',
    family: 4,
    count: 5,
    config: `${GLOBAL}vrrp_instance VI_1 {\n  version 3\n  state BACKUP\n  interface eth0\n  virtual_router_id 53\n  priority 200\n  advert_int 0.1\n  virtual_ipaddress {\n    192.0.2.120/24\n  }\n}\n`,
    expect: { version: 3, vrid: 53, priority: 200, advertIntCs: 10, authType: 0, password: null, addresses: ['192.0.2.120'], unicastDst: null },
  },
  {
    name: 'v3-ipv4-1s-2vips',
    family: 4,
    count: 3,
    config: `${GLOBAL}vrrp_instance VI_1 {\n  version 3\n  state BACKUP\n  interface eth0\n  virtual_router_id 54\n  priority 100\n  advert_int 1\n  virtual_ipaddress {\n    192.0.2.130/24\n    192.0.2.131/24\n  }\n}\n`,
    expect: { version: 3, vrid: 54, priority: 100, advertIntCs: 100, authType: 0, password: null, addresses: ['192.0.2.130', '192.0.2.131'], unicastDst: null },
  },
  {
    name: 'v3-ipv4-unicast',
    family: 4,
    count: 3,
    config: `${GLOBAL}vrrp_instance VI_1 {\n  version 3\n  state BACKUP\n  interface eth0\n  virtual_router_id 56\n  priority 150\n  advert_int 1\n  unicast_src_ip 192.0.2.11\n  unicast_peer {\n    192.0.2.12\n  }\n  virtual_ipaddress {\n    192.0.2.140/24\n  }\n}\n`,
    expect: { version: 3, vrid: 56, priority: 150, advertIntCs: 100, authType: 0, password: null, addresses: ['192.0.2.140'], unicastDst: '192.0.2.12' },
  },
  {
    name: 'v3-ipv6-2vips',
    family: 6,
    count: 3,
    config: `${GLOBAL}vrrp_instance VI_6 {\n  version 3\n  state BACKUP\n  interface eth0\n  virtual_router_id 55\n  priority 150\n  advert_int 1\n  virtual_ipaddress {\n    2001:db8::100/64\n    2001:db8::101/64\n  }\n}\n`,
    expect: { version: 3, vrid: 55, priority: 150, advertIntCs: 100, authType: 0, password: null, addresses: ['2001:db8::100', '2001:db8::101'], unicastDst: null },
  },
];

function frames(pcapPath: string): CapturedFrame[] {
  if (!existsSync(pcapPath)) return [];
  let file;
  try {
    file = readPcap(new Uint8Array(readFileSync(pcapPath)));
  } catch {
    return []; // tcpdump is still writing the first record
  }
  const out: CapturedFrame[] = [];
  for (const r of file.records) {
    const lp = linkPayload(file.linkType, r.data);
    if (!lp) continue;
    if (lp.etherType === 0x0800) {
      const ip = lp.ip.subarray(0, (lp.ip[2]! << 8) | lp.ip[3]!);
      // With AH the VRRP payload follows the 24-byte AH header (RFC 2402 §2).
      const vrrpAt = (ip[0]! & 0x0f) * 4 + (ip[9] === 51 ? 24 : 0);
      out.push({ src: formatIp(ip.subarray(12, 16)), dst: formatIp(ip.subarray(16, 20)), ttl: ip[8]!, ip: toHex(ip), vrrp: toHex(ip.subarray(vrrpAt)) });
    } else {
      const v6 = parseIpv6Fixed(lp.ip);
      if (!v6) continue;
      out.push({ src: formatIp(v6.src), dst: formatIp(v6.dst), ttl: v6.hopLimit, ip: toHex(lp.ip.subarray(0, 40 + v6.payload.length)), vrrp: toHex(v6.payload) });
    }
  }
  return out;
}

export async function captureOne(lab: Lab, spec: CaptureSpec, dir: string): Promise<CapturedFrame[]> {
  const conf = join(dir, `${spec.name}.conf`);
  const pcap = join(dir, `${spec.name}.pcap`);
  writeFileSync(conf, spec.config);
  const filter = spec.family === 4 ? `ip proto ${spec.protocol ?? 112}` : 'ip6 proto 112';
  // No -c: stop tcpdump ourselves once keepalived has exited, so its priority-0 advert is in.
  const dump = lab.spawn(lab.host(2), ['tcpdump', '-Z', 'root', '-i', 'eth0', '-U', '-n', '-w', pcap, filter]);
  await sleep(700); // let tcpdump attach before the first advert
  const ka = lab.spawn(lab.host(1), [
    '/usr/sbin/keepalived', '-n', '-l', '-D', '--vrrp', '-f', conf,
    '-p', join(dir, `${spec.name}.pid`), '-r', join(dir, `${spec.name}.vrrp.pid`), '-c', join(dir, `${spec.name}.chk.pid`),
  ]);
  let log = '';
  ka.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  ka.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 15000;
  while (frames(pcap).length < spec.count && Date.now() < deadline) await sleep(100);
  const kaExit = new Promise<void>((res) => ka.once('exit', () => res()));
  ka.kill('SIGTERM');
  await Promise.race([kaExit, sleep(5000)]);
  await sleep(500);
  const dumpExit = new Promise<void>((res) => dump.once('exit', () => res()));
  dump.kill('SIGINT');
  await Promise.race([dumpExit, sleep(3000)]);
  const got = frames(pcap);
  if (got.length < spec.count) throw new Error(`${spec.name}: captured ${got.length} adverts, wanted ${spec.count}\nkeepalived said:\n${log}`);
  return got;
}

/**
 * `auth_type AH` (IPsec AH, IP protocol 51): multicast, and unicast to two peers (h2 and h3 of
 * a hub lab, so h2 sees both copies) with a password longer than the 8 bytes keepalived keeps.
 * Every frame differs (IP ID, AH sequence number, ICV), so all are kept, in order.
 */
export const AH_SPECS: readonly CaptureSpec[] = [
  {
    name: 'v2-ipv4-ah',
    family: 4,
    protocol: 51,
    count: 4,
    config: `${GLOBAL}vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 57\n  priority 150\n  advert_int 1\n  authentication {\n    auth_type AH\n    auth_pass secretpw\n  }\n  virtual_ipaddress {\n    192.0.2.150/24\n  }\n}\n`,
    expect: { version: 2, vrid: 57, priority: 150, advertIntCs: 100, authType: 2, password: 'secretpw', addresses: ['192.0.2.150'], unicastDst: null },
  },
  {
    name: 'v2-ipv4-ah-unicast-2peers',
    family: 4,
    protocol: 51,
    count: 6,
    config: `${GLOBAL}vrrp_instance VI_1 {\n  state BACKUP\n  interface eth0\n  virtual_router_id 58\n  priority 120\n  advert_int 1\n  unicast_src_ip 192.0.2.11\n  unicast_peer {\n    192.0.2.12\n    192.0.2.13\n  }\n  authentication {\n    auth_type AH\n    auth_pass longpassword12\n  }\n  virtual_ipaddress {\n    192.0.2.160/24\n    192.0.2.161/24\n  }\n}\n`,
    expect: { version: 2, vrid: 58, priority: 120, advertIntCs: 100, authType: 2, password: 'longpass', addresses: ['192.0.2.160', '192.0.2.161'], unicastDst: '192.0.2.12' },
  },
];

export async function captureAll(outPath: string, ah = false): Promise<void> {
  // keepalived prints its version on stderr.
  const vr = spawnSync('/usr/sbin/keepalived', ['--version'], { encoding: 'utf8' });
  const version = `${vr.stdout}${vr.stderr}`;
  const lab = ah ? createLab(3, 'cap', { hub: true }) : createLab(2, 'cap');
  const dir = mkdtempSync(join(tmpdir(), 'kts-capture-'));
  try {
    const captures = [];
    for (const spec of ah ? AH_SPECS : SPECS) {
      // Adverts repeat byte for byte (only the IPv4 ID moves): keep each distinct payload once.
      // AH adverts never repeat (sequence number, ICV): keep them all, in order.
      const seen = new Set<string>();
      const got = (await captureOne(lab, spec, dir)).filter((f) => ah || (!seen.has(f.vrrp) && seen.add(f.vrrp)));
      captures.push({ name: spec.name, family: spec.family, config: spec.config, expect: spec.expect, frames: got });
      console.log(`${spec.name}: ${got.length} ${ah ? '' : 'distinct '}adverts`);
    }
    const fixture = {
      description: ah
        ? 'IPsec AH VRRP adverts (auth_type AH) sent by the real keepalived, captured with tcpdump on a peer host of a 3-host hub netns lab (test/lab/capture-keepalived-adverts.ts --ah). All frames in send order: the master\'s adverts, then the priority-0 advert keepalived sends when stopped.'
        : 'VRRP adverts sent by the real keepalived, captured with tcpdump on the peer host of a 2-host netns lab (test/lab/capture-keepalived-adverts.ts). Each distinct advert payload is kept once: the periodic advert of the master, then the priority-0 advert keepalived sends when stopped.',
      keepalivedVersion: (version.split('\n')[0] ?? '').trim(),
      debianPackage: '1:2.2.7-1+b2',
      captureDate: new Date().toISOString(),
      sender: { ip4: lab.host(1).ip4, mac: lab.host(1).mac },
      captures,
    };
    writeFileSync(outPath, `${JSON.stringify(fixture, null, 2)}\n`);
  } finally {
    lab.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('capture-keepalived-adverts.js')) {
  const i = process.argv.indexOf('--out');
  const ah = process.argv.includes('--ah');
  const out = i >= 0 ? process.argv[i + 1]! : ah ? 'test/fixtures/keepalived-ah-adverts.json' : 'test/fixtures/keepalived-adverts.json';
  captureAll(out, ah).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
