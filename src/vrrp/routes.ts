/**
 * Routes and policy rules of the VRRP child at run time (keepalived.conf(5) virtual_routes,
 * virtual_rules, static_routes, static_rules; docs/data-plane.md "Routes and rules"): each
 * line planned into keepalived 2.2.7's requests (route-plan.ts), static ones set at start-up
 * for the daemon's life, an instance's own set after its VIPs on becoming MASTER and removed
 * before them on leaving it, everything removed at stop. Deletions by another program are
 * tracked through the route/rule monitor: a tracked virtual item deleted under a MASTER makes
 * it resign and take over again (fsm.ts TrackedDeleted), which puts the item back.
 *
 * After a crash of the child, the child the parent starts deletes every configured rule, as
 * keepalived does, and every configured virtual route, which keepalived 2.2.7 leaves in place
 * until the instance is MASTER again: a BACKUP must not keep routing for the VIPs it lost.
 */
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { KeepalivedConfig, VrrpInstanceConfig } from '../config/model.js';
import { HostNames } from '../config/ip-lines/host-names.js';
import type { RouteRuleEvent, RtnlRouteClient, RtnlSubscription } from '../netlink/rtnl-client.js';
import type { RoutingDeps } from './child-deps.js';
import type { InstanceRoutesPort } from './instance.js';
import { planRoute, planRule, routeKey, ruleKey, type PlanEnv, type PlannedRoute, type PlannedRule } from './route-plan.js';

type Planned = PlannedRoute | PlannedRule;

interface Item {
  readonly plan: Planned;
  /** In the kernel because we put it there. */
  set: boolean;
}

/** One owner's items: an instance's virtual ones, or the static ones. */
interface Owner {
  readonly routes: readonly Item[];
  readonly rules: readonly Item[];
  /** A tracked item of this owner was deleted by another program. */
  readonly deleted: () => void;
}

type RouteClient = RtnlRouteClient & { close(): void };

const QUIET: Pick<Logger, 'error'> = { error: () => undefined };

export class VrrpRoutes {
  private client: RouteClient | null = null;
  private monitor: RtnlSubscription | null = null;
  private statics: Owner = { routes: [], rules: [], deleted: () => undefined };
  /** Set items by kernel identity, to recognise their deletion. */
  private readonly setByKey = new Map<string, { item: Item; owner: Owner }>();
  private names: HostNames | null = null;

  constructor(
    private readonly deps: RoutingDeps,
    private readonly ifindexOf: (name: string) => number | undefined,
    private readonly log: Logger,
    /** -V (dont_release_vrrp) at stop: virtual routes and rules stay with the VIPs. */
    readonly keepOnStop: () => boolean,
  ) {}

  private env(): PlanEnv {
    this.names ??= new HostNames((f) => this.deps.nameFiles(f));
    return { names: this.names, ifindex: this.ifindexOf };
  }

  private open(): RouteClient {
    if (!this.client) {
      const c = this.deps.open();
      this.client = c;
      this.monitor = c.monitorRoutes((ev) => this.onEvent(ev));
    }
    return this.client;
  }

  /**
   * Start-up, before any instance runs: what a crashed child left is removed (every configured
   * rule, every virtual route), then the static routes and rules are set.
   */
  async start(config: KeepalivedConfig): Promise<void> {
    this.names = null;
    // Planned quietly: each instance logs its own lines' problems when it is created.
    const virtual = config.vrrpInstances.flatMap((c) => {
      const p = this.plan(c.virtualRoutes, c.virtualRules, 'virtual', QUIET);
      return [...p.routes, ...p.rules];
    });
    this.statics = { ...this.plan(config.staticRoutes, config.staticRules, 'static'), deleted: () => undefined };
    const stale = [...virtual, ...this.statics.rules];
    if (stale.length === 0 && this.statics.routes.length === 0) return;
    const c = this.open();
    for (const it of stale) await this.quietDelete(c, it.plan);
    await this.setAll(this.statics);
  }

  /** static_routes / static_rules after a reload: the lines gone are removed, the new ones set. */
  async reload(config: KeepalivedConfig): Promise<void> {
    this.names = null;
    const next = this.plan(config.staticRoutes, config.staticRules, 'static');
    const nextKeys = new Set([...next.routes, ...next.rules].map((i) => i.plan.key));
    const old = this.statics;
    this.statics = { ...next, deleted: () => undefined };
    await this.removeAll({ ...old, routes: old.routes.filter((i) => !nextKeys.has(i.plan.key)), rules: old.rules.filter((i) => !nextKeys.has(i.plan.key)) });
    for (const it of [...old.routes, ...old.rules]) {
      const same = [...next.routes, ...next.rules].find((n) => n.plan.key === it.plan.key);
      if (same && it.set) this.markSet(same, this.statics);
    }
    await this.setAll(this.statics);
  }

  /**
   * The instance's port (instance.ts InstanceRoutesPort); undefined when it has neither
   * virtual_routes nor virtual_rules. `previous`: the port of the same instance before a reload,
   * whose set items stay set (the ones gone from the config are removed at once).
   */
  portFor(cfg: VrrpInstanceConfig, log: Logger, onDeleted: () => void, previous?: InstanceRoutes): InstanceRoutes | undefined {
    const planned = this.plan(cfg.virtualRoutes, cfg.virtualRules, 'virtual', log);
    if (planned.routes.length + planned.rules.length === 0 && !previous) return undefined;
    const owner: Owner = { ...planned, deleted: onDeleted };
    if (previous) {
      const keys = new Set([...owner.routes, ...owner.rules].map((i) => i.plan.key));
      const gone = previous.owner;
      void this.removeAll({ ...gone, routes: gone.routes.filter((i) => !keys.has(i.plan.key)), rules: gone.rules.filter((i) => !keys.has(i.plan.key)) });
      for (const it of [...gone.routes, ...gone.rules]) {
        const same = [...owner.routes, ...owner.rules].find((n) => n.plan.key === it.plan.key);
        if (same && it.set) this.markSet(same, owner);
      }
    }
    return new InstanceRoutes(cfg.name, owner, log, this);
  }

  /** Stop, after the instances: the static routes and rules are removed (rules first), unless -V. */
  async stop(): Promise<void> {
    if (!this.keepOnStop()) await this.removeAll(this.statics);
    this.monitor?.close();
    this.monitor = null;
    this.client?.close();
    this.client = null;
    this.setByKey.clear();
  }

  private plan(routes: VrrpInstanceConfig['virtualRoutes'], rules: VrrpInstanceConfig['virtualRules'], where: 'virtual' | 'static', log: Pick<Logger, 'error'> = this.log): { routes: Item[]; rules: Item[] } {
    const env = this.env();
    const keep = <T extends Planned>(p: { ok: true; value: T } | { ok: false; reason: string }): Item[] => {
      if (p.ok) return [{ plan: p.value, set: false }];
      log.error(p.reason);
      return [];
    };
    return { routes: routes.flatMap((r) => keep(planRoute(r, env, where))), rules: rules.flatMap((r) => keep(planRule(r, env, where))) };
  }

  /** Routes, then rules; an item already set stays as it is. */
  async setAll(owner: Owner, log: Logger = this.log): Promise<void> {
    if (owner.routes.length + owner.rules.length === 0) return;
    const c = this.open();
    for (const it of [...owner.routes, ...owner.rules]) {
      if (it.set) continue;
      try {
        if (it.plan.kind === 'route') await c.addRoute(it.plan.add, it.plan.mode);
        else await c.addRule(it.plan.add);
        this.markSet(it, owner);
      } catch (e) {
        log.error(`Netlink: error: ${errorMessage(e)} adding ${it.plan.kind} ${it.plan.text}`);
      }
    }
  }

  /** Rules, then routes; only what we set (a deleted one is already gone). */
  async removeAll(owner: Owner, log: Logger = this.log): Promise<void> {
    const c = this.client;
    for (const it of [...owner.rules, ...owner.routes]) {
      if (!it.set) continue;
      this.unmark(it);
      if (!c) continue;
      try {
        if (it.plan.kind === 'route') await c.deleteRoute(it.plan.del);
        else await c.deleteRule(it.plan.add);
      } catch (e) {
        log.error(`Netlink: error: ${errorMessage(e)} removing ${it.plan.kind} ${it.plan.text}`);
      }
    }
  }

  private async quietDelete(c: RouteClient, p: Planned): Promise<void> {
    try {
      if (p.kind === 'route') await c.deleteRoute(p.del);
      else await c.deleteRule(p.add);
    } catch (e) {
      this.log.debug(`clean-up of ${p.kind} ${p.text}: ${errorMessage(e)}`);
    }
  }

  private markSet(it: Item, owner: Owner): void {
    it.set = true;
    this.setByKey.set(it.plan.key, { item: it, owner });
  }

  private unmark(it: Item): void {
    it.set = false;
    if (this.setByKey.get(it.plan.key)?.item === it) this.setByKey.delete(it.plan.key);
  }

  private onEvent(ev: RouteRuleEvent): void {
    switch (ev.type) {
      case 'route':
      case 'rule': {
        if (!ev.deleted) return;
        const key = ev.type === 'route' ? routeKey(ev.route) : ruleKey(ev.rule);
        const hit = this.setByKey.get(key);
        if (!hit) return;
        this.unmark(hit.item);
        if (hit.item.plan.tracked) hit.owner.deleted();
        return;
      }
      case 'resync':
        void this.resync();
        return;
      default: {
        const never: never = ev;
        return never;
      }
    }
  }

  /** Notifications were lost: whatever we set that the kernel no longer has counts as deleted. */
  private async resync(): Promise<void> {
    const c = this.client;
    if (!c) return;
    try {
      const [routes, rules] = await Promise.all([c.listRoutes(), c.listRules()]);
      const present = new Set([...routes.map(routeKey), ...rules.map(ruleKey)]);
      for (const [key, hit] of [...this.setByKey]) {
        if (present.has(key)) continue;
        this.unmark(hit.item);
        if (hit.item.plan.tracked) hit.owner.deleted();
      }
    } catch (e) {
      this.log.error(`Netlink: cannot re-read routes and rules: ${errorMessage(e)}`);
    }
  }
}

/**
 * One instance's virtual routes and rules (instance.ts InstanceRoutesPort). `enter`/`leave`
 * give it the shape of a step of a MASTER step list run after the VIPs and undone before them.
 */
export class InstanceRoutes implements InstanceRoutesPort {
  readonly name = 'routes';

  constructor(
    private readonly instance: string,
    readonly owner: Owner,
    private readonly log: Logger,
    private readonly routes: VrrpRoutes,
  ) {}

  set(): () => Promise<void> {
    if (this.owner.routes.length > 0) this.log.info(`(${this.instance}) setting Virtual Routes`);
    if (this.owner.rules.length > 0) this.log.info(`(${this.instance}) setting Virtual Rules`);
    return () => this.routes.setAll(this.owner, this.log);
  }

  enter(): Promise<void> {
    return this.set()();
  }

  leave(): Promise<void> {
    return this.remove()();
  }

  /** A MASTER's lines changed on reload: the new ones are set. */
  refresh(): Promise<void> {
    return this.routes.setAll(this.owner, this.log);
  }

  /** Its sync group restarts it (reload): what it set goes without a word. */
  release(): Promise<void> {
    return this.routes.removeAll(this.owner, this.log);
  }

  remove(): () => Promise<void> {
    if (this.routes.keepOnStop()) return () => Promise.resolve();
    if (this.owner.rules.length > 0) this.log.info(`(${this.instance}) removing Virtual Rules`);
    if (this.owner.routes.length > 0) this.log.info(`(${this.instance}) removing Virtual Routes`);
    return () => this.routes.removeAll(this.owner, this.log);
  }
}
