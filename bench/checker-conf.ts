/**
 * keepalived.conf generator for the checker benchmarks (bench/checkers.ts): virtual servers
 * on 203.0.113.x (NAT, rr), every real server on the backend address 198.51.100.2 with its
 * own port, so one backend process serves them all and a port names one real server.
 *
 * Timing choices (documented in bench/RESULTS.md): delay_loop 1, connect_timeout 1, retry 1,
 * delay_before_retry 1 — keepalived's defaults are delay_loop 60, connect_timeout 5,
 * retry 1 (TCP) / 3 (HTTP): these make the target bound
 * delay_loop × (retry + 1) + connect_timeout + 50 ms = 3.05 s.
 */

export const BACKEND_ADDR = '198.51.100.2';
export const TCP_FIRST_PORT = 10_000;
export const HTTP_FIRST_PORT = 30_000;

export interface CheckTiming {
  /** Seconds. */
  readonly delayLoopS: number;
  readonly connectTimeoutS: number;
  readonly retry: number;
  readonly delayBeforeRetryS: number;
}

export const DETECTION_TIMING: CheckTiming = { delayLoopS: 1, connectTimeoutS: 1, retry: 1, delayBeforeRetryS: 1 };

/** The target: delay_loop × (retry + 1) + connect_timeout + 50 ms. */
export function detectionBoundMs(t: CheckTiming): number {
  return (t.delayLoopS * (t.retry + 1) + t.connectTimeoutS) * 1000 + 50;
}

export type CheckKind = 'tcp' | 'http';

export interface VsSpec {
  readonly vip: string;
  readonly port: number;
  readonly kind: CheckKind;
  /** Real server ports on BACKEND_ADDR. */
  readonly rsPorts: readonly number[];
}

function checkerBlock(kind: CheckKind, t: CheckTiming): string {
  // keepalived's parser wants one keyword per line (a one-line `{ … }` block is rejected).
  const timing = [`connect_timeout ${t.connectTimeoutS}`, `retry ${t.retry}`, `delay_before_retry ${t.delayBeforeRetryS}`];
  const lines = kind === 'tcp' ? ['TCP_CHECK {', ...timing, '}'] : ['HTTP_GET {', 'url {', 'path /', 'status_code 200', '}', ...timing, '}'];
  return lines.join('\n');
}

export function checkerConf(vss: readonly VsSpec[], t: CheckTiming): string {
  const out: string[] = ['global_defs {', '  router_id kts_bench_checkers', '}', ''];
  for (const vs of vss) {
    out.push(`virtual_server ${vs.vip} ${vs.port} {`, `  delay_loop ${t.delayLoopS}`, '  lb_algo rr', '  lb_kind NAT', '  protocol TCP');
    const check = checkerBlock(vs.kind, t);
    for (const p of vs.rsPorts) out.push(`real_server ${BACKEND_ADDR} ${p} {`, 'weight 1', check, '}');
    out.push('}', '');
  }
  return out.join('\n');
}

/**
 * The detection/throughput layout: `tcp` TCP_CHECK real servers on ports 10000…, `http`
 * HTTP_GET ones on 30000…, `perVs` real servers per virtual server; TCP virtual servers on
 * 203.0.113.1, HTTP ones on 203.0.113.2, ports 1000….
 */
export function checkersLayout(tcp: number, http: number, perVs: number): VsSpec[] {
  const vss: VsSpec[] = [];
  const add = (kind: CheckKind, vip: string, first: number, n: number): void => {
    for (let i = 0, g = 0; i < n; i += perVs, g++) {
      const rsPorts = Array.from({ length: Math.min(perVs, n - i) }, (_, k) => first + i + k);
      vss.push({ vip, port: 1000 + g, kind, rsPorts });
    }
  };
  add('tcp', '203.0.113.1', TCP_FIRST_PORT, tcp);
  add('http', '203.0.113.2', HTTP_FIRST_PORT, http);
  return vss;
}

/**
 * The reload layout: `vsCount` TCP virtual servers (203.0.113.10+, 250 ports each from 1000)
 * with the same `rsPerVs` TCP_CHECK real servers (ports 10000…) in every one, as in the
 * configurations of keepalived issue #2318 (thousands of VS sharing real servers).
 */
export function reloadLayout(vsCount: number, rsPerVs: number): VsSpec[] {
  const rsPorts = Array.from({ length: rsPerVs }, (_, k) => TCP_FIRST_PORT + k);
  return Array.from({ length: vsCount }, (_, v) => ({ vip: `203.0.113.${10 + Math.floor(v / 250)}`, port: 1000 + (v % 250), kind: 'tcp' as const, rsPorts }));
}
