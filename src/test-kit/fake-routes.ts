/**
 * A fake kernel routing table and rule list for the VRRP child's unit tests (routes.ts over
 * child-deps.ts RoutingDeps): requests are kept by the kernel identity route-plan.ts computes,
 * answered as the kernel answers them (an identical add is 'exists', a missing delete 'absent'),
 * and recorded in order; `deleteExternally` is another program deleting an entry, announced to
 * the monitors as the kernel announces it.
 */
import type { AddOutcome, DeleteOutcome, RouteRuleEvent, RtnlRouteClient, RtnlSubscription } from '../netlink/rtnl-client.js';
import type { RuleMessage } from '../netlink/fib-rule.js';
import type { RouteMessage } from '../netlink/route.js';
import type { RouteAddMode } from '../netlink/route-model.js';
import type { RoutingDeps } from '../vrrp/child-deps.js';
import { routeKey, ruleKey } from '../vrrp/route-plan.js';

export class FakeRoutes implements RtnlRouteClient {
  readonly routes = new Map<string, RouteMessage>();
  readonly rules = new Map<string, RuleMessage>();
  /** `add route KEY`, `del rule KEY` …, in request order. */
  readonly requests: string[] = [];
  private readonly monitors = new Set<(ev: RouteRuleEvent) => void>();
  opened = 0;
  closed = 0;

  get deps(): RoutingDeps {
    return {
      open: () => {
        this.opened++;
        return this;
      },
      nameFiles: () => [],
    };
  }

  close(): void {
    this.closed++;
  }

  listRoutes(): Promise<RouteMessage[]> {
    return Promise.resolve([...this.routes.values()]);
  }

  listRules(): Promise<RuleMessage[]> {
    return Promise.resolve([...this.rules.values()]);
  }

  addRoute(route: RouteMessage, mode: RouteAddMode = 'prepend'): Promise<AddOutcome> {
    const key = routeKey(route);
    this.requests.push(`add route ${key} ${mode}`);
    if (this.routes.has(key)) return Promise.resolve('exists');
    this.routes.set(key, route);
    return Promise.resolve('added');
  }

  deleteRoute(route: RouteMessage): Promise<DeleteOutcome> {
    const key = routeKey(route);
    this.requests.push(`del route ${key}`);
    return Promise.resolve(this.routes.delete(key) ? 'deleted' : 'absent');
  }

  addRule(rule: RuleMessage): Promise<AddOutcome> {
    const key = ruleKey(rule);
    this.requests.push(`add rule ${key}`);
    if (this.rules.has(key)) return Promise.resolve('exists');
    this.rules.set(key, rule);
    return Promise.resolve('added');
  }

  deleteRule(rule: RuleMessage): Promise<DeleteOutcome> {
    const key = ruleKey(rule);
    this.requests.push(`del rule ${key}`);
    return Promise.resolve(this.rules.delete(key) ? 'deleted' : 'absent');
  }

  monitorRoutes(cb: (ev: RouteRuleEvent) => void): RtnlSubscription {
    this.monitors.add(cb);
    return { close: () => void this.monitors.delete(cb) };
  }

  /** Another program deletes the route or rule whose key starts with `prefix`; false when none does. */
  deleteExternally(prefix: string): boolean {
    for (const [key, route] of this.routes) {
      if (!key.startsWith(prefix)) continue;
      this.routes.delete(key);
      for (const cb of this.monitors) cb({ type: 'route', deleted: true, route });
      return true;
    }
    for (const [key, rule] of this.rules) {
      if (!key.startsWith(prefix)) continue;
      this.rules.delete(key);
      for (const cb of this.monitors) cb({ type: 'rule', deleted: true, rule });
      return true;
    }
    return false;
  }

  /** Keys now in the fake kernel, routes then rules, sorted. */
  keys(): string[] {
    return [...[...this.routes.keys()].sort(), ...[...this.rules.keys()].sort()];
  }
}
