/**
 * The parent's status service: holds the children's status (status-store.ts), answers the
 * control socket's requests with the status document (src/process/control-protocol.ts,
 * docs/status-api.md) and feeds systemd's STATUS= line. The children push what changes;
 * advert times are not pushed (they change every advert), so a request finding a child's
 * last full update older than FRESH_MS asks that child for a full one and waits for it at
 * most REFRESH_WAIT_MS. Concurrent requests share one refresh: 1000 clients cost one
 * update per child, not 1000. Pure: the clock and the child ports are passed in.
 */
import type { Clock } from '../core/clock.js';
import type { ChildKind } from '../process/options.js';
import {
  CONTROL_PROTOCOL_VERSION,
  errorResponse,
  parseControlRequest,
  type ChildInfo,
  type ControlResponse,
  type ReloadInfo,
  type StatusDocument,
} from '../process/control-protocol.js';
import type { StatusUpdate, VrrpInstanceStatus } from '../process/status.js';
import { formatStateCounts, StatusStore } from './status-store.js';

export const FRESH_MS = 1000;
export const REFRESH_WAIT_MS = 1000;
/**
 * How long one encoded document answers every request while nothing changed: at 1000
 * instances it is ~400 KiB of JSON, and 1000 concurrent clients each given their own copy
 * cost the parent seconds of CPU and hundreds of MB (bench/RESULTS.md, status).
 */
export const SHARED_DOCUMENT_MS = 500;

export interface StatusChild {
  readonly kind: ChildKind;
  readonly pid: number | undefined;
  readonly ready: boolean;
  readonly restarts: number;
  readonly lastHeartbeatWallMs: number | null;
  /** Ask the child for a full update (ParentToChild status-request). */
  requestFull(): void;
}

export interface StatusServiceDeps {
  readonly clock: Clock;
  readonly pid: number;
  readonly version: string;
  readonly compatibleWith: string;
  readonly configFile: string;
  readonly startedAtWallMs: number;
  readonly children: () => readonly StatusChild[];
  readonly daemon: () => { readonly ready: boolean; readonly lastReload: ReloadInfo | null };
  /** The instances-per-state summary changed (systemd STATUS=). */
  readonly onSummary?: (summary: string) => void;
}

interface Waiting {
  readonly waiters: (() => void)[];
  /** When the full update was asked for (asked again if it never came). */
  askedAtMs: number;
}

export class StatusService {
  readonly store = new StatusStore();
  /** Per child: the requests waiting for its next full update. */
  private readonly waiting = new Map<ChildKind, Waiting>();
  /** The last whole-document response, shared while the store is unchanged (SHARED_DOCUMENT_MS). */
  private shared: { readonly version: number; readonly atMs: number; readonly line: Uint8Array } | null = null;

  constructor(private readonly deps: StatusServiceDeps) {}

  /** A child's update; a gap in its sequence asks it for a full one. */
  update(kind: ChildKind, u: StatusUpdate): void {
    const outcome = this.store.apply(kind, u, this.deps.clock.wallMs());
    if (outcome === 'gap') this.deps.children().find((c) => c.kind === kind)?.requestFull();
    if (u.full) this.release(kind);
    this.deps.onSummary?.(formatStateCounts(this.store.stateCounts()));
  }

  childGone(kind: ChildKind): void {
    this.store.childGone(kind);
    this.release(kind);
    this.deps.onSummary?.(formatStateCounts(this.store.stateCounts()));
  }

  /**
   * One control request line → one response line: UTF-8 JSON ending in '\n'. A whole-document
   * answer is shared by every request while the store is unchanged (SHARED_DOCUMENT_MS).
   */
  async handleLine(line: string): Promise<Uint8Array> {
    const encode = (r: ControlResponse): Uint8Array => Buffer.from(`${JSON.stringify(r)}\n`, 'utf8');
    const req = parseControlRequest(line);
    if (!req.ok) return encode(errorResponse('KA_ERR_CTL_REQUEST', req.reason));
    await this.refresh();
    const name = req.value.instance;
    if (name !== undefined) {
      const inst = this.store.instance(name);
      if (!inst) return encode(errorResponse('KA_ERR_CTL_NOT_FOUND', `no VRRP instance named '${name}'`));
      return encode({ version: CONTROL_PROTOCOL_VERSION, ok: true, status: { ...this.document([]), instances: [inst] } });
    }
    const now = this.deps.clock.nowMs();
    const s = this.shared;
    if (s && s.version === this.store.version && now - s.atMs <= SHARED_DOCUMENT_MS) return s.line;
    const fresh = encode({ version: CONTROL_PROTOCOL_VERSION, ok: true, status: this.document() });
    this.shared = { version: this.store.version, atMs: now, line: fresh };
    return fresh;
  }

  /** The status document; `instances` given: only those, and no virtual server. */
  document(instances?: readonly VrrpInstanceStatus[]): StatusDocument {
    const d = this.deps;
    const daemon = d.daemon();
    const children: ChildInfo[] = d.children().map((c) => ({ kind: c.kind, pid: c.pid ?? null, ready: c.ready, lastHeartbeatWallMs: c.lastHeartbeatWallMs, restarts: c.restarts }));
    return {
      schema: 'keepalived-ts/status',
      version: CONTROL_PROTOCOL_VERSION,
      generatedAtWallMs: d.clock.wallMs(),
      daemon: { pid: d.pid, version: d.version, compatibleWith: d.compatibleWith, configFile: d.configFile, startedAtWallMs: d.startedAtWallMs, ready: daemon.ready, lastReload: daemon.lastReload, children },
      instances: instances ?? this.store.instances(),
      virtualServers: instances ? [] : this.store.virtualServers(),
    };
  }

  /** Waits (bounded) for a full update from every ready child whose copy is stale. */
  private refresh(): Promise<void> {
    const now = this.deps.clock.wallMs();
    const stale = this.deps.children().filter((c) => c.pid !== undefined && c.ready && now - (this.store.lastFullWallMs(c.kind) ?? 0) > FRESH_MS);
    if (stale.length === 0) return Promise.resolve();
    return Promise.all(stale.map((c) => this.waitFull(c))).then(() => undefined);
  }

  private waitFull(c: StatusChild): Promise<void> {
    const now = this.deps.clock.nowMs();
    return new Promise<void>((resolve) => {
      let w = this.waiting.get(c.kind);
      if (!w) {
        w = { waiters: [], askedAtMs: now };
        this.waiting.set(c.kind, w);
        c.requestFull();
      } else if (now - w.askedAtMs > REFRESH_WAIT_MS) {
        w.askedAtMs = now;
        c.requestFull();
      }
      const timer = this.deps.clock.setTimer(now + REFRESH_WAIT_MS, () => resolve());
      w.waiters.push(() => {
        timer.cancel();
        resolve();
      });
    });
  }

  private release(kind: ChildKind): void {
    const w = this.waiting.get(kind);
    if (!w) return;
    this.waiting.delete(kind);
    for (const resolve of w.waiters) resolve();
  }
}
