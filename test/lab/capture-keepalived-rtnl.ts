/**
 * Regenerates test/fixtures/rtnl/*.json: runs Debian's keepalived (2.2.7) under strace in a
 * netns lab (keepalived-capture.ts), one config at a time, and records per phase the route
 * rule and link requests keepalived sent (sequence numbers zeroed) and what `ip -j -d route show
 * table all` and `ip -j -d rule show` print (keepalived's routes, not the kernel's).
 *
 *   npx tsc -p . && node dist/test/lab/capture-keepalived-rtnl.js [--only NAME]
 *
 * Needs root, keepalived and strace.
 */
import type { Lab, LabHost } from './netns.js';
import { captureFixtures, fixtureDir, linkIndexes, runIfMain, type CaptureContext, type CapturePhase } from './keepalived-capture.js';
import { netlinkSendsFromStrace, splitNetlink, withoutSequence, zeroRtnlPadding } from './strace-netlink.js';
import { RTNL_CAPTURE_SCENARIOS, type RtnlCaptureScenario } from './rtnl-scenarios.js';
import type { RtnlFixturePhase } from '../../src/test-kit/rtnl-fixtures.js';

function ipJson(lab: Lab, h: LabHost, args: readonly string[]): Record<string, unknown>[] {
  return JSON.parse(lab.exec(h, ['ip', '-j', '-d', ...args])) as Record<string, unknown>[];
}

/** keepalived's routes: everything but the kernel's own and table local. */
export function routesOf(lab: Lab, h: LabHost): Record<string, unknown>[] {
  return [...ipJson(lab, h, ['-4', 'route', 'show', 'table', 'all']), ...ipJson(lab, h, ['-6', 'route', 'show', 'table', 'all'])].filter(
    (r) => r['protocol'] !== 'kernel' && r['table'] !== 'local' && r['type'] !== 'multicast',
  );
}

export function rulesOf(lab: Lab, h: LabHost): Record<string, unknown>[] {
  return [...ipJson(lab, h, ['-4', 'rule', 'show']), ...ipJson(lab, h, ['-6', 'rule', 'show'])];
}

/** Route, rule and link changes (RTM_GETLINK dumps are left out). */
const REQUESTS = /RTM_(NEW|DEL)(ROUTE|RULE|LINK)/;

function snapshot(ctx: CaptureContext, phase: CapturePhase, sentBefore: number): { phase: RtnlFixturePhase; sent: number } {
  const { lab, h1, stracePath } = ctx;
  const sends = netlinkSendsFromStrace(stracePath, REQUESTS);
  return {
    phase: {
      phase,
      sent: sends.slice(sentBefore).flatMap((s) => splitNetlink(s.bytes).map((m) => Buffer.from(zeroRtnlPadding(withoutSequence(m))).toString('hex'))),
      routes: routesOf(lab, h1),
      rules: rulesOf(lab, h1),
      links: linkIndexes(lab, h1),
    },
    sent: sends.length,
  };
}

runIfMain(import.meta.url, () =>
  captureFixtures<RtnlCaptureScenario, RtnlFixturePhase>({
    scenarios: RTNL_CAPTURE_SCENARIOS,
    outDir: fixtureDir(import.meta.url, 'rtnl'),
    snapshot,
    summary: (p) => `${p.phase} (${p.sent.length} request(s), ${p.routes.length} route(s), ${p.rules.length} rule(s))`,
  }),
);
